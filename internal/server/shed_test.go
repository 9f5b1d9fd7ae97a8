package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/shed"
)

// A saturated database pool: pages that need it answer 503 with
// Retry-After at their deadline instead of queueing, cached pages are
// still served, explore beyond its slots is shed at once, and everything
// recovers when the pool frees up.
func TestSaturatedPoolShedsAndRecovers(t *testing.T) {
	t.Parallel()
	explore := shed.New(1, 10*time.Millisecond)
	a := newAPI(t, withPages(t), func(o *server.Options, _ *bun.DB) {
		o.Site.RequestTimeout = 200 * time.Millisecond
		o.Site.ExploreLimit = explore
	})
	ada := a.signUp("ada")
	bob := a.signUp("bob")
	a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	a.createProject(bob, map[string]any{"title": "Parser", "visibility": "public"})
	a.expect(req{method: "GET", path: "/ada"}, 200) // cached from now on

	// Take every connection of the pool.
	a.db.SetMaxOpenConns(1)
	held, err := a.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/bob", "/explore?q=parser"} {
		r := a.do(req{method: "GET", path: path})
		if r.status != 503 || r.header.Get("Retry-After") == "" {
			t.Errorf("%s with the pool taken: %d, Retry-After %q", path, r.status, r.header.Get("Retry-After"))
		}
	}
	if r := a.do(req{method: "GET", path: "/ada"}); r.status != 200 {
		t.Errorf("a cached page with the pool taken: %d", r.status)
	}
	held.Close()
	a.expect(req{method: "GET", path: "/bob"}, 200)
	a.expect(req{method: "GET", path: "/explore?q=parser"}, 200)
	if explore.Shed() != 0 {
		t.Errorf("explore was shed %d times with a free slot", explore.Shed())
	}
}
