package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/markdown"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
)

// withPageCache is withPages that also hands the test its page cache.
func withPageCache(t *testing.T) (apiOption, *redis.Client) {
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	pages := withPages(t)
	return func(o *server.Options, db *bun.DB) {
		pages(o, db)
		o.Site.PageCache = rdb
	}, rdb
}

// preview posts src to the preview with a hang guard: before the bounds,
// the attacker's inputs kept a core busy for minutes.
func (a *harness) preview(acct account, src string) response {
	a.t.Helper()
	// As sent by a script: ">" as such, not as \u003e.
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]string{"markdown": src}); err != nil {
		a.t.Fatal(err)
	}
	hr := httptest.NewRequest("POST", "/api/v1/preview", &body)
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+acct.token)
	resp, err := a.srv.App().Test(hr, 5000)
	if err != nil {
		a.t.Fatalf("preview of %d bytes: %v", len(src), err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: buf.Bytes()}
}

func TestPreviewBoundsHostileMarkdown(t *testing.T) {
	t.Parallel()
	// The production body limit, so that the attacker's bodies get in.
	a := newAPI(t, func(o *server.Options, _ *bun.DB) { o.MaxBodyBytes = 1 << 20 })
	ada := a.signUp("ada")
	// The attacker's requests: 800 kB and 500 kB, minutes of CPU each.
	for _, src := range []string{strings.Repeat("[a](", 200_000), strings.Repeat(">", 500_000)} {
		assertProblem(t, a.preview(ada, src), 413, folio.ETOOLARGE)
	}
	// One character past what a description may hold is refused too.
	assertProblem(t, a.preview(ada, strings.Repeat("[a](", folio.MaxMarkdown/4)+"x"), 413, folio.ETOOLARGE)

	// At the limit, hostile Markdown is rendered, with its excess as text.
	r := a.preview(ada, strings.Repeat(">", folio.MaxMarkdown))
	if r.status != 200 {
		t.Fatalf("preview at the limit: %d %s", r.status, r.body)
	}
	if html := r.json(t)["html"].(string); strings.Count(html, "<blockquote>") != markdown.MaxNesting {
		t.Errorf("%d nested quotes, want %d", strings.Count(html, "<blockquote>"), markdown.MaxNesting)
	}
	if r := a.preview(ada, "**fine**"); r.status != 200 || !strings.Contains(r.json(t)["html"].(string), "<strong>fine</strong>") {
		t.Errorf("normal preview: %d %s", r.status, r.body)
	}
}

func TestPagesRenderMarkdownOnce(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	// No headline and no tagline: the meta description comes from the Markdown.
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"bio": "I *build* things."}}, 200)
	p := a.createProject(ada, map[string]any{"title": "Nest", "visibility": "public",
		"description": "A **queue**.\n\n" + strings.Repeat("[a](", 4_000)})

	for _, tt := range []struct{ path, body, meta string }{
		{"/ada", "I <em>build</em> things.", `content="I build things."`},
		{"/ada/" + p.Slug, "A <strong>queue</strong>.", `content="A queue.`},
	} {
		before := a.srv.Site().MarkdownRenders()
		page := string(a.expect(req{method: "GET", path: tt.path}, 200).body)
		if n := a.srv.Site().MarkdownRenders() - before; n != 1 {
			t.Errorf("%s rendered Markdown %d times, want once", tt.path, n)
		}
		if !strings.Contains(page, tt.body) || !strings.Contains(page, tt.meta) {
			t.Errorf("%s lacks its rendered Markdown or its description", tt.path)
		}
	}
}

func TestPagesRedirectToCanonicalCase(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	a.createProject(ada, map[string]any{"title": "Nest", "visibility": "public"})
	a.createProject(ada, map[string]any{"title": "Secret"})

	for path, want := range map[string]string{
		"/ADA":               "/ada",
		"/Ada?ref=x&y=1":     "/ada?ref=x&y=1",
		"/ada/":              "/ada",
		"/ADA/nest":          "/ada/nest",
		"/Ada/Nest?utm=mail": "/ada/nest?utm=mail",
		"/ada/NEST":          "/ada/nest",
		"/ada/nest/":         "/ada/nest",
		"/aDa/nEsT/?q=a%20b": "/ada/nest?q=a%20b",
	} {
		r := a.do(req{method: "GET", path: path})
		if r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 301 to %q", path, r.status, r.header.Get("Location"), want)
		}
	}
	// A draft is not found, in any case: a redirect would tell it exists.
	if r := a.do(req{method: "GET", path: "/ADA/secret"}); r.status != 404 {
		t.Errorf("GET /ADA/secret: %d, want 404", r.status)
	}
	a.expect(req{method: "GET", path: "/ada/nest"}, 200)
}

func TestPageCacheKeyIsCanonical(t *testing.T) {
	t.Parallel()
	pages, rdb := withPageCache(t)
	a := newAPI(t, pages)
	ada := a.signUp("ada")
	a.createProject(ada, map[string]any{"title": "Nest", "visibility": "public", "description": "*Hi*"})

	if r := a.expect(req{method: "GET", path: "/ada/nest"}, 200); r.header.Get("X-Cache") != "miss" {
		t.Fatalf("first visit: X-Cache %q", r.header.Get("X-Cache"))
	}
	renders := a.srv.Site().MarkdownRenders()
	for _, path := range []string{"/MALLORY/nest", "/ADA/nest", "/Ada/nest", "/ada/NEST", "/ada/nest/", "/ada/nest?x=1"} {
		a.do(req{method: "GET", path: path})
	}
	if r := a.expect(req{method: "GET", path: "/ada/nest"}, 200); r.header.Get("X-Cache") != "hit" && r.header.Get("X-Cache") != "memo" {
		t.Errorf("canonical visit after the variants: X-Cache %q", r.header.Get("X-Cache"))
	}
	if n := a.srv.Site().MarkdownRenders() - renders; n != 0 {
		t.Errorf("spellings of the URL forced %d fresh renders", n)
	}
	// One hash per handle, one field per canonical path.
	keys, err := rdb.Keys(context.Background(), "folio:pages:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	fields, err := rdb.HKeys(context.Background(), "folio:pages:ada").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "folio:pages:ada" || len(fields) != 1 || fields[0] != "/ada/nest" {
		t.Errorf("page cache keys %q, fields %q, want one, for /ada/nest", keys, fields)
	}
}
