package server_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/postgres/listen"
	"github.com/foliohq/folio/internal/postgres/prepared"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/site"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/migrations"
)

// queryCounter counts the queries bun runs.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}
func (q *queryCounter) AfterQuery(context.Context, *bun.QueryEvent) { q.n.Add(1) }

// secondProcess is another Folio process on a's database and the given
// Redis: its memo is empty, so it sees only what Redis holds.
func secondProcess(t *testing.T, a *harness, rdb *redis.Client) *harness {
	o := servertest.Options(a.db, rdb)
	o.Logger, o.PublicLimit = quietLogger, servertest.Plenty
	o.Site.Directory = directory.New(a.db)
	o.API.Media = postgres.NewMediaService(a.db)
	o.Site.Media = o.API.Media
	o.API.Demos = postgres.NewDemoService(a.db)
	o.Site.Demos = o.API.Demos
	o.Site.PageCache = rdb
	return &harness{t: t, srv: server.New(o), db: a.db}
}

func TestRedisPageHitTouchesNoDatabase(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	a := newAPI(t, withPages(t), func(o *server.Options, _ *bun.DB) { o.Site.PageCache = rdb })
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	queries := &queryCounter{}
	prepared.AddQueryHook(a.db, queries)

	for _, path := range []string{"/ada", "/ada/" + p.Slug} {
		if r := a.expect(req{method: "GET", path: path}, 200); r.header.Get("X-Cache") != "miss" {
			t.Fatalf("%s first view: X-Cache %q", path, r.header.Get("X-Cache"))
		}
		other := secondProcess(t, a, rdb)
		before := queries.n.Load()
		r := other.expect(req{method: "GET", path: path}, 200)
		if r.header.Get("X-Cache") != "hit" || !strings.Contains(string(r.body), "Orders API") {
			t.Errorf("%s from another process: X-Cache %q", path, r.header.Get("X-Cache"))
		}
		if n := queries.n.Load() - before; n != 0 {
			t.Errorf("%s answered from Redis ran %d database queries, want none", path, n)
		}
		// Another spelling is not cached: the handler redirects it.
		if r := other.do(req{method: "GET", path: strings.ToUpper(path)}); r.status != 301 {
			t.Errorf("%s: %d, want a redirect", strings.ToUpper(path), r.status)
		}
	}

	// The database's notification (here called directly) drops the pages
	// everywhere; the next view renders afresh.
	other := secondProcess(t, a, rdb)
	if _, err := a.db.ExecContext(context.Background(), "UPDATE projects SET title = 'Renamed' WHERE id = ?", p.ID); err != nil {
		t.Fatal(err)
	}
	if err := other.srv.Site().InvalidatePages(context.Background(), ada.id, "ada"); err != nil {
		t.Fatal(err)
	}
	if r := other.expect(req{method: "GET", path: "/ada"}, 200); r.header.Get("X-Cache") != "miss" || !strings.Contains(string(r.body), "Renamed") {
		t.Errorf("after invalidation: X-Cache %q", r.header.Get("X-Cache"))
	}
}

