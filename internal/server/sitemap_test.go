package server_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/testenv"
)

func withSitemapURLs(n int) apiOption {
	return func(o *server.Options, _ *bun.DB) { o.Site.SitemapURLs = n }
}

type sitemapLocs struct {
	Locs []string `xml:"url>loc"`
	Maps []string `xml:"sitemap>loc"`
}

func TestSitemapIndexSplitsByURLsAndListsEveryPublicPage(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t), withSitemapURLs(7))
	// 30 owners: owner i has i%4 public projects (0: none, so no
	// portfolio in the sitemap), a draft and an unlisted project.
	ctx := context.Background()
	if _, err := a.db.ExecContext(ctx, `INSERT INTO users (email, password_hash, handle, display_name)
		SELECT 'u' || i || '@example.com', '-', 'u' || i, 'U' || i FROM generate_series(1, 30) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.ExecContext(ctx, `INSERT INTO projects (owner_id, slug, title, visibility)
		SELECT u.id, 'p' || k, 'P', 'public' FROM users u, generate_series(1, 3) k WHERE k <= substr(u.handle, 2)::int % 4
		UNION ALL SELECT id, 'draft', 'D', 'draft' FROM users
		UNION ALL SELECT id, 'unlisted', 'U', 'unlisted' FROM users`); err != nil {
		t.Fatal(err)
	}
	want := []string{"http://localhost:8080/", "http://localhost:8080/explore"}
	for i := 1; i <= 30; i++ {
		if i%4 == 0 {
			continue
		}
		want = append(want, fmt.Sprintf("http://localhost:8080/u%d", i))
		for k := 1; k <= i%4; k++ {
			want = append(want, fmt.Sprintf("http://localhost:8080/u%d/p%d", i, k))
		}
	}

	index := a.expect(req{method: "GET", path: "/sitemap.xml"}, 200)
	var idx sitemapLocs
	if err := xml.Unmarshal(index.body, &idx); err != nil {
		t.Fatal(err)
	}
	// 2 + 23 portfolios + 45 projects = 70 URLs, portfolios kept whole:
	// at least 10 files of at most 7.
	if len(idx.Maps) < 10 {
		t.Fatalf("index lists %d files: %s", len(idx.Maps), index.body)
	}
	var got []string
	for i, loc := range idx.Maps {
		if loc != fmt.Sprintf("http://localhost:8080/sitemap-%d.xml", i+1) {
			t.Errorf("index entry %d is %s", i, loc)
		}
		var f sitemapLocs
		body := a.expect(req{method: "GET", path: fmt.Sprintf("/sitemap-%d.xml", i+1)}, 200).body
		if err := xml.Unmarshal(body, &f); err != nil {
			t.Fatal(err)
		}
		if len(f.Locs) == 0 || len(f.Locs) > 7 {
			t.Errorf("sitemap-%d.xml has %d URLs, want 1 to 7", i+1, len(f.Locs))
		}
		got = append(got, f.Locs...)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the files list\n%v\nwant every public page once:\n%v", got, want)
	}
	for _, path := range []string{"/sitemap-0.xml", fmt.Sprintf("/sitemap-%d.xml", len(idx.Maps)+1), "/sitemap-x.xml"} {
		a.expect(req{method: "GET", path: path}, 404)
	}

	// The same bytes and ETag from another process (no map order, no
	// build time in them), 304 on a match by ETag or by date.
	o := servertest.Options(a.db, redis.NewClient(testenv.Redis(t)))
	o.Logger, o.PublicLimit = quietLogger, servertest.Plenty
	withPages(t)(&o, a.db)
	withSitemapURLs(7)(&o, a.db)
	other := &harness{t: t, srv: server.New(o), db: a.db}
	for _, path := range []string{"/sitemap.xml", "/sitemap-2.xml"} {
		first := a.expect(req{method: "GET", path: path}, 200)
		second := other.expect(req{method: "GET", path: path}, 200)
		etag := first.header.Get("ETag")
		if etag == "" || etag != second.header.Get("ETag") || string(first.body) != string(second.body) {
			t.Errorf("%s: ETag %q then %q, bodies equal: %v", path, etag, second.header.Get("ETag"), string(first.body) == string(second.body))
		}
		if r := a.do(req{method: "GET", path: path, headers: map[string]string{"If-None-Match": etag}}); r.status != 304 || len(r.body) != 0 {
			t.Errorf("%s If-None-Match: %d", path, r.status)
		}
		if r := a.do(req{method: "GET", path: path, headers: map[string]string{"If-None-Match": `"other"`}}); r.status != 200 {
			t.Errorf("%s another ETag: %d", path, r.status)
		}
	}
	file := a.expect(req{method: "GET", path: "/sitemap-2.xml"}, 200)
	if lm := file.header.Get("Last-Modified"); lm == "" {
		t.Error("a sitemap file has no Last-Modified")
	} else if r := a.do(req{method: "GET", path: "/sitemap-2.xml", headers: map[string]string{"If-Modified-Since": lm}}); r.status != 304 {
		t.Errorf("If-Modified-Since: %d", r.status)
	}
}
