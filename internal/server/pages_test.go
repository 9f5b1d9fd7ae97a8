package server_test

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
)

func withPages(t *testing.T) apiOption {
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	return func(o *server.Options, db *bun.DB) {
		o.Site.Directory = directory.New(db)
		o.API.Media = postgres.NewMediaService(db)
		o.Site.Media = o.API.Media
		o.API.Demos = postgres.NewDemoService(db)
		o.Site.Demos = o.API.Demos
		o.Site.PageCache = rdb
	}
}

func TestPagesEscapeEveryUserField(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	evil := `<script>alert("x")</script>`
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{
		"display_name": "Ada " + evil, "headline": evil, "location": evil, "bio": "hi " + evil + ` <img src=x onerror=alert(1)> [x](javascript:alert(1))`,
	}}, 200)
	p := a.createProject(ada, map[string]any{"title": "T " + evil, "tagline": evil, "visibility": "public",
		"description": evil + "\n\n[click](javascript:alert(2))", "tech_tags": []string{evil},
		"pitch": map[string]string{"problem": evil, "approach": evil, "result": evil}})
	a.expect(req{method: "PUT", path: "/api/v1/me/featured", token: ada.token, body: map[string]any{"project_ids": []int64{p.ID}}}, 200)
	// A javascript: link is refused at the API, so it never reaches a page.
	assertProblem(t, a.do(req{method: "PATCH", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token, body: map[string]any{"demo_url": "javascript:alert(1)"}}), 422, "invalid")

	for _, path := range []string{"/ada", "/ada/" + p.Slug, "/explore?q=ada"} {
		body := string(a.expect(req{method: "GET", path: path}, 200).body)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "onerror=") || strings.Contains(body, "javascript:") {
			t.Errorf("%s renders user input unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;") && !strings.Contains(body, `\u003cscript\u003e`) {
			t.Errorf("%s lost the (escaped) user text", path)
		}
	}
}

func TestPages404DraftsAndCache(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada, bob := a.signUp("ada"), a.signUp("bob")
	pub := a.createProject(ada, map[string]any{"title": "Public one", "visibility": "public"})
	draft := a.createProject(ada, map[string]any{"title": "Secret draft"})
	unlisted := a.createProject(ada, map[string]any{"title": "Unlisted one", "visibility": "unlisted"})

	for _, path := range []string{"/nobody", "/ada/no-such-project", "/ada/" + draft.Slug, "/x/y/z"} {
		r := a.do(req{method: "GET", path: path})
		if r.status != 404 || !strings.Contains(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "Not found") {
			t.Errorf("%s: %d %s, want an HTML 404 page", path, r.status, r.header.Get("Content-Type"))
		}
	}
	if r := a.do(req{method: "GET", path: "/ada/" + draft.Slug, token: bob.token}); r.status != 404 {
		t.Errorf("another owner sees a draft: %d", r.status)
	}
	// A signed-in visitor's page (its navigation differs) stays out of shared caches.
	bobView := a.expect(req{method: "GET", path: "/ada", headers: map[string]string{"Cookie": "folio_session=" + bob.token}}, 200)
	if bobView.header.Get("Cache-Control") != "private, no-store" || !strings.Contains(bobView.header.Get("Vary"), "Cookie") {
		t.Errorf("signed-in visitor: Cache-Control %q, Vary %q", bobView.header.Get("Cache-Control"), bobView.header.Get("Vary"))
	}
	cookie := map[string]string{"Cookie": "folio_session=" + ada.token}
	own := a.expect(req{method: "GET", path: "/ada/" + draft.Slug, headers: cookie}, 200)
	if !strings.Contains(string(own.body), "draft") || own.header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("the owner's draft view lacks its banner or is cacheable")
	}
	page := string(a.expect(req{method: "GET", path: "/ada"}, 200).body)
	if strings.Contains(page, "Secret draft") || strings.Contains(page, "Unlisted one") || !strings.Contains(page, "Public one") {
		t.Errorf("anonymous portfolio must list only public projects")
	}
	if ownPage := string(a.expect(req{method: "GET", path: "/ada", headers: cookie}, 200).body); !strings.Contains(ownPage, "Secret draft") {
		t.Errorf("the owner should see the draft, marked")
	}
	a.expect(req{method: "GET", path: "/ada/" + unlisted.Slug}, 200)

	// Cached for visitors, 304 on a matching ETag, and changed at once by an edit.
	first := a.expect(req{method: "GET", path: "/ada"}, 200)
	second := a.expect(req{method: "GET", path: "/ada"}, 200)
	if (second.header.Get("X-Cache") != "hit" && second.header.Get("X-Cache") != "memo") || string(second.body) != string(first.body) {
		t.Errorf("second visit: X-Cache %q", second.header.Get("X-Cache"))
	}
	if r := a.do(req{method: "GET", path: "/ada", headers: map[string]string{"If-None-Match": first.header.Get("ETag")}}); r.status != 304 {
		t.Errorf("If-None-Match: %d, want 304", r.status)
	}
	a.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(pub.ID), token: ada.token, body: map[string]any{"title": "Renamed project"}}, 200)
	after := a.expect(req{method: "GET", path: "/ada", headers: map[string]string{"If-None-Match": first.header.Get("ETag")}}, 200)
	if !strings.Contains(string(after.body), "Renamed project") || after.header.Get("X-Cache") == "hit" || after.header.Get("X-Cache") == "memo" {
		t.Errorf("the edit is not on the next visit (X-Cache %q)", after.header.Get("X-Cache"))
	}
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"headline": "Fresh headline"}}, 200)
	if !strings.Contains(string(a.expect(req{method: "GET", path: "/ada"}, 200).body), "Fresh headline") {
		t.Error("a profile edit is not on the next visit")
	}
}

