package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/replicas"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/wire"
)

// replicaOf is the URL of the test's database on the stack's replica,
// once the replica has replayed everything written so far.
func replicaOf(t *testing.T, db *bun.DB) string {
	t.Helper()
	var name string
	if err := db.QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(testenv.Var(t, "FOLIO_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return testenv.ReplicaURL(t, u.String())
}

// withReplica lets the stack's replica answer anonymous page reads, with
// no lag bound (so a paused replica stays in rotation and shows where the
// reads go). It returns the replica's URL once the option has run.
func withReplica(t *testing.T, replicaURL *string) apiOption {
	return func(o *server.Options, db *bun.DB) {
		*replicaURL = replicaOf(t, db)
		set, err := replicas.Open(context.Background(), db, replicas.Options{
			URLs: []string{*replicaURL}, MaxLag: time.Hour, Interval: 100 * time.Millisecond, Logger: quietLogger,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(set.Close)
		ctx, stop := context.WithCancel(context.Background())
		t.Cleanup(stop)
		go set.Run(ctx)
		for deadline := time.Now().Add(30 * time.Second); !set.Status()[0].Healthy; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the replica never joined the rotation: %+v", set.Status()[0])
			}
		}
		wire.ReadReplicas(o, set)
	}
}

// Anonymous visitors read the replica, the signed-in owner the primary:
// with the replica's replay paused, the owner's edit shows on the owner's
// view at once and not on a visitor's; and the visitor's stale page is not
// cached, so once the replica catches up the visitor sees the edit (rather
// than the stale page for the cache's lifetime).
func TestVisitorsReadTheReplicaOwnersThePrimary(t *testing.T) {
	var replicaURL string
	a := newAPI(t, withPages(t), withReplica(t, &replicaURL))
	ada := a.signUp("ada")
	a.createProject(ada, map[string]any{"title": "Public one", "visibility": "public"})
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"display_name": "Ada One"}}, 200)
	replicaOf(t, a.db) // caught up
	if page := string(a.expect(req{method: "GET", path: "/ada"}, 200).body); !strings.Contains(page, "Ada One") {
		t.Fatal("the visitor's page lacks the name")
	}

	ctx := context.Background()
	superuser, err := postgres.Open(ctx, replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	// Closed after resume, which cleanups run first.
	t.Cleanup(func() { superuser.Close() })
	if _, err := superuser.ExecContext(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	resume := func() { superuser.ExecContext(context.Background(), "SELECT pg_wal_replay_resume()") }
	t.Cleanup(resume)

	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"display_name": "Ada Two"}}, 200)
	owner := map[string]string{"Cookie": "folio_session=" + ada.token}
	// The portfolio and the project page alike.
	pages := []string{"/ada", "/ada/public-one"}
	for _, path := range pages {
		if page := string(a.expect(req{method: "GET", path: path, headers: owner}, 200).body); !strings.Contains(page, "Ada Two") {
			t.Errorf("%s: the owner does not see their own edit", path)
		}
		for range 3 {
			if page := string(a.expect(req{method: "GET", path: path}, 200).body); !strings.Contains(page, "Ada One") {
				t.Fatalf("%s: the visitor's page did not come from the paused replica", path)
			}
		}
	}

	resume()
	replicaOf(t, a.db)
	deadline := time.Now().Add(15 * time.Second)
	for _, path := range pages {
		for {
			r := a.expect(req{method: "GET", path: path}, 200)
			if strings.Contains(string(r.body), "Ada Two") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: 15 s after the replica caught up the visitor still sees the old page (X-Cache %q): a stale page was cached", path, r.header.Get("X-Cache"))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
