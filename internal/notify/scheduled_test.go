package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/notify"
)

// weeks answers the analytics of two weeks; it stands in for the
// analytics reader, which has tests of its own, so that the digest's
// logic (periods, comparison, dedupe, skipping quiet weeks) is tested.
type weeks struct {
	from    time.Time // the digest's week
	asked   []folio.AnalyticsRange
	current int64
}

func (w *weeks) Report(_ context.Context, _ int64, r folio.AnalyticsRange) (*folio.AnalyticsReport, error) {
	w.asked = append(w.asked, r)
	if !r.From.Equal(w.from) {
		return &folio.AnalyticsReport{Range: r, Views: 10, Visitors: 4,
			Projects: []folio.ProjectEngagement{{Plays: 1, DemoClicks: 1}}}, nil
	}
	return &folio.AnalyticsReport{Range: r, Views: w.current, Visitors: 9,
		Referrers: []folio.Count{{Name: "news.ycombinator.com", Visitors: 2}, {Name: "linkedin.com", Visitors: 7}},
		Projects:  []folio.ProjectEngagement{{Plays: 3, DemoClicks: 2}, {Plays: 2, DemoClicks: 1}}}, nil
}

func TestWeeklyDigestOncePerWeek(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("digest")
	owner := f.owner(t, to, true)
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // a Monday: the digest of 16-22 November (2026-W47)
	reader := &weeks{from: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), current: 25}
	digest := &notify.Digest{DB: f.db, Store: f.store, Analytics: reader, BaseURL: f.d.BaseURL}
	for i, want := range []int{1, 0} {
		n, err := digest.Run(ctx, now.Add(time.Duration(i)*time.Hour))
		if err != nil || n != want {
			t.Fatalf("run %d wrote %d, %v; want %d", i, n, err, want)
		}
	}
	if r := reader.asked[0]; !r.To.Equal(r.From.AddDate(0, 0, 7)) || !reader.asked[1].To.Equal(reader.from) {
		t.Errorf("periods asked: %+v", reader.asked[:2])
	}
	f.deliverUntil(t, "sent", func() bool { return f.delivery(t, owner).Status == folio.DeliverySent })
	m := f.mailpit.WaitForMail(t, to, 1, 10*time.Second)[0]
	for _, want := range []string{"week 2026-W47", "Views:            25 (10)", "Unique visitors:  9 (4)",
		"Screencast plays: 5 (1)", "Demo clicks:      3 (1)", "- linkedin.com: 7 visitors\n- news.ycombinator.com: 2 visitors"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, m.Text)
		}
	}
	// Turned off on both channels: no digest at all.
	if err := f.store.SetPreferences(ctx, owner, []folio.NotificationPreference{
		{Kind: folio.NotifyWeeklyDigest, Channel: folio.ChannelEmail}, {Kind: folio.NotifyWeeklyDigest, Channel: folio.ChannelWebhook}}); err != nil {
		t.Fatal(err)
	}
	if n, err := digest.Run(ctx, now.AddDate(0, 0, 7)); err != nil || n != 0 {
		t.Fatalf("digest while off: %d, %v", n, err)
	}
}

type due struct{ apps []*folio.Application }

func (d due) DueApplications(_ context.Context, _ int64, _ time.Time, limit int) ([]*folio.Application, error) {
	return d.apps[:min(limit, len(d.apps))], nil
}

func TestFollowUpsDueOncePerDay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("followups")
	owner := f.owner(t, to, true)
	day := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	fu := &notify.FollowUps{DB: f.db, Store: f.store, BaseURL: f.d.BaseURL, Applications: due{apps: []*folio.Application{
		{Company: "Acme", Role: "Backend engineer", NextStep: "Send the take-home"},
		{Company: "Initech", InterviewAt: day.Add(7 * time.Hour)},
	}}}
	for i, want := range []int{1, 0} {
		if n, err := fu.Run(ctx, day.Add(time.Duration(i)*time.Hour)); err != nil || n != want {
			t.Fatalf("run %d wrote %d, %v; want %d", i, n, err, want)
		}
	}
	f.deliverUntil(t, "sent", func() bool { return f.delivery(t, owner).Status == folio.DeliverySent })
	m := f.mailpit.WaitForMail(t, to, 1, 10*time.Second)[0]
	if m.Subject != "Follow-ups due today: 2" || !strings.Contains(m.Text, "- Acme (Backend engineer): Send the take-home") ||
		!strings.Contains(m.Text, "- Initech: interview Wed 25 Nov 14:00 UTC") {
		t.Errorf("%q\n%s", m.Subject, m.Text)
	}
}

// Account mail goes to the address it names, whatever the preferences and
// the verification, and its data (a single-use link) is forgotten once
// the delivery is done.
func TestAccountMailGoesToItsTargetAndIsScrubbed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.owner(t, f.mailpit.Address("account"), false)
	target := f.mailpit.Address("new-address")
	if err := f.store.SetPreferences(ctx, owner, []folio.NotificationPreference{{Kind: folio.NotifyDemoDown, Channel: folio.ChannelEmail}}); err != nil {
		t.Fatal(err)
	}
	// A kind without a template fails at once (another attempt would fail
	// the same way); the account flows add their templates.
	n := folio.Notification{OwnerID: owner, Kind: "test_account_mail", Channel: folio.ChannelEmail, Target: target,
		DedupeKey: "test_account_mail:1", Data: map[string]string{"url": "/reset?token=secret"}}
	if _, err := notifyAdd(ctx, f, n); err != nil {
		t.Fatal(err)
	}
	f.deliverUntil(t, "done", func() bool { return f.delivery(t, owner).Status == folio.DeliveryFailed })
	d := f.delivery(t, owner)
	if d.Target != target || d.Attempts != 1 || !strings.Contains(d.LastError, "no template") {
		t.Fatalf("account delivery %+v", d)
	}
	var payload string
	if err := f.db.NewRaw(`SELECT payload::text FROM notifications WHERE dedupe_key = 'test_account_mail:1'`).Scan(ctx, &payload); err != nil || payload != "{}" {
		t.Fatalf("payload after delivery %q, %v; want {}", payload, err)
	}
}
