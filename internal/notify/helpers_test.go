package notify_test

import (
	"context"
	"crypto/rand"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/testenv"
)

type fixture struct {
	db      *bun.DB
	store   *outbox.Store
	mailpit *testenv.MailpitServer
	keys    *notify.Keys
	d       *notify.Deliverer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{db: testenv.Postgres(t), mailpit: testenv.Mailpit(t)}
	f.store = outbox.New(f.db)
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	var err error
	if f.keys, err = notify.NewKeys(master); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://folio.example")
	f.d = &notify.Deliverer{Store: f.store, Mailer: mailerFor(t, f.mailpit.SMTPURL), Keys: f.keys, BaseURL: base,
		Webhooks: notify.NewWebhookSender(2*time.Second, true), BaseBackoff: time.Millisecond}
	return f
}

func mailerFor(t *testing.T, smtpURL string) *mail.Mailer {
	t.Helper()
	cfg, err := mail.ParseURL(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Folio <folio@folio.test>"
	cfg.Timeout = 5 * time.Second
	return mail.New(cfg)
}

// closedSMTP is an smtp:// URL where nothing listens.
func closedSMTP(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "smtp://" + addr
}

// owner makes an account with address email, verified or not.
func (f *fixture) owner(t *testing.T, email string, verified bool) int64 {
	t.Helper()
	var id int64
	handle := "o" + testenv.RandomHex(5)
	if err := f.db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name, email_verified_at)
		VALUES (?, 'x', ?, 'Ada Owner', CASE WHEN ? THEN now() END) RETURNING id`, email, handle, verified).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// deliverUntil runs the deliverer until cond holds, failing after a deadline.
func (f *fixture) deliverUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15s", what)
		}
		if _, err := f.d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// delivery is the owner's only delivery, or a zero one before fan-out.
func (f *fixture) delivery(t *testing.T, owner int64) folio.Delivery {
	t.Helper()
	ds := f.deliveries(t, owner)
	if len(ds) > 1 {
		t.Fatalf("%d deliveries, want at most 1", len(ds))
	}
	if len(ds) == 0 {
		return folio.Delivery{}
	}
	return ds[0]
}

func (f *fixture) deliveries(t *testing.T, owner int64) []folio.Delivery {
	t.Helper()
	ds, err := f.store.Deliveries(context.Background(), owner, 50)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func demoDown(owner int64, key string) folio.Notification {
	return folio.Notification{OwnerID: owner, Kind: folio.NotifyDemoDown, DedupeKey: "demo_down:test:" + key,
		Data: map[string]string{"project": "Orders <API>", "error": "The connection was refused: nothing listens there.",
			"demo_url": "https://orders.example", "since": "25 Nov 2026 10:00 UTC", "url": "https://folio.example/dashboard/projects/1"}}
}

// closedHTTP is an http:// URL where nothing listens.
func closedHTTP(t *testing.T) string {
	return "http://" + strings.TrimPrefix(closedSMTP(t), "smtp://") + "/"
}

func notifyAdd(ctx context.Context, f *fixture, n folio.Notification) (int, error) {
	return outbox.Add(ctx, f.db, n)
}
