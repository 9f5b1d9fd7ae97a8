package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

// receiver is a webhook endpoint over TLS that verifies Folio's signature
// as a real receiver would; failFirst requests answer 500.
type receiver struct {
	srv       *httptest.Server
	mu        sync.Mutex
	secret    string
	failFirst int
	requests  int
	accepted  []map[string]any
	badSigs   int
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	r := &receiver{failFirst: failFirst}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests++
		if !notify.Verify(r.secret, req.Header.Get(notify.HeaderSignature), body, time.Now(), 5*time.Minute) {
			r.badSigs++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if r.requests <= r.failFirst {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		var v map[string]any
		_ = json.Unmarshal(body, &v)
		v["_delivery"] = req.Header.Get(notify.HeaderDelivery)
		r.accepted = append(r.accepted, v)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) counts() (requests, accepted, badSigs int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, len(r.accepted), r.badSigs
}

// addWebhook adds the receiver as the owner's endpoint; the sender trusts
// the receiver's test certificate.
func (f *fixture) addWebhook(t *testing.T, owner int64, r *receiver, format folio.WebhookFormat) *folio.Webhook {
	t.Helper()
	f.d.Webhooks.Client.Transport.(*http.Transport).TLSClientConfig = r.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	svc := &notify.Service{D: f.d}
	w, secret, err := svc.AddWebhook(context.Background(), owner, r.srv.URL+"/hook", format, "test receiver")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	r.mu.Lock()
	r.secret = secret
	r.mu.Unlock()
	return w
}

// A demo that fails twice (the DownAfter rule) becomes exactly one email
// and one signed webhook, both naming the project and the error.
func TestDemoDownSendsOneEmailAndOneSignedWebhook(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("demo")
	owner := f.owner(t, to, true)
	hook := newReceiver(t, 0)
	f.addWebhook(t, owner, hook, folio.WebhookJSON)

	title, demoURL, vis := "Orders", closedHTTP(t), folio.VisibilityPublic
	p, err := postgres.NewProjectService(f.db).CreateProject(ctx, owner, folio.ProjectInput{Title: &title, DemoURL: &demoURL, Visibility: &vis})
	if err != nil {
		t.Fatal(err)
	}
	mon := &demo.Monitor{Demos: postgres.NewDemoService(f.db), Checker: demo.NewChecker(2*time.Second, true)}
	for i := range folio.DownAfter + 2 { // two more failures say nothing new
		if _, err := mon.Check(ctx, p.ID); err != nil {
			t.Fatalf("check %d: %v", i, err)
		}
	}
	f.deliverUntil(t, "email and webhook sent", func() bool {
		ds := f.deliveries(t, owner)
		return len(ds) == 2 && ds[0].Status == folio.DeliverySent && ds[1].Status == folio.DeliverySent
	})
	for range 3 {
		if _, err := f.d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := f.mailpit.WaitForMail(t, to, 1, 10*time.Second)
	if msgs[0].Subject != "Live demo down: Orders" || !strings.Contains(msgs[0].Text, "The connection was refused") ||
		!strings.Contains(msgs[0].Text, "https://folio.example/dashboard/projects/") {
		t.Errorf("email: %q\n%s", msgs[0].Subject, msgs[0].Text)
	}
	requests, accepted, bad := hook.counts()
	if requests != 1 || accepted != 1 || bad != 0 {
		t.Fatalf("webhook requests %d, accepted %d, bad signatures %d; want 1, 1, 0", requests, accepted, bad)
	}
	ev := hook.accepted[0]
	data, _ := ev["data"].(map[string]any)
	if ev["kind"] != "demo_down" || data["project"] != "Orders" || !strings.Contains(ev["text"].(string), "Orders") || ev["_delivery"] == "" {
		t.Errorf("webhook event %v", ev)
	}
}

// An endpoint answering 500 three times, then 200, gets the event once;
// the email is not held back meanwhile.
func TestWebhookRetriedUntilAccepted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.owner(t, f.mailpit.Address("retry"), true)
	hook := newReceiver(t, 3)
	f.addWebhook(t, owner, hook, folio.WebhookSlack)
	if _, err := outbox.Add(ctx, f.db, demoDown(owner, "retry")); err != nil {
		t.Fatal(err)
	}
	var webhook folio.Delivery
	f.deliverUntil(t, "webhook delivered", func() bool {
		for _, d := range f.deliveries(t, owner) {
			if d.Channel == folio.ChannelWebhook {
				webhook = d
			}
		}
		return webhook.Status == folio.DeliverySent
	})
	for range 3 {
		if _, err := f.d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	requests, accepted, bad := hook.counts()
	if requests != 4 || accepted != 1 || bad != 0 || webhook.Attempts != 4 {
		t.Fatalf("requests %d, accepted %d, bad signatures %d, attempts %d; want 4, 1, 0, 4", requests, accepted, bad, webhook.Attempts)
	}
	// Slack's shape: only "text".
	if text, _ := hook.accepted[0]["text"].(string); !strings.HasPrefix(text, "Live demo down: Orders <API>") || len(hook.accepted[0]) != 2 {
		t.Errorf("slack body %v", hook.accepted[0])
	}
}

// Webhook URLs pointing at loopback, private or metadata addresses, or
// not HTTPS, are refused when added; the dialer refuses them again at
// delivery (a name may change its address later).
func TestWebhookURLsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.owner(t, f.mailpit.Address("ssrf"), true)
	strict := &notify.Service{D: &notify.Deliverer{Store: f.store, Keys: f.keys, BaseURL: f.d.BaseURL,
		Webhooks: notify.NewWebhookSender(2*time.Second, false)}}
	for _, u := range []string{
		"https://127.0.0.1/hook", "https://localhost/hook", "https://[::1]/hook", "https://10.0.0.8/hook",
		"https://192.168.1.1/hook", "https://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/",
		"https://[::ffff:127.0.0.1]/", "http://hooks.example.com/", "https://user:pw@hooks.example.com/",
		"https://100.64.0.1/", "https://8.8.8.8:8443/", "ftp://example.com/", "not a url",
	} {
		if _, _, err := strict.AddWebhook(ctx, owner, u, folio.WebhookJSON, ""); folio.ErrorCode(err) != folio.EINVALID {
			t.Errorf("%s: %v, want EINVALID", u, err)
		}
	}
	if hooks, _ := strict.Webhooks(ctx, owner); len(hooks) != 0 {
		t.Fatalf("%d webhooks stored", len(hooks))
	}
	// At dial time: the production sender refuses a loopback receiver.
	hook := newReceiver(t, 0)
	err := strict.D.Webhooks.Post(ctx, hook.srv.URL, "s", 1, "test", []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("post to loopback: %v", err)
	}
	if requests, _, _ := hook.counts(); requests != 0 {
		t.Fatalf("the loopback receiver got %d requests", requests)
	}
}

// Another owner's webhook is not found, for delete and test-send alike.
func TestWebhookOfAnotherOwnerIsNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	alice := f.owner(t, f.mailpit.Address("alice"), true)
	mallory := f.owner(t, f.mailpit.Address("mallory"), true)
	hook := newReceiver(t, 0)
	w := f.addWebhook(t, alice, hook, folio.WebhookDiscord)
	svc := &notify.Service{D: f.d}
	if err := svc.TestWebhook(ctx, mallory, w.ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("mallory's test send: %v", err)
	}
	if err := svc.DeleteWebhook(ctx, mallory, w.ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("mallory's delete: %v", err)
	}
	if err := svc.TestWebhook(ctx, alice, w.ID); err != nil {
		t.Fatalf("alice's test send: %v", err)
	}
	if _, accepted, _ := hook.counts(); accepted != 1 {
		t.Fatalf("accepted %d", accepted)
	}
	if content, _ := hook.accepted[0]["content"].(string); !strings.HasPrefix(content, "Test message from Folio") {
		t.Errorf("discord body %v", hook.accepted[0])
	}
	if err := svc.DeleteWebhook(ctx, alice, w.ID); err != nil {
		t.Fatal(err)
	}
}
