package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/api/stats"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/eventstore"
	"github.com/foliohq/folio/internal/server"
)

// hits records what the site hands to analytics; the recorder behind it
// is tested on its own (internal/analytics).
type hits struct {
	mu   sync.Mutex
	list []analytics.Hit
}

func (h *hits) Track(hit analytics.Hit) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.list = append(h.list, hit)
}

func (h *hits) take() []analytics.Hit {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.list
	h.list = nil
	return out
}

func withTracker(h *hits) apiOption {
	return func(o *server.Options, _ *bun.DB) { o.Site.Analytics = h }
}

const browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// Views count without JavaScript, whether the page comes from a render,
// the cache or a 304; outbound clicks count through the redirect; the
// owner's own visits and redirects to the canonical URL do not count.
func TestPagesCountViewsAndClicks(t *testing.T) {
	t.Parallel()
	tracked := &hits{}
	a := newAPI(t, withPages(t), withTracker(tracked))
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders", "visibility": "public",
		"demo_url": "https://orders.example.com/", "repository_url": "https://github.com/ada/orders"})
	draft := a.createProject(ada, map[string]any{"title": "Secret", "demo_url": "https://secret.example.com/"})
	slug := p.Slug
	browser := map[string]string{"User-Agent": browserUA, "Referer": "https://www.linkedin.com/feed/"}

	first := a.expect(req{method: "GET", path: "/ada?utm_source=newsletter", headers: browser}, 200)
	a.expect(req{method: "GET", path: "/ada", headers: browser}, 200) // from the memo or Redis
	etag := map[string]string{"User-Agent": browserUA, "If-None-Match": first.header.Get("ETag")}
	if r := a.do(req{method: "GET", path: "/ada", headers: etag}); r.status != 304 {
		t.Fatalf("conditional GET: %d", r.status)
	}
	a.expect(req{method: "GET", path: "/ada/" + slug, headers: browser}, 200)
	if r := a.do(req{method: "GET", path: "/ADA", headers: browser}); r.status != 301 {
		t.Fatalf("/ADA: %d, want 301", r.status)
	}
	a.expect(req{method: "GET", path: "/ada", headers: map[string]string{"Cookie": "folio_session=" + ada.token}}, 200)

	got := tracked.take()
	if len(got) != 4 {
		t.Fatalf("%d hits, want 4 (three portfolio views, one project view): %+v", len(got), got)
	}
	for i, h := range got[:3] {
		if h.Kind != folio.EventView || h.OwnerID != ada.id || h.ProjectID != 0 || h.UserAgent != browserUA {
			t.Errorf("hit %d: %+v, want a view of ada's portfolio", i, h)
		}
	}
	if got[0].Source != "newsletter" || got[0].Referer != "https://www.linkedin.com/feed/" {
		t.Errorf("first hit: source %q, referer %q", got[0].Source, got[0].Referer)
	}
	if got[3].ProjectID != p.ID {
		t.Errorf("project view: %+v", got[3])
	}

	// The page links out through the counting redirect and carries the beacon.
	page := string(first.body)
	for _, want := range []string{`href="/ada/` + slug + `/go/demo"`, `href="/ada/` + slug + `/go/code"`, `data-analytics="ada"`, `/static/beacon.js`} {
		if !strings.Contains(page, want) {
			t.Errorf("portfolio page lacks %s", want)
		}
	}
	for target, want := range map[string]string{"demo": "https://orders.example.com/", "code": "https://github.com/ada/orders"} {
		r := a.do(req{method: "GET", path: "/ada/" + slug + "/go/" + target, headers: browser})
		if r.status != 302 || r.header.Get("Location") != want {
			t.Errorf("go/%s: %d to %q, want 302 to %q", target, r.status, r.header.Get("Location"), want)
		}
	}
	clicks := tracked.take()
	if len(clicks) != 2 || clicks[0].ProjectID != p.ID {
		t.Fatalf("clicks: %+v, want a demo and a code click on the project", clicks)
	}
	kinds := map[folio.EventKind]bool{clicks[0].Kind: true, clicks[1].Kind: true}
	if !kinds[folio.EventDemoClick] || !kinds[folio.EventCodeClick] {
		t.Errorf("click kinds %v", kinds)
	}
	for _, path := range []string{"/ada/" + slug + "/go/elsewhere", "/ada/" + draft.Slug + "/go/demo", "/nobody/x/go/demo"} {
		if r := a.do(req{method: "GET", path: path, headers: browser}); r.status != 404 {
			t.Errorf("%s: %d, want 404", path, r.status)
		}
	}
	if left := tracked.take(); len(left) != 0 {
		t.Errorf("refused clicks were counted: %+v", left)
	}
}