// Any writer's change (here plain SQL, as the worker's would be) reaches
// the page cache through PostgreSQL's notification.
func TestDatabaseNotificationDropsCachedPages(t *testing.T) {
	t.Parallel()
	dsn := testenv.DatabaseURL(t)
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := postgres.Migrate(context.Background(), db, migrations.FS); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	a := secondProcess(t, &harness{t: t, db: db}, rdb)
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	listening := make(chan struct{}, 1)
	go listen.Run(ctx, dsn, site.PagesChannel, quietLogger, func(payload string) {
		if err := a.srv.Site().HandlePagesNotice(ctx, payload); err != nil {
			t.Errorf("notice %q: %v", payload, err)
		}
	}, func(bool) { listening <- struct{}{} })
	<-listening

	a.expect(req{method: "GET", path: "/ada"}, 200)
	if _, err := db.ExecContext(ctx, "UPDATE projects SET title = 'Renamed' WHERE id = ?", p.ID); err != nil {
		t.Fatal(err)
	}
	// The notification is asynchronous: poll another process's view (no
	// memo) until the cache no longer has the page.
	other := secondProcess(t, a, rdb)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := other.expect(req{method: "GET", path: "/ada"}, 200)
		if strings.Contains(string(r.body), "Renamed") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cached page outlived the change (X-Cache %q)", r.header.Get("X-Cache"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestUncachedPortfolioPageRunsThreeQueries(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public", "demo_url": "https://example.com/"})
	a.createProject(ada, map[string]any{"title": "Parser", "visibility": "public", "tech_tags": []string{"Rust"}})
	a.expect(req{method: "PUT", path: "/api/v1/me/featured", token: ada.token, body: map[string]any{"project_ids": []int64{p.ID}}}, 200)
	queries := &queryCounter{}
	prepared.AddQueryHook(a.db, queries)
	r := a.expect(req{method: "GET", path: "/ada"}, 200)
	if r.header.Get("X-Cache") != "miss" || !strings.Contains(string(r.body), "Orders API") || !strings.Contains(string(r.body), "Parser") {
		t.Fatalf("X-Cache %q", r.header.Get("X-Cache"))
	}
	t.Logf("%d queries", queries.n.Load())
	if n := queries.n.Load(); n > 3 {
		t.Errorf("an uncached portfolio page ran %d queries, want at most 3", n)
	}
}

// TestUncachedProjectPageRunsTwoQueries renders a project page with
// every part loaded (a screencast, two screenshots, ready API docs and a
// demo badge) and counts its queries: the owner with the project, its
// demo's state and API docs in one; the ready media with their
// renditions in another (it was six).
func TestUncachedProjectPageRunsTwoQueries(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public", "demo_url": "https://example.com/"})
	parts := everyPart(t, a.db, ada.id, p.ID)
	queries := &queryCounter{}
	prepared.AddQueryHook(a.db, queries)
	r := a.expect(req{method: "GET", path: "/ada/" + p.Slug}, 200)
	if r.header.Get("X-Cache") != "miss" {
		t.Fatalf("X-Cache %q", r.header.Get("X-Cache"))
	}
	n := queries.n.Load()
	t.Logf("%d queries", n)
	body := string(r.body)
	for _, want := range append(parts, "Orders API", `class="badge up"`, "Orders service 2.1.0", "/ada/"+p.Slug+"/openapi.json") {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	if n > 2 {
		t.Errorf("an uncached project page ran %d queries, want at most 2", n)
	}
}

// everyPart gives project id of owner every part a project page shows: a
// ready screencast, two ready screenshots, ready API docs ("Orders
// service 2.1.0") and a demo that is up. It returns the media's public
// keys, which the page's URLs name.
func everyPart(tb testing.TB, db *bun.DB, owner, id int64) []string {
	tb.Helper()
	ctx := context.Background()
	var keys []string
	for i, kind := range []string{"screencast", "screenshot", "screenshot"} {
		var mediaID int64
		var key string
		if err := db.NewRaw(`INSERT INTO media (owner_id, project_id, kind, status, original_key, width, height)
			VALUES (?, ?, ?, 'ready', 'media/fixture-' || ? || '/original', 1280, 720) RETURNING id, public_key`, owner, id, kind, i).Scan(ctx, &mediaID, &key); err != nil {
			tb.Fatal(err)
		}
		names := map[string][]string{"screencast": {"video", "poster_webp", "poster_jpeg"}, "screenshot": {"image", "thumbnail"}}[kind]
		for _, name := range names {
			if _, err := db.ExecContext(ctx, `INSERT INTO renditions (media_id, name, key, content_type, size_bytes, width, height)
				VALUES (?, ?, 'media/fixture-' || ? || '/' || ?, 'application/octet-stream', 1000, 640, 360)`, mediaID, name, i, name); err != nil {
				tb.Fatal(err)
			}
		}
		keys = append(keys, key)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO apidocs (project_id, source, status, title, api_version, operations, key, document_key)
		VALUES (?, 'spec', 'ready', 'Orders service', '2.1.0', 12, 'fixture', 'apidocs/fixture/openapi.json')`, id); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO demo_status (project_id, state, since, last_checked_at) VALUES (?, 'up', now(), now())`, id); err != nil {
		tb.Fatal(err)
	}
	return keys
}
