package server_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
)

// notifications wires the notification settings as cmd/folio does, with
// email through the stack's Mailpit and the production webhook rules.
func notifications(t *testing.T, mp *testenv.MailpitServer, d **notify.Deliverer) apiOption {
	return func(o *server.Options, db *bun.DB) {
		master := make([]byte, 32)
		_, _ = rand.Read(master)
		keys, err := notify.NewKeys(master)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := mail.ParseURL(mp.SMTPURL)
		if err != nil {
			t.Fatal(err)
		}
		cfg.From = "Folio <folio@folio.test>"
		base, _ := url.Parse("https://folio.example")
		*d = &notify.Deliverer{Store: outbox.New(db), Keys: keys, BaseURL: base, Mailer: mail.New(cfg),
			Webhooks: notify.NewWebhookSender(2*time.Second, false), BaseBackoff: time.Millisecond}
		svc := &notify.Service{D: *d, Limiter: o.API.Limiter}
		o.API.Notifications, o.Site.Notifications = svc, svc
	}
}

func TestNotificationSettingsAPI(t *testing.T) {
	t.Parallel()
	var d *notify.Deliverer
	a := newAPI(t, notifications(t, testenv.Mailpit(t), &d))
	ada, bob := a.signUp("ada"), a.signUp("bob")

	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me/notifications"}), 401, "unauthorized")
	got := a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: ada.token}, 200).json(t)
	prefs := got["preferences"].([]any)
	if len(prefs) != 2*len(folio.OwnerKinds) || got["email_on"] != true || got["email_verified"] != false ||
		!strings.Contains(got["email_note"].(string), "not verified") {
		t.Fatalf("settings of a new account: %v", got)
	}
	a.expect(req{method: "PUT", path: "/api/v1/me/notifications", token: ada.token, body: map[string]any{
		"preferences": []map[string]any{{"kind": "weekly_digest", "channel": "email", "enabled": false}, {"kind": "media_ready", "channel": "webhook", "enabled": true}},
	}}, 200)
	after := prefMap(a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: ada.token}, 200).json(t))
	if after["weekly_digest/email"] || !after["weekly_digest/webhook"] || !after["media_ready/webhook"] || after["media_ready/email"] || !after["demo_down/email"] {
		t.Errorf("after PUT: %v", after)
	}
	// Bob's are his own.
	if bobs := prefMap(a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: bob.token}, 200).json(t)); !bobs["weekly_digest/email"] {
		t.Error("ada's change reached bob")
	}
	for _, bad := range []map[string]any{
		{"kind": "password_reset", "channel": "email", "enabled": false}, // account mail cannot be turned off
		{"kind": "demo_down", "channel": "sms", "enabled": true},
	} {
		assertProblem(t, a.do(req{method: "PUT", path: "/api/v1/me/notifications", token: ada.token, body: map[string]any{"preferences": []any{bad}}}), 422, "invalid")
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me/notifications/deliveries?limit=500", token: ada.token}), 422, "invalid")
	if list := a.expect(req{method: "GET", path: "/api/v1/me/notifications/deliveries", token: ada.token}, 200); string(list.body) != "[]" {
		t.Errorf("deliveries of a new account: %s", list.body)
	}
}

func prefMap(settings map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, p := range settings["preferences"].([]any) {
		m := p.(map[string]any)
		out[m["kind"].(string)+"/"+m["channel"].(string)] = m["enabled"].(bool)
	}
	return out
}