// The beacon answers 204 whatever it is sent, and counts only the plays and
// API-docs opens of a visible project of the page's portfolio, not the
// owner's, and no more than its per-client limit.
func TestBeaconCountsOnlyWhatThePageCanSend(t *testing.T) {
	t.Parallel()
	tracked := &hits{}
	a := newAPI(t, withPages(t), withTracker(tracked))
	ada, bob := a.signUp("ada"), a.signUp("bob")
	p := a.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	draft := a.createProject(ada, map[string]any{"title": "Secret"})
	a.createProject(bob, map[string]any{"title": "Bobs", "visibility": "public"})
	slug := p.Slug
	send := func(body string, headers map[string]string) {
		t.Helper()
		if headers == nil {
			headers = map[string]string{}
		}
		headers["User-Agent"] = browserUA
		headers["Content-Type"] = "text/plain"
		if r := a.do(req{method: "POST", path: "/beacon", body: body, headers: headers}); r.status != 204 {
			t.Fatalf("beacon %q: %d, want 204", body, r.status)
		}
	}
	send(`{"page":"ada/`+slug+`","kind":"play","project":"`+slug+`","progress":50}`, nil)
	send(`{"page":"ada","kind":"docs_open","project":"`+slug+`"}`, nil)
	for _, bad := range []string{
		`{"page":"ada","kind":"view","project":"` + slug + `"}`,
		`{"page":"ada","kind":"play","project":"` + slug + `","progress":42}`,
		`{"page":"ada","kind":"play","project":"` + draft.Slug + `"}`,
		`{"page":"ada","kind":"play","project":"bobs"}`,
		`{"page":"nobody","kind":"play","project":"x"}`,
		`garbage`,
	} {
		send(bad, nil)
	}
	send(`{"page":"ada","kind":"play","project":"`+slug+`"}`, map[string]string{"Cookie": "folio_session=" + ada.token})
	got := tracked.take()
	if len(got) != 2 || got[0].Kind != folio.EventPlay || got[0].Progress != 50 || got[0].ProjectID != p.ID || got[1].Kind != folio.EventDocsOpen {
		t.Fatalf("hits %+v, want a play to 50%% and a docs open on ada's project", got)
	}
	for i := 0; i < 200; i++ {
		send(`{"page":"ada","kind":"play","project":"`+slug+`","progress":25}`, nil)
	}
	if n := len(tracked.take()); n > 120 {
		t.Errorf("a flood of 200 beacons from one client counted %d, want at most its limit of 120", n)
	}
}

