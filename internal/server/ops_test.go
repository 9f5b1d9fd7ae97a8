package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
)

// logBuffer collects JSON log lines from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func newLogBuffer() (*logBuffer, *slog.Logger) {
	b := &logBuffer{}
	return b, slog.New(slog.NewJSONHandler(b, nil))
}

func TestRequestIDFollowsTheRequestIntoItsTask(t *testing.T) {
	t.Parallel()
	logs, log := newLogBuffer()
	m := newMediaAPI(t, mediaConfig{log: log})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	f, _ := os.Open(testenv.Image(t, 320, 200, ".png"))
	defer f.Close()
	hr, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/projects/%d/media?kind=screenshot", m.base, p.ID), f)
	hr.Header.Set("Authorization", "Bearer "+ada.token)
	hr.Header.Set("X-Request-ID", "trace-7f3a-upload")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || resp.Header.Get("X-Request-ID") != "trace-7f3a-upload" {
		t.Fatalf("upload %d %s (request id %q)", resp.StatusCode, body, resp.Header.Get("X-Request-ID"))
	}
	var created struct{ ID int64 }
	_ = json.Unmarshal(body, &created)
	m.waitFor(ada.token, created.ID)

	var access, task bool
	deadline := time.Now().Add(10 * time.Second)
	for !(access && task) && time.Now().Before(deadline) {
		access, task = false, false
		for _, l := range logs.lines(t) {
			if l["request_id"] != "trace-7f3a-upload" {
				continue
			}
			if l["msg"] == "request" && l["route"] == "/api/v1/projects/:id/media" && l["status"] == float64(201) && l["user_id"] == float64(ada.id) {
				access = true
			}
			if l["task_type"] == "media:process" && (l["msg"] == "task done" || l["msg"] == "media ready") {
				task = true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !access || !task {
		t.Errorf("request id in access log: %v, in the task's log: %v\n%s", access, task, logs.String())
	}
}

func TestMetricsExposeTheNamedSeries(t *testing.T) {
	t.Parallel()
	reg := metrics.New()
	m := newMediaAPI(t, mediaConfig{metrics: reg})
	reg.WatchDB(m.db.DB)
	reg.WatchQueues(m.inspector)
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	r := m.uploadFile(ada.token, p.ID, "screenshot", testenv.Image(t, 320, 200, ".png"))
	m.waitFor(ada.token, id(r.json(t)))
	for range 3 {
		m.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200)
	}
	m.do(req{method: "GET", path: "/api/v1/portfolios/nobody"})

	srv := httptest.NewServer(reg.Handler())
	defer srv.Close()
	var text string
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text = string(b)
		if strings.Contains(text, `folio_tasks_total{result="processed",type="media:process"} 1`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, want := range []string{
		`folio_http_requests_total{code="2xx",method="GET",route="/api/v1/portfolios/:handle"} 3`,
		`folio_http_requests_total{code="4xx",method="GET",route="/api/v1/portfolios/:handle"} 1`,
		`folio_http_request_duration_seconds_bucket{method="GET",route="/api/v1/portfolios/:handle",le="+Inf"} 4`,
		`folio_http_requests_in_flight 0`,
		`folio_upload_bytes_total{kind="screenshot"}`,
		`folio_tasks_total{result="processed",type="media:process"} 1`,
		`folio_media_processing_seconds_count{kind="screenshot"} 1`,
		`folio_queue_tasks{queue="default",state="completed"} 1`,
		`go_sql_open_connections{db_name="folio"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, "/api/v1/portfolios/ada") {
		t.Error("metrics are labelled by raw path; they must use the route pattern")
	}
}

func TestPanicAnswersProblemJSONAndIsReported(t *testing.T) {
	t.Parallel()
	events := make(chan []byte, 4)
	sentry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		events <- b
	}))
	defer sentry.Close()
	tracker, err := errtrack.New(strings.Replace(sentry.URL, "http://", "http://publickey@", 1)+"/1", "test", "test")
	if err != nil {
		t.Fatal(err)
	}
	logs, log := newLogBuffer()
	srv := server.New(server.Options{Logger: log, MaxBodyBytes: 1 << 20, Errors: tracker})
	srv.App().Get("/boom", func(c *fiber.Ctx) error { panic("the database is on fire") })
	hr := httptest.NewRequest("GET", "/boom", nil)
	hr.Header.Set("X-Request-ID", "panic-req-1")
	resp, err := srv.App().Test(hr, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("panic answered %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if strings.Contains(string(body), "on fire") || strings.Contains(string(body), "goroutine") {
		t.Errorf("the panic leaks to the client: %s", body)
	}
	out := logs.String()
	if !strings.Contains(out, "the database is on fire") || !strings.Contains(out, "goroutine") || !strings.Contains(out, `"status":500`) {
		t.Errorf("the panic, its stack and the 500 must be logged:\n%s", out)
	}
	tracker.Flush(5 * time.Second)
	select {
	case ev := <-events:
		if !bytes.Contains(ev, []byte("panic-req-1")) {
			t.Errorf("the Sentry event lacks the request id tag: %s", ev)
		}
	case <-time.After(5 * time.Second):
		t.Error("no event reached the Sentry DSN")
	}

	// Without a DSN there is no tracker, and capturing is a no-op.
	none, err := errtrack.New("", "test", "test")
	if none != nil || err != nil {
		t.Errorf("an empty DSN must give no tracker: %v %v", none, err)
	}
	none.Capture(errors.New("x"), nil)
}

func TestQueueUIOnlyForAdmins(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{queueUI: true})
	admin := m.signUp("first") // the first account administers the installation
	user := m.signUp("second")
	if r := m.do(req{method: "GET", path: "/admin/queues"}); r.status != 404 {
		t.Errorf("anonymous: %d, want 404", r.status)
	}
	if r := m.do(req{method: "GET", path: "/admin/queues/api/queues", token: user.token}); r.status != 403 {
		t.Errorf("non-admin: %d, want 403", r.status)
	}
	if r := m.do(req{method: "GET", path: "/admin/queues/api/queues", token: admin.token}); r.status != 200 || !strings.Contains(string(r.body), "queues") {
		t.Errorf("admin: %d %s", r.status, r.body)
	}
	// Read-only: the UI may not delete or pause.
	if r := m.do(req{method: "POST", path: "/admin/queues/api/queues/default:pause", token: admin.token}); r.status < 400 {
		t.Errorf("pausing a queue through the read-only UI answered %d", r.status)
	}
}

func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	logs, log := newLogBuffer()
	a := newAPI(t, func(o *server.Options, db *bun.DB) { o.Logger = log })
	acct := a.signUp("ada")
	secret := a.expect(req{method: "POST", path: "/api/v1/tokens", token: acct.token, body: map[string]string{"name": "ci"}}, 201).json(t)["token"].(string)
	a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "a wrong password"}})
	a.do(req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": "folio_session=" + acct.token}})
	a.do(req{method: "GET", path: "/api/v1/me", token: "fpat_forged-token-value"})
	csrf := acct.login.json(t)["csrf_token"].(string)
	out := logs.String()
	if len(out) == 0 {
		t.Fatal("no logs were written")
	}
	for _, s := range []string{"correct horse battery", "a wrong password", acct.token, secret, csrf, "fpat_forged-token-value", "folio_session="} {
		if strings.Contains(out, s) {
			t.Errorf("a log line contains the secret %q", s)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	r := a.expect(req{method: "GET", path: "/"}, 200)
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self';", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp+";", want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(string(r.body), "<script>") || strings.Contains(string(r.body), "<style>") || strings.Contains(string(r.body), "style=") {
		t.Error("the home page has inline script or style, which its CSP forbids")
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY"} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if r.header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on a plain-http installation would break it")
	}
	a.expect(req{method: "GET", path: "/static/app.css"}, 200)
	a.expect(req{method: "GET", path: "/static/index.html"}, 404)
	// Browsers ask every page's host for /favicon.ico: an icon, not a
	// 404 in the visitor's console.
	if icon := a.expect(req{method: "GET", path: "/favicon.ico"}, 200); icon.header.Get("Content-Type") != "image/x-icon" || !bytes.HasPrefix(icon.body, []byte{0, 0, 1, 0}) {
		t.Errorf("/favicon.ico: %q, % x", icon.header.Get("Content-Type"), icon.body[:min(8, len(icon.body))])
	}
}

func TestPublicPagesRateLimitAndHSTS(t *testing.T) {
	t.Parallel()
	a := newAPI(t, func(o *server.Options, db *bun.DB) {
		o.PublicLimit = ratelimit.Limit{Rate: 3, Period: time.Minute}
		o.BaseURL, _ = url.Parse("https://folio.example.com")
	})
	a.signUp("ada")
	for range 3 {
		r := a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200)
		if !strings.HasPrefix(r.header.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("no HSTS behind https: %v", r.header)
		}
	}
	r := a.do(req{method: "GET", path: "/api/v1/portfolios/ada"})
	assertProblem(t, r, 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The owner's own API is not a public page.
	a.expect(req{method: "GET", path: "/healthz"}, 200)
}
