package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/eventstore"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/server"
)

// shareSetup is a portfolio with one project of each kind, bob's project,
// and an application of ada's to share them with.
type shareSetup struct {
	a                                 *harness
	links                             *jobsearch.Store
	ada, bob                          account
	featured, public, unlisted, draft projectRef
	bobs                              projectRef
	app                               int64
}

type projectRef struct {
	id          int64
	slug, title string
}

func newShareSetup(t *testing.T, opts ...apiOption) *shareSetup {
	t.Helper()
	a := newAPI(t, append([]apiOption{withPages(t)}, opts...)...)
	st := &shareSetup{a: a, links: jobsearch.New(a.db), ada: a.signUp("ada"), bob: a.signUp("bob")}
	mk := func(acc account, title, visibility string) projectRef {
		p := a.createProject(acc, map[string]any{"title": title, "visibility": visibility,
			"demo_url": "https://" + strings.ToLower(strings.Fields(title)[0]) + ".example.com/", "repository_url": "https://github.com/ada/x"})
		return projectRef{id: p.ID, slug: p.Slug, title: title}
	}
	st.featured = mk(st.ada, "Featured Ledger", "public")
	st.public = mk(st.ada, "Plain Orders", "public")
	st.unlisted = mk(st.ada, "Hidden Payments", "unlisted")
	st.draft = mk(st.ada, "Secret Draft", "draft")
	st.bobs = mk(st.bob, "Bobs Chat", "public")
	a.expect(req{method: "PUT", path: "/api/v1/me/featured", token: st.ada.token, body: map[string]any{"project_ids": []int64{st.featured.id}}}, 200)
	company := "Acme"
	app, err := st.links.CreateApplication(context.Background(), st.ada.id, folio.ApplicationInput{Company: &company})
	if err != nil {
		t.Fatal(err)
	}
	st.app = app.ID
	return st
}

