package server_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/postgres/prepared"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/testenv"
)

// BenchmarkUncachedPortfolioPage renders a portfolio page of five
// projects (as bench/scale generates them) on every view: the memo is
// dropped before each, and there is no Redis cache. It reports the
// queries per render next to time and allocations.
func BenchmarkUncachedPortfolioPage(b *testing.B) {
	db, srv, id := benchPortfolio(b)
	benchUncached(b, db, srv, id, "/ada")
}

// BenchmarkUncachedProjectPage renders the page of the first of those
// projects, with every part a project page loads (a screencast, two
// screenshots, ready API docs and a demo badge), on every view.
func BenchmarkUncachedProjectPage(b *testing.B) {
	db, srv, id := benchPortfolio(b)
	var project int64
	if err := db.NewRaw(`SELECT id FROM projects WHERE owner_id = ? AND slug = 'project-1'`, id).Scan(context.Background(), &project); err != nil {
		b.Fatal(err)
	}
	everyPart(b, db, id, project)
	benchUncached(b, db, srv, id, "/ada/project-1")
}

// benchPortfolio is a server without a Redis cache, and its owner "ada"
// with five public projects project-1 to project-5 (as bench/scale
// generates them), the first with a live demo.
func benchPortfolio(b *testing.B) (*bun.DB, *server.Server, int64) {
	ctx := context.Background()
	db := testenv.Postgres(b)
	o := servertest.Options(db, nil)
	o.Logger, o.PublicLimit = quietLogger, servertest.Plenty
	o.Site.Directory = directory.New(db)
	o.API.Media = postgres.NewMediaService(db)
	o.Site.Media = o.API.Media
	o.API.Demos = postgres.NewDemoService(db)
	o.Site.Demos = o.API.Demos
	srv := server.New(o)
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name, headline, bio)
		VALUES ('ada@bench.test', '-', 'ada', 'Ada', 'Backend developer', 'I build **payments** and ship them.') RETURNING id`).Scan(ctx, &id); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO projects (owner_id, slug, title, tagline, description, tech_tags, visibility, demo_url, repository_url)
		SELECT ?, 'project-' || k, 'Orders ' || k, 'A fast service for shops', 'Built with care. ' || repeat('It handles requests, retries and failures *gracefully*. ', k),
		       '{Go,PostgreSQL}', 'public', CASE WHEN k = 1 THEN 'https://demo.bench.test/' ELSE '' END, 'https://git.bench.test/ada/project-' || k
		FROM generate_series(1, 5) AS k`, id); err != nil {
		b.Fatal(err)
	}
	return db, srv, id
}

// benchUncached views path, dropping the owner's pages before each view,
// and reports the queries per render next to time and allocations.
func benchUncached(b *testing.B, db *bun.DB, srv *server.Server, owner int64, path string) {
	ctx := context.Background()
	queries := &queryCounter{}
	prepared.AddQueryHook(db, queries)
	b.ReportAllocs()
	for b.Loop() {
		if err := srv.Site().InvalidatePages(ctx, owner, "ada"); err != nil {
			b.Fatal(err)
		}
		resp, err := srv.App().Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "" {
			b.Fatalf("GET %s: %d, X-Cache %q", path, resp.StatusCode, resp.Header.Get("X-Cache"))
		}
	}
	b.ReportMetric(float64(queries.n.Load())/float64(b.N), "queries/op")
}
