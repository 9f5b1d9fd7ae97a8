package server_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/testenv"
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
	a.db.AddQueryHook(queries)

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