// The owner's analytics page and CSV read the report; nobody else's.
func TestAnalyticsPageAndCSV(t *testing.T) {
	t.Parallel()
	var events *eventstore.Store
	a := newAPI(t, withPages(t), withTracker(&hits{}), func(o *server.Options, db *bun.DB) {
		events = eventstore.New(db)
		o.Site.AnalyticsReader, o.API.Analytics = events, events
	})
	ada, bob := a.signUp("ada"), a.signUp("bob")
	p := a.createProject(ada, map[string]any{"title": "=Orders API", "visibility": "public"})
	now := time.Now()
	if err := events.InsertEvents(context.Background(), []folio.Event{
		{At: now, OwnerID: ada.id, Kind: folio.EventView, VisitorID: 1, Referrer: "linkedin.com", Device: folio.DeviceMobile},
		{At: now, OwnerID: ada.id, ProjectID: p.ID, Kind: folio.EventView, VisitorID: 1},
		{At: now, OwnerID: ada.id, ProjectID: p.ID, Kind: folio.EventPlay, VisitorID: 1, Progress: 0},
		{At: now, OwnerID: ada.id, ProjectID: p.ID, Kind: folio.EventPlay, VisitorID: 1, Progress: 25},
		{At: now, OwnerID: ada.id, ProjectID: p.ID, Kind: folio.EventPlay, VisitorID: 1, Progress: 50},
		{At: now, OwnerID: ada.id, ProjectID: p.ID, Kind: folio.EventDemoClick, VisitorID: 1},
	}); err != nil {
		t.Fatal(err)
	}
	cookie := func(acc account) map[string]string { return map[string]string{"Cookie": "folio_session=" + acc.token} }
	page := string(a.expect(req{method: "GET", path: "/dashboard/analytics?days=7", headers: cookie(ada)}, 200).body)
	for _, want := range []string{"2 views by 1 visitors", "=Orders API", "linkedin.com", "mobile", "<svg", "…then clicked a live demo: <strong>1</strong>", "100% · 100% · 0% · 0%"} {
		if !strings.Contains(page, want) {
			t.Errorf("analytics page lacks %q", want)
		}
	}
	if strings.Contains(string(a.expect(req{method: "GET", path: "/dashboard/analytics", headers: cookie(bob)}, 200).body), "Orders API") {
		t.Error("another owner sees ada's projects")
	}
	csv := string(a.expect(req{method: "GET", path: "/dashboard/analytics.csv?days=30", headers: cookie(ada)}, 200).body)
	if !strings.Contains(csv, "date,views,unique_visitors") || !strings.Contains(csv, "'=Orders API,1,1,1,1,0,1,0,0") {
		t.Errorf("CSV:\n%s", csv)
	}
	if r := a.do(req{method: "GET", path: "/dashboard/analytics"}); r.status != 302 {
		t.Errorf("anonymous: %d, want a redirect to log in", r.status)
	}

	// The same numbers as JSON.
	var rep stats.AnalyticsResponse
	today := time.Now().UTC().Format(time.DateOnly)
	if err := json.Unmarshal(a.expect(req{method: "GET", path: "/api/v1/me/analytics?granularity=week&to=" + today, token: ada.token}, 200).body, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Views != 2 || rep.Visitors != 1 || len(rep.Projects) != 1 || rep.Projects[0].Watched["50"] != 1 || rep.Projects[0].DemoClicks != 1 ||
		rep.Funnel != (stats.FunnelResponse{PortfolioViews: 1, ProjectViews: 1, DemoClicks: 1}) || rep.To != today || len(rep.Referrers) != 1 {
		t.Errorf("analytics JSON: %+v", rep)
	}
	if err := json.Unmarshal(a.expect(req{method: "GET", path: "/api/v1/me/analytics", token: bob.token}, 200).body, &rep); err != nil || rep.Views != 0 || len(rep.Series) != 30 {
		t.Errorf("bob's analytics: %+v (%v), want 30 empty days", rep, err)
	}
	for query, field := range map[string]string{"from=yesterday": "from", "granularity=year": "granularity", "from=2020-01-01": "to", "from=2026-12-01&to=2026-11-01": "from"} {
		r := a.do(req{method: "GET", path: "/api/v1/me/analytics?" + query, token: ada.token})
		if r.status != 422 || r.fieldErrors(t)[field] == "" {
			t.Errorf("?%s: %d %s, want 422 naming %s", query, r.status, r.body, field)
		}
	}
	a.expect(req{method: "GET", path: "/api/v1/me/analytics"}, 401)
}
