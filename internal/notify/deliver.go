// Package notify delivers the notification outbox: it renders each kind
// of message (templates/), sends email through internal/mail and signed
// webhooks through the demo checks' guarded transport, and retries each
// delivery on its own with exponential backoff.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

// Defaults of a Deliverer.
const (
	DefaultMaxAttempts = 8
	DefaultBaseBackoff = 30 * time.Second
	maxBackoff         = 6 * time.Hour
	// A claim takes claimBatch deliveries, sent one after another, each
	// bounded by the mail or webhook timeout (20 s and 10 s): the lease
	// outlasts a batch of timeouts, so another worker never takes a
	// delivery this one is still sending.
	claimBatch   = 10
	defaultLease = 10 * time.Minute
	fanOutBatch  = 100
)

// EmailOff is the reason on email deliveries of an instance without SMTP.
const EmailOff = "Not sent: email is off on this Folio (FOLIO_SMTP_URL is not set)."

// Deliverer sends what the outbox holds.
type Deliverer struct {
	Store    *outbox.Store
	Mailer   *mail.Mailer // nil: email is off, email deliveries are skipped
	Webhooks *WebhookSender
	Keys     *Keys
	BaseURL  *url.URL
	// MaxAttempts is how many times a delivery is tried before it is
	// marked failed (DefaultMaxAttempts when 0).
	MaxAttempts int
	// BaseBackoff is the wait after the first failure, doubled after each
	// further one up to six hours (DefaultBaseBackoff when 0): with the
	// defaults, attempts over about two hours.
	BaseBackoff time.Duration
	// Lease is how long a claimed delivery is hidden from other workers.
	Lease  time.Duration
	Logger *slog.Logger
	// Language is the language of the mail a user receives
	// (langstore.RecipientLanguage); nil: English.
	Language func(ctx context.Context, userID int64) (string, error)
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

func (d *Deliverer) maxAttempts() int {
	if d.MaxAttempts > 0 {
		return d.MaxAttempts
	}
	return DefaultMaxAttempts
}

// Backoff is the wait after the attempt-th failed attempt.
func (d *Deliverer) Backoff(attempt int) time.Duration {
	base := d.BaseBackoff
	if base <= 0 {
		base = DefaultBaseBackoff
	}
	wait := base
	for i := 1; i < attempt && wait < maxBackoff; i++ {
		wait *= 2
	}
	return min(wait, maxBackoff)
}

// RunOnce fans out new notifications and sends the deliveries that are
// due, one batch of each, and returns how many of both it handled.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	fanned, err := d.Store.FanOut(ctx, fanOutBatch)
	if err != nil {
		return 0, err
	}
	lease := d.Lease
	if lease <= 0 {
		lease = defaultLease
	}
	jobs, err := d.Store.Claim(ctx, claimBatch, lease)
	if err != nil {
		return fanned, err
	}
	for _, j := range jobs {
		if err := d.deliver(ctx, j); err != nil {
			return fanned, err
		}
	}
	return fanned + len(jobs), nil
}