// share makes a link to ada's application with a note and projects.
func (st *shareSetup) share(t *testing.T, note string, projects ...projectRef) *folio.ShareLink {
	t.Helper()
	ids := []int64{}
	for _, p := range projects {
		ids = append(ids, p.id)
	}
	label := "recruiter"
	l, err := st.links.CreateShareLink(context.Background(), st.ada.id, st.app, folio.ShareLinkInput{Label: &label, Note: &note, ProjectIDs: &ids})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// order is the positions of the titles in a page, -1 where missing.
func order(page string, titles ...string) []int {
	out := make([]int, len(titles))
	for i, title := range titles {
		out[i] = strings.Index(page, title)
	}
	return out
}

var canonicalTag = regexp.MustCompile(`<link rel="canonical"`)

func TestSharePageShowsTheLinksNoteAndProjectsOnly(t *testing.T) {
	t.Parallel()
	st := newShareSetup(t, withTracker(&hits{}))
	a := st.a
	link := st.share(t, "Hello Acme team <3\nThe payments work is closest to yours.", st.unlisted, st.public)
	base := "/s/" + link.Token

	r := a.expect(req{method: "GET", path: base, headers: map[string]string{"User-Agent": browserUA}}, 200)
	page := string(r.body)
	if !strings.Contains(page, "Hello Acme team &lt;3\nThe payments work is closest to yours.") {
		t.Error("the page lacks the link's note (escaped)")
	}
	if pos := order(page, st.unlisted.title, st.public.title); pos[0] < 0 || pos[1] < 0 || pos[0] > pos[1] {
		t.Errorf("chosen projects at %v, want both, unlisted first", pos)
	}
	for _, absent := range []string{st.featured.title, st.draft.title, st.bobs.title} {
		if strings.Contains(page, absent) {
			t.Errorf("the page shows %q, which the link does not choose", absent)
		}
	}
	for _, want := range []string{`href="` + base + `/` + st.unlisted.slug + `"`, `href="` + base + `/` + st.unlisted.slug + `/go/demo"`,
		`<meta name="robots" content="noindex">`, `<meta name="referrer" content="no-referrer">`, `data-share="` + link.Token + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if canonicalTag.MatchString(page) || strings.Contains(page, `"/ada/`) || strings.Contains(page, "og:url") {
		t.Error("the shared page points at the public pages")
	}
	assertSharedHeaders(t, r)

	// A project page in the link's context; projects it does not show are 404s.
	pr := a.expect(req{method: "GET", path: base + "/" + st.unlisted.slug}, 200)
	assertSharedHeaders(t, pr)
	if !strings.Contains(string(pr.body), `<a href="`+base+`">ADA</a>`) || !strings.Contains(string(pr.body), base+"/"+st.unlisted.slug+"/go/code") {
		t.Error("the project page does not stay in the link's context")
	}
	for _, slug := range []string{st.featured.slug, st.draft.slug, st.bobs.slug, "nothing"} {
		r := a.do(req{method: "GET", path: base + "/" + slug})
		if r.status != 404 || !strings.Contains(string(r.body), "not available") {
			t.Errorf("%s through the link: %d, want the link's 404", slug, r.status)
		}
		assertSharedHeaders(t, r)
	}
	if r := a.do(req{method: "GET", path: base + "/" + strings.ToUpper(st.unlisted.slug)}); r.status != 301 || r.header.Get("Location") != base+"/"+st.unlisted.slug {
		t.Errorf("another spelling: %d to %q, want 301 to the canonical path", r.status, r.header.Get("Location"))
	}

	// A project made a draft leaves the page; an id slipped into the link
	// past the store (another owner's, a draft's) never shows.
	a.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(st.public.id), token: st.ada.token, body: map[string]any{"visibility": "draft"}}, 200)
	if _, err := a.db.NewRaw(`UPDATE share_links SET project_ids = ARRAY[?, ?, ?, ?]::bigint[], updated_at = now() WHERE id = ?`,
		st.bobs.id, st.draft.id, st.public.id, st.unlisted.id, link.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	page = string(a.expect(req{method: "GET", path: base}, 200).body)
	if !strings.Contains(page, st.unlisted.title) || strings.Contains(page, st.bobs.title) || strings.Contains(page, st.draft.title) || strings.Contains(page, st.public.title) {
		t.Error("a draft or another owner's project shows through the link")
	}
	if r := a.do(req{method: "GET", path: base + "/" + st.bobs.slug}); r.status != 404 {
		t.Errorf("bob's project through ada's link: %d", r.status)
	}

	// No projects chosen: the portfolio's featured ones.
	plain := st.share(t, "")
	page = string(a.expect(req{method: "GET", path: "/s/" + plain.Token}, 200).body)
	if !strings.Contains(page, st.featured.title) || strings.Contains(page, st.unlisted.title) || strings.Contains(page, `class="note"`) {
		t.Error("a link without projects does not show the featured ones (alone, without a note)")
	}
	a.expect(req{method: "GET", path: "/s/" + plain.Token + "/" + st.featured.slug}, 200)

	// Never in the sitemap (an index of files; this one fits in the first).
	index := string(a.expect(req{method: "GET", path: "/sitemap.xml"}, 200).body)
	sitemap := string(a.expect(req{method: "GET", path: "/sitemap-1.xml"}, 200).body)
	if !strings.Contains(index, "/sitemap-1.xml") || strings.Contains(index+sitemap, "/s/") || strings.Contains(index+sitemap, link.Token) ||
		!strings.Contains(sitemap, "/ada/"+st.featured.slug) {
		t.Errorf("sitemap index:\n%s\nfile 1:\n%s", index, sitemap)
	}
}

func assertSharedHeaders(t *testing.T, r response) {
	t.Helper()
	if r.header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(r.header.Get("X-Robots-Tag"), "noindex") ||
		!strings.HasPrefix(r.header.Get("Cache-Control"), "private") && r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: Referrer-Policy %q, X-Robots-Tag %q, Cache-Control %q", r.header.Get("Referrer-Policy"), r.header.Get("X-Robots-Tag"), r.header.Get("Cache-Control"))
	}
}

// withRecorder counts through a real recorder into the test's database.
func withRecorder(rec **analytics.Recorder) apiOption {
	return func(o *server.Options, db *bun.DB) {
		events := eventstore.New(db)
		*rec = analytics.NewRecorder(analytics.RecorderOptions{Store: events, Salts: analytics.NewSalts(events, nil),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FlushInterval: 20 * time.Millisecond})
		o.Site.Analytics = *rec
	}
}

