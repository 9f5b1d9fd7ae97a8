package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

// A notification becomes one email, plain text and HTML, with the RFC 8058
// headers, and running the deliverer again sends nothing more.
func TestEmailDeliveredOnceWithOneClickUnsubscribe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("owner")
	owner := f.owner(t, to, true)
	if _, err := outbox.Add(ctx, f.db, demoDown(owner, "a")); err != nil {
		t.Fatal(err)
	}
	f.deliverUntil(t, "email sent", func() bool {
		ds := f.deliveries(t, owner)
		return len(ds) == 1 && ds[0].Status == folio.DeliverySent
	})
	for range 3 {
		if _, err := f.d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := f.mailpit.WaitForMail(t, to, 1, 10*time.Second)
	m := msgs[0]
	if m.Subject != "Live demo down: Orders <API>" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Text, "The connection was refused") || !strings.Contains(m.Text, "https://folio.example/dashboard/projects/1") {
		t.Errorf("text body lacks the error or the link:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, "Orders &lt;API&gt;") || strings.Contains(m.HTML, "Orders <API>") {
		t.Errorf("HTML body does not escape the project title:\n%s", m.HTML)
	}
	if strings.Contains(m.HTML, "<img") {
		t.Error("the HTML body has an image (no tracking pixels, no third-party images)")
	}
	unsub := m.Header("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<https://folio.example/unsubscribe/") || m.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe %q, List-Unsubscribe-Post %q", unsub, m.Header("List-Unsubscribe-Post"))
	}
	token := strings.TrimSuffix(strings.TrimPrefix(unsub, "<https://folio.example/unsubscribe/"), ">")
	if id, kind, ok := f.keys.ParseUnsubscribeToken(token); !ok || id != owner || kind != folio.NotifyDemoDown {
		t.Errorf("unsubscribe token names %d %s %v", id, kind, ok)
	}
	// The same cause recorded again writes nothing.
	if n, err := outbox.Add(ctx, f.db, demoDown(owner, "a")); err != nil || n != 0 {
		t.Fatalf("second add = %d, %v", n, err)
	}
	if _, err := f.d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.mailpit.Messages(t, to); len(got) != 1 {
		t.Fatalf("%d messages after a repeated cause, want 1", len(got))
	}
}

// SMTP down when the demo goes down: the delivery waits with the reason,
// and arrives once when the server is back.
func TestEmailSurvivesSMTPDown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("down")
	owner := f.owner(t, to, true)
	up := f.d.Mailer
	f.d.Mailer = mailerFor(t, closedSMTP(t))
	if _, err := outbox.Add(ctx, f.db, demoDown(owner, "b")); err != nil {
		t.Fatal(err)
	}
	f.deliverUntil(t, "a failed attempt", func() bool {
		ds := f.deliveries(t, owner)
		return len(ds) == 1 && ds[0].Attempts >= 2
	})
	d := f.delivery(t, owner)
	if d.Status != folio.DeliveryPending || !strings.Contains(d.LastError, "connection refused") {
		t.Fatalf("delivery while SMTP is down: %+v", d)
	}
	f.d.Mailer = up
	f.deliverUntil(t, "sent after SMTP is back", func() bool { return f.delivery(t, owner).Status == folio.DeliverySent })
	f.mailpit.WaitForMail(t, to, 1, 10*time.Second)
}

// After the last attempt the delivery is failed, with the reason.
func TestEmailFailsAfterLastAttempt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.owner(t, f.mailpit.Address("fail"), true)
	f.d.Mailer, f.d.MaxAttempts = mailerFor(t, closedSMTP(t)), 3
	if _, err := outbox.Add(ctx, f.db, demoDown(owner, "c")); err != nil {
		t.Fatal(err)
	}
	f.deliverUntil(t, "failed", func() bool { return f.delivery(t, owner).Status == folio.DeliveryFailed })
	if d := f.delivery(t, owner); d.Attempts != 3 || d.LastError == "" {
		t.Fatalf("failed delivery %+v, want 3 attempts and a reason", d)
	}
}

// An unverified address gets no notification; the delivery says why.
func TestUnverifiedAddressGetsNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("unverified")
	owner := f.owner(t, to, false)
	if _, err := outbox.Add(ctx, f.db, demoDown(owner, "d")); err != nil {
		t.Fatal(err)
	}
	f.deliverUntil(t, "fanned out", func() bool { return len(f.deliveries(t, owner)) == 1 })
	if d := f.delivery(t, owner); d.Status != folio.DeliverySkipped || d.LastError != outbox.ErrUnverified {
		t.Fatalf("delivery to an unverified address: %+v", d)
	}
	if got := f.mailpit.Messages(t, to); len(got) != 0 {
		t.Fatalf("%d messages to an unverified address", len(got))
	}
}
