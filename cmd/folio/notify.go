package main

import (
	"context"
	"fmt"
	"time"

	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/postgres/langstore"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/worker"
)

// webhookTimeout bounds one webhook request, connection to last byte.
const webhookTimeout = 10 * time.Second

// notifier is the outbox's deliverer, made once per process: the web
// process uses it for settings and test sends, the worker to deliver.
func (a *app) notifier(ctx context.Context) (*notify.Deliverer, error) {
	if a.deliverer != nil {
		return a.deliverer, nil
	}
	store := outbox.New(a.db)
	master := a.cfg.SecretKey
	if master == nil {
		var err error
		kctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if master, err = store.Secret(kctx, "notify"); err != nil {
			return nil, fmt.Errorf("notification key: %w", err)
		}
		a.log.Warn("FOLIO_SECRET_KEY is not set: webhook secrets are sealed and unsubscribe links signed with a key kept in the database, so a database dump reveals them; set FOLIO_SECRET_KEY (openssl rand -hex 32)")
	}
	keys, err := notify.NewKeys(master)
	if err != nil {
		return nil, err
	}
	d := &notify.Deliverer{Store: store, Keys: keys, BaseURL: a.cfg.BaseURL, Logger: a.log,
		Webhooks: notify.NewWebhookSender(webhookTimeout, a.cfg.DemoAllowPrivate),
		// Mail goes out in the recipient's language.
		Language: (&langstore.Store{DB: a.db}).RecipientLanguage}
	if a.cfg.SMTP != nil {
		d.Mailer = mail.New(*a.cfg.SMTP)
		a.log.Info("email notifications on", "smtp", fmt.Sprintf("%s:%d", a.cfg.SMTP.Host, a.cfg.SMTP.Port), "from", a.cfg.SMTP.From)
	} else {
		a.log.Info("email is off: FOLIO_SMTP_URL is not set, so no notification or account email is sent (webhooks still are)")
	}
	a.deliverer = d
	return d, nil
}

// notifyHandlers are the worker's outbox tasks. The weekly digest reads
// the analytics; the daily follow-ups the applications.
func (a *app) notifyHandlers(ctx context.Context) (*worker.NotifyHandlers, error) {
	d, err := a.notifier(ctx)
	if err != nil {
		return nil, err
	}
	h := &worker.NotifyHandlers{Deliverer: d,
		FollowUps: &notify.FollowUps{DB: a.db, Store: d.Store, Applications: jobsearch.New(a.db), BaseURL: a.cfg.BaseURL}}
	if a.cfg.Analytics {
		h.Digest = &notify.Digest{DB: a.db, Store: d.Store, Analytics: eventstoreReader(a), BaseURL: a.cfg.BaseURL}
	}
	return h, nil
}