// Views, plays and clicks through a link are stored with it; the public
// page's are not; DNT keeps the visitor id out as on public pages; the
// owner's visits, bots, and anything through a revoked, expired or
// unknown link count nothing.
func TestShareLinkAttributionAndRevocation(t *testing.T) {
	t.Parallel()
	var rec *analytics.Recorder
	st := newShareSetup(t, withRecorder(&rec))
	a := st.a
	link := st.share(t, "Hi", st.unlisted)
	expired := st.share(t, "Old", st.unlisted)
	if _, err := a.db.NewRaw(`UPDATE share_links SET expires_at = now() - interval '1 minute' WHERE id = ?`, expired.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := "/s/" + link.Token
	person := map[string]string{"User-Agent": browserUA, "Referer": "https://mail.example.com/"}
	beacon := func(token string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"page": "ada/" + st.unlisted.slug, "kind": "play", "project": st.unlisted.slug, "progress": 75, "share": token})
		a.expect(req{method: "POST", path: "/beacon", body: string(body), headers: map[string]string{"User-Agent": browserUA, "Content-Type": "text/plain"}}, 204)
	}

	first := a.expect(req{method: "GET", path: base, headers: person}, 200)
	a.expect(req{method: "GET", path: base + "/" + st.unlisted.slug, headers: person}, 200)
	beacon(link.Token)
	demo := a.expect(req{method: "GET", path: base + "/" + st.unlisted.slug + "/go/demo", headers: person}, 302)
	if demo.header.Get("Location") != "https://hidden.example.com/" || demo.header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("demo redirect: to %q with Referrer-Policy %q", demo.header.Get("Location"), demo.header.Get("Referrer-Policy"))
	}
	a.expect(req{method: "GET", path: "/ada", headers: person}, 200)
	a.expect(req{method: "GET", path: base, headers: map[string]string{"User-Agent": browserUA, "DNT": "1"}}, 200)
	// Not counted: the owner previewing the link, a bot, a beacon on a
	// project the link does not show.
	a.expect(req{method: "GET", path: base, headers: map[string]string{"User-Agent": browserUA, "Cookie": "folio_session=" + st.ada.token}}, 200)
	a.expect(req{method: "GET", path: base, headers: map[string]string{"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}}, 200)
	body, _ := json.Marshal(map[string]any{"page": "ada", "kind": "play", "project": st.featured.slug, "share": link.Token})
	a.expect(req{method: "POST", path: "/beacon", body: string(body), headers: map[string]string{"User-Agent": browserUA}}, 204)

	// Revoked: a 404 at once (even to a conditional request), counting
	// nothing. The owner's revoke request makes this replica forget the
	// owner's links, as any change of theirs does.
	if _, err := st.links.RevokeShareLink(context.Background(), st.ada.id, link.ID); err != nil {
		t.Fatal(err)
	}
	a.srv.Site().ForgetOwner(st.ada.id)
	for _, path := range []string{base, base + "/" + st.unlisted.slug, base + "/" + st.unlisted.slug + "/go/demo",
		"/s/" + expired.Token, "/s/" + expired.Token + "/" + st.unlisted.slug + "/go/demo",
		"/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/s/not-a-token", "/s/" + strings.Repeat("a", 200)} {
		r := a.do(req{method: "GET", path: path, headers: map[string]string{"User-Agent": browserUA, "If-None-Match": first.header.Get("ETag")}})
		if r.status != 404 || !strings.Contains(string(r.body), "not available") {
			t.Errorf("%s: %d, want the link's 404 page", path, r.status)
		}
	}
	beacon(link.Token)
	beacon(expired.Token)

	if err := rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	type row struct {
		Kind     string `bun:"kind"`
		Project  int64  `bun:"project_id"`
		Link     int64  `bun:"share_link_id"`
		Progress int    `bun:"progress"`
		Referrer string `bun:"referrer"`
		Visitor  bool   `bun:"visitor"`
	}
	var rows []row
	if err := a.db.NewRaw(`SELECT kind, coalesce(project_id, 0) AS project_id, coalesce(share_link_id, 0) AS share_link_id, progress, referrer,
		visitor_id IS NOT NULL AS visitor FROM analytics_events ORDER BY occurred_at, kind`).Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	want := []row{
		{Kind: "view", Project: 0, Link: link.ID, Referrer: "mail.example.com", Visitor: true},
		{Kind: "view", Project: st.unlisted.id, Link: link.ID, Referrer: "mail.example.com", Visitor: true},
		{Kind: "play", Project: st.unlisted.id, Link: link.ID, Progress: 75, Visitor: true},
		{Kind: "demo_click", Project: st.unlisted.id, Link: link.ID, Referrer: "mail.example.com", Visitor: true},
		{Kind: "view", Project: 0, Link: 0, Referrer: "mail.example.com", Visitor: true}, // the public page
		{Kind: "view", Project: 0, Link: link.ID},                                        // DNT: counted, no visitor id
	}
	if len(rows) != len(want) {
		t.Fatalf("stored events:\n%+v\nwant\n%+v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	var opened int
	if err := a.db.NewRaw(`SELECT count(*) FROM notifications WHERE kind = 'share_link_opened' AND dedupe_key = ? AND payload->>'company' = 'Acme'`,
		"share_link_opened:"+itoa(link.ID)).Scan(context.Background(), &opened); err != nil || opened != 1 {
		t.Errorf("%d 'opened' notifications (%v), want 1", opened, err)
	}
}

// A tailored page is cached like a public one, but every request checks
// the link first: an owner's edit or revocation through this replica
// shows at once, one made elsewhere within a second.
func TestSharePageCacheYieldsToEditsAndRevocation(t *testing.T) {
	t.Parallel()
	st := newShareSetup(t)
	a := st.a
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: st.ada.token, body: map[string]any{"bio": "I build *payments*."}}, 200)
	link := st.share(t, "First note", st.unlisted)
	base := "/s/" + link.Token
	site := a.srv.Site()

	renders := site.MarkdownRenders()
	first := a.expect(req{method: "GET", path: base}, 200)
	if got := site.MarkdownRenders() - renders; got != 1 || first.header.Get("X-Cache") != "miss" {
		t.Fatalf("first request: %d renders, X-Cache %q; want a render", got, first.header.Get("X-Cache"))
	}
	second := a.expect(req{method: "GET", path: base}, 200)
	if got := site.MarkdownRenders() - renders; got != 1 || second.header.Get("X-Cache") == "" || string(second.body) != string(first.body) {
		t.Fatalf("second request: %d renders, X-Cache %q; want the cached page", got, second.header.Get("X-Cache"))
	}

	// The owner's edit through this replica shows at once (any change
	// request of theirs makes the site forget their links and pages).
	note := "Second note"
	if _, err := st.links.UpdateShareLink(context.Background(), st.ada.id, link.ID, folio.ShareLinkInput{Note: &note}); err != nil {
		t.Fatal(err)
	}
	a.srv.Site().ForgetOwner(st.ada.id)
	if page := string(a.expect(req{method: "GET", path: base}, 200).body); !strings.Contains(page, note) || strings.Contains(page, "First note") {
		t.Error("the edited note does not show at once")
	}

	// A revocation followed by the owner's request through the API: a 404
	// at once, though the page and the link were memoized a moment ago.
	a.expect(req{method: "GET", path: base}, 200)
	if _, err := st.links.RevokeShareLink(context.Background(), st.ada.id, link.ID); err != nil {
		t.Fatal(err)
	}
	a.expect(req{method: "PUT", path: "/api/v1/me/featured", token: st.ada.token, body: map[string]any{"project_ids": []int64{st.featured.id}}}, 200)
	if r := a.do(req{method: "GET", path: base}); r.status != 404 {
		t.Errorf("right after revocation: %d, want 404 (no cache may answer)", r.status)
	}

	// Revoked on another replica (nothing tells this one): a 404 within
	// the memo's second.
	other := st.share(t, "Other", st.unlisted)
	a.expect(req{method: "GET", path: "/s/" + other.Token}, 200)
	if _, err := st.links.RevokeShareLink(context.Background(), st.ada.id, other.ID); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for a.do(req{method: "GET", path: "/s/" + other.Token}).status != 404 {
		if time.Since(revoked) > 3*time.Second {
			t.Fatal("a link revoked elsewhere still answers after 3 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := a.do(req{method: "GET", path: "/ada"}); r.status != 200 {
		t.Errorf("the public page after revocation: %d", r.status)
	}
}

// An owner's change made through another replica reaches this one as a
// folio_pages notification, which drops the shared pages this one
// memoized as well as the public ones: the next view is fresh at once,
// not up to the memo's second later.
func TestPagesNotificationDropsMemoizedSharePages(t *testing.T) {
	t.Parallel()
	st := newShareSetup(t)
	a := st.a
	link := st.share(t, "Note", st.unlisted)
	base := "/s/" + link.Token
	if page := string(a.expect(req{method: "GET", path: base}, 200).body); !strings.Contains(page, st.unlisted.title) {
		t.Fatal("the shared page does not show its project")
	}
	ctx := context.Background()
	if _, err := a.db.ExecContext(ctx, "UPDATE projects SET title = 'Renamed Payments' WHERE id = ?", st.unlisted.id); err != nil {
		t.Fatal(err)
	}
	if err := a.srv.Site().HandlePagesNotice(ctx, itoa(st.ada.id)+" ada ada"); err != nil {
		t.Fatal(err)
	}
	if page := string(a.expect(req{method: "GET", path: base}, 200).body); !strings.Contains(page, "Renamed Payments") {
		t.Error("the shared page is still the one memoized before the notification")
	}
}