// Webhook URLs at loopback, private or metadata addresses are refused;
// another owner's webhook is a 404 for delete and test-send.
func TestWebhookAPI(t *testing.T) {
	t.Parallel()
	var d *notify.Deliverer
	a := newAPI(t, notifications(t, testenv.Mailpit(t), &d))
	ada, bob := a.signUp("ada"), a.signUp("bob")
	for _, u := range []string{"https://127.0.0.1/x", "https://10.1.2.3/x", "https://169.254.169.254/latest/meta-data/",
		"https://[::1]/x", "https://localhost/x", "http://example.com/x", "https://192.168.0.10/x"} {
		r := a.do(req{method: "POST", path: "/api/v1/me/webhooks", token: ada.token, body: map[string]string{"url": u, "format": "json"}})
		assertProblem(t, r, 422, "invalid")
		if _, ok := r.fieldErrors(t)["url"]; !ok {
			t.Errorf("%s: no url field error: %s", u, r.body)
		}
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/me/webhooks", token: ada.token,
		body: map[string]string{"url": "https://hooks.example.com/x", "format": "teams"}}), 422, "invalid")
	// An endpoint of ada's, added past the address rule as a test stands in
	// for a public host.
	lenient := &notify.Service{D: &notify.Deliverer{Store: d.Store, Keys: d.Keys, BaseURL: d.BaseURL, Webhooks: notify.NewWebhookSender(time.Second, true)}}
	w, secret, err := lenient.AddWebhook(context.Background(), ada.id, "https://127.0.0.1:9/hook", folio.WebhookJSON, "mine")
	if err != nil || secret == "" {
		t.Fatal(err)
	}
	path := "/api/v1/me/webhooks/" + itoa(w.ID)
	list := a.expect(req{method: "GET", path: "/api/v1/me/webhooks", token: ada.token}, 200)
	if !strings.Contains(string(list.body), `"url":"https://127.0.0.1:9/hook"`) || strings.Contains(string(list.body), "secret") {
		t.Errorf("list: %s", list.body)
	}
	if bobs := a.expect(req{method: "GET", path: "/api/v1/me/webhooks", token: bob.token}, 200); string(bobs.body) != "[]" {
		t.Errorf("bob sees %s", bobs.body)
	}
	assertProblem(t, a.do(req{method: "DELETE", path: path, token: bob.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "POST", path: path + "/test", token: bob.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/me/webhooks/x", token: ada.token}), 404, "not_found")
	// Ada's test send goes through the production dialer, which refuses
	// loopback: the answer says why.
	r := a.do(req{method: "POST", path: path + "/test", token: ada.token})
	assertProblem(t, r, 422, "invalid")
	if !strings.Contains(string(r.body), "loopback") {
		t.Errorf("test send: %s", r.body)
	}
	// Test sends are limited per owner (bob's tries above count against bob).
	for range notify.TestSendLimit.Rate - 1 {
		assertProblem(t, a.do(req{method: "POST", path: path + "/test", token: ada.token}), 422, "invalid")
	}
	assertProblem(t, a.do(req{method: "POST", path: path + "/test", token: ada.token}), 429, "too_many_requests")
	a.expect(req{method: "DELETE", path: path, token: ada.token}, 204)
	assertProblem(t, a.do(req{method: "DELETE", path: path, token: ada.token}), 404, "not_found")
}

// The one-click unsubscribe of RFC 8058: a GET only asks, the POST turns
// that kind of email off without a login, and other kinds still arrive
// (read through Mailpit).
func TestOneClickUnsubscribeStopsThatKindOnly(t *testing.T) {
	t.Parallel()
	mp := testenv.Mailpit(t)
	var d *notify.Deliverer
	a := newAPI(t, notifications(t, mp, &d))
	ada := a.signUp("ada")
	to := mp.Address("unsub")
	ctx := context.Background()
	if _, err := a.db.ExecContext(ctx, `UPDATE users SET email = ?, email_verified_at = now() WHERE id = ?`, to, ada.id); err != nil {
		t.Fatal(err)
	}
	send := func(kind folio.NotificationKind, key string) {
		t.Helper()
		if _, err := outbox.Add(ctx, a.db, folio.Notification{OwnerID: ada.id, Kind: kind, DedupeKey: key,
			Data: map[string]string{"project": "Orders", "error": "HTTP 502", "url": "/dashboard/projects/1"}}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			if _, err := d.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			ds, _ := d.Store.Deliveries(ctx, ada.id, 10)
			if len(ds) > 0 && ds[0].Status != folio.DeliveryPending {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not delivered", key)
			}
		}
	}
	send(folio.NotifyDemoDown, "k1")
	m := mp.WaitForMail(t, to, 1, 10*time.Second)[0]
	link := strings.Trim(m.Header("List-Unsubscribe"), "<>")
	path := strings.TrimPrefix(link, "https://folio.example")
	if !strings.HasPrefix(path, "/unsubscribe/") || !strings.Contains(m.Text, link) {
		t.Fatalf("List-Unsubscribe %q, text:\n%s", link, m.Text)
	}

	// A GET (a link scanner) only shows the confirm page.
	page := a.expect(req{method: "GET", path: path}, 200)
	if !strings.Contains(string(page.body), `action="`+path+`"`) {
		t.Errorf("confirm page: %s", page.body)
	}
	if !prefMap(a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: ada.token}, 200).json(t))["demo_down/email"] {
		t.Fatal("a GET unsubscribed")
	}
	assertProblemOrPage(t, a.do(req{method: "POST", path: "/unsubscribe/1.demo_down.forged", body: "List-Unsubscribe=One-Click",
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}), 404)
	a.expect(req{method: "POST", path: path, body: "List-Unsubscribe=One-Click",
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 200)
	after := prefMap(a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: ada.token}, 200).json(t))
	if after["demo_down/email"] || !after["demo_down/webhook"] || !after["demo_recovered/email"] {
		t.Fatalf("after unsubscribing: %v", after)
	}

	send(folio.NotifyDemoDown, "k2")      // turned off: no email
	send(folio.NotifyDemoRecovered, "k3") // still on
	msgs := mp.WaitForMail(t, to, 2, 10*time.Second)
	if msgs[0].Subject != "Live demo back up: Orders" {
		t.Errorf("newest mail %q, want the recovery", msgs[0].Subject)
	}
}