func TestPagesSEOAndSitemap(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "tagline": "Idempotent intake", "visibility": "public",
		"repository_url": "https://github.com/ada/orders", "tech_tags": []string{"Go"}})
	a.createProject(ada, map[string]any{"title": "Hidden"})
	page := string(a.expect(req{method: "GET", path: "/ada/" + p.Slug}, 200).body)
	for _, want := range []string{`<title>Orders API · ADA · Folio</title>`, `name="description" content="Idempotent intake"`,
		`rel="canonical" href="http://localhost:8080/ada/orders-api"`, `property="og:title"`, `name="twitter:card"`,
		`application/ld+json`, `"@type":"SoftwareSourceCode"`, `"codeRepository":"https://github.com/ada/orders"`, `<main id="main">`} {
		if !strings.Contains(page, want) {
			t.Errorf("project page lacks %s", want)
		}
	}
	home := string(a.expect(req{method: "GET", path: "/ada"}, 200).body)
	if !strings.Contains(home, `"@type":"Person"`) {
		t.Error("portfolio page lacks Person JSON-LD")
	}
	index := string(a.expect(req{method: "GET", path: "/sitemap.xml"}, 200).body)
	sitemap := string(a.expect(req{method: "GET", path: "/sitemap-1.xml"}, 200).body)
	if !strings.Contains(index, "<loc>http://localhost:8080/sitemap-1.xml</loc>") || !strings.Contains(sitemap, "http://localhost:8080/ada/orders-api") || strings.Contains(sitemap, "hidden") {
		t.Errorf("sitemap: %s", sitemap)
	}
	robots := string(a.expect(req{method: "GET", path: "/robots.txt"}, 200).body)
	if !strings.Contains(robots, "Sitemap: http://localhost:8080/sitemap.xml") || !strings.Contains(robots, "Disallow: /dashboard") {
		t.Errorf("robots: %s", robots)
	}
}

func TestExploreSearchAndPagination(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	for i, spec := range []struct{ handle, title, tag string }{
		{"gopher", "Orders service", "Go"}, {"rustacean", "Fast parser", "Rust"}, {"pythonista", "Data pipeline", "Python"},
	} {
		acct := a.signUp(spec.handle)
		a.createProject(acct, map[string]any{"title": spec.title, "visibility": "public", "tech_tags": []string{spec.tag}})
		_ = i
	}
	quiet := a.signUp("drafty")
	a.createProject(quiet, map[string]any{"title": "Only drafts"})
	all := string(a.expect(req{method: "GET", path: "/explore"}, 200).body)
	if !strings.Contains(all, "@gopher") || !strings.Contains(all, "@rustacean") || strings.Contains(all, "@drafty") {
		t.Error("explore lists portfolios with public projects only")
	}
	byTag := string(a.expect(req{method: "GET", path: "/explore?tag=rust"}, 200).body)
	if !strings.Contains(byTag, "@rustacean") || strings.Contains(byTag, "@gopher") {
		t.Error("tag search")
	}
	byText := string(a.expect(req{method: "GET", path: "/explore?q=pipeline"}, 200).body)
	if !strings.Contains(byText, "@pythonista") || strings.Contains(byText, "@gopher") {
		t.Error("text search over projects")
	}
}