// Run calls RunOnce until nothing is left or budget is spent.
func (d *Deliverer) Run(ctx context.Context, budget time.Duration) error {
	deadline := time.Now().Add(budget)
	for time.Now().Before(deadline) {
		n, err := d.RunOnce(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
	return nil
}

// deliver sends one job and records the outcome; the error is only for
// the outbox itself failing.
func (d *Deliverer) deliver(ctx context.Context, j outbox.Job) error {
	var err error
	switch j.Channel {
	case folio.ChannelEmail:
		if d.Mailer == nil {
			return d.Store.Skip(ctx, j.ID, EmailOff)
		}
		err = d.sendEmail(ctx, j)
	case folio.ChannelWebhook:
		if j.WebhookURL == "" { // deleted meanwhile
			return d.Store.Skip(ctx, j.ID, "The webhook was deleted.")
		}
		err = d.sendWebhook(ctx, j)
	default:
		err = permanent(fmt.Errorf("unknown channel %q", j.Channel))
	}
	final := true
	if err == nil {
		if err := d.Store.Sent(ctx, j.ID); err != nil {
			return err
		}
	} else {
		final = j.Attempts >= d.maxAttempts() || errors.As(err, new(permanentError))
		d.logger().Warn("notification not delivered", "delivery_id", j.ID, "kind", j.Kind, "channel", j.Channel,
			"attempt", j.Attempts, "final", final, "error", err)
		if err := d.Store.Retry(ctx, j.ID, err.Error(), d.Backoff(j.Attempts), final); err != nil {
			return err
		}
	}
	// Account mail (a reset or verification link) is forgotten once done.
	if final && !j.Kind.IsOwnerKind() {
		return d.Store.Scrub(ctx, j.NotificationID)
	}
	return nil
}

func (d *Deliverer) base() string { return d.BaseURL.String() }

// SettingsURL is the dashboard's notification settings page.
func (d *Deliverer) SettingsURL() string { return d.base() + "/dashboard/notifications" }

// UnsubscribeURL is the one-click unsubscribe address of kind for owner.
func (d *Deliverer) UnsubscribeURL(ownerID int64, kind folio.NotificationKind) string {
	return d.base() + "/unsubscribe/" + d.Keys.UnsubscribeToken(ownerID, kind)
}

// data is what j's templates read. A Data "url" that is a path ("/dashboard/projects/4")
// is made absolute on the instance's address, so that causes, which do
// not know it, can link into Folio.
func (d *Deliverer) data(j outbox.Job) MessageData {
	if j.Data == nil {
		j.Data = map[string]string{}
	}
	if u := j.Data["url"]; strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		j.Data["url"] = d.base() + u
	}
	return MessageData{Kind: j.Kind, OwnerName: j.OwnerName, BaseURL: d.base(), SettingsURL: d.SettingsURL(), Data: j.Data}
}

func (d *Deliverer) sendEmail(ctx context.Context, j outbox.Job) error {
	md := d.data(j)
	// Owner kinds can be turned off in one click (RFC 8058); account mail
	// (verification, reset) cannot.
	owner := j.Kind.IsOwnerKind()
	if owner {
		md.UnsubscribeURL = d.UnsubscribeURL(j.OwnerID, j.Kind)
	}
	if d.Language != nil && j.OwnerID != 0 {
		lang, err := d.Language(ctx, j.OwnerID)
		if err != nil {
			return err // the database: another attempt may do
		}
		md.Lang = lang
	}
	r, err := Render(md)
	if err != nil {
		return err
	}
	msg := mail.Message{To: j.Target, Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		// The same id on every attempt: a message sent again after a lost
		// acknowledgement is the same message to the receiving side.
		MessageID: d.Mailer.MessageID("folio-delivery-" + strconv.FormatInt(j.ID, 10) + "." + strconv.FormatInt(j.CreatedAt.Unix(), 10)),
		Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Folio-Kind": string(j.Kind)}}
	if owner {
		msg.Headers["List-Unsubscribe"] = "<" + md.UnsubscribeURL + ">"
		msg.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	return d.Mailer.Send(ctx, msg)
}

func (d *Deliverer) sendWebhook(ctx context.Context, j outbox.Job) error {
	if d.Webhooks == nil {
		return permanent(errors.New("webhooks are not set up on this instance"))
	}
	secret, err := d.Keys.Open(j.SecretSealed, j.OwnerID)
	if err != nil {
		return permanent(err)
	}
	r, err := Render(d.data(j))
	if err != nil {
		return err
	}
	body, err := webhookBody(j.WebhookFormat, WebhookEvent{ID: j.ID, Kind: string(j.Kind), CreatedAt: j.CreatedAt.UTC(),
		Text: r.Subject, URL: j.Data["url"], Data: j.Data})
	if err != nil {
		return permanent(err)
	}
	return d.Webhooks.Post(ctx, j.WebhookURL, secret, j.ID, string(j.Kind), body)
}

// TestWebhook sends a test event to one of the owner's webhooks now and
// returns the endpoint's error, if any.
func (d *Deliverer) TestWebhook(ctx context.Context, ownerID, webhookID int64) error {
	w, sealed, err := d.Store.Webhook(ctx, ownerID, webhookID)
	if err != nil {
		return err
	}
	secret, err := d.Keys.Open(sealed, ownerID)
	if err != nil {
		return err
	}
	body, err := webhookBody(w.Format, WebhookEvent{Kind: "test", CreatedAt: time.Now().UTC(),
		Text: "Test message from Folio: this webhook works.", URL: d.SettingsURL(), Data: map[string]string{}})
	if err != nil {
		return err
	}
	return d.Webhooks.Post(ctx, w.URL, secret, 0, "test", body)
}