func assertProblemOrPage(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// The dashboard page works without JavaScript: plain forms carrying the
// session's CSRF token; it says why email does not arrive.
func TestNotificationsPageForms(t *testing.T) {
	t.Parallel()
	var d *notify.Deliverer
	a := newAPI(t, notifications(t, testenv.Mailpit(t), &d))
	ada := a.signUp("ada")
	cookie := "folio_session=" + ada.token
	page := a.expect(req{method: "GET", path: "/dashboard/notifications", headers: map[string]string{"Cookie": cookie}}, 200)
	body := string(page.body)
	if !strings.Contains(body, "not verified yet") || !strings.Contains(body, `name="email:demo_down"`) {
		t.Fatalf("page: %s", body)
	}
	token := csrfField.FindStringSubmatch(body)
	if token == nil {
		t.Fatal("no csrf field")
	}
	form := func(path, values string) response {
		return a.do(req{method: "POST", path: path, body: values,
			headers: map[string]string{"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}})
	}
	// Only demo_down by email stays ticked.
	if r := form("/dashboard/notifications", "email:demo_down=on"); r.status != 403 {
		t.Fatalf("form without csrf: %d", r.status)
	}
	if r := form("/dashboard/notifications", "csrf="+url.QueryEscape(token[1])+"&email:demo_down=on"); r.status != 200 || !strings.Contains(string(r.body), "Preferences saved.") {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	got := prefMap(a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: ada.token}, 200).json(t))
	if !got["demo_down/email"] || got["demo_down/webhook"] || got["weekly_digest/email"] {
		t.Errorf("after the form: %v", got)
	}
	if r := form("/dashboard/notifications/webhooks", "csrf="+url.QueryEscape(token[1])+"&url="+url.QueryEscape("https://10.0.0.1/x")+"&format=json"); r.status != 422 ||
		!strings.Contains(string(r.body), "does not send to") {
		t.Errorf("private webhook by form: %d %s", r.status, r.body)
	}
	// Anonymous: to the login page.
	if r := a.do(req{method: "GET", path: "/dashboard/notifications"}); r.status != 302 {
		t.Errorf("anonymous page: %d", r.status)
	}
}
