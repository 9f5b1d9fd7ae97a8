package replicas_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/replicas"
	"github.com/foliohq/folio/internal/readpref"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/migrations"
)

// stack gives a migrated primary database with one user, and its URL on
// the stack's streaming replica.
func stack(t *testing.T) (primary *bun.DB, replicaURL string, userID int64) {
	t.Helper()
	dsn := testenv.DatabaseURL(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		t.Fatal(err)
	}
	u := &folio.User{Email: "ada@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return db, testenv.ReplicaURL(t, dsn), u.ID
}

func open(t *testing.T, primary *bun.DB, urls ...string) *replicas.Set {
	return openLag(t, primary, time.Second, urls...)
}

func openLag(t *testing.T, primary *bun.DB, maxLag time.Duration, urls ...string) *replicas.Set {
	t.Helper()
	set, err := replicas.Open(context.Background(), primary, replicas.Options{
		URLs: urls, MaxLag: maxLag, Interval: 100 * time.Millisecond, Pool: postgres.Pool{MaxConns: 4},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(set.Close)
	return set
}

// waitFor checks the set until cond holds, failing after a deadline.
func waitFor(t *testing.T, set *replicas.Set, what string, cond func(replicas.Status) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		set.Check(context.Background())
		st := set.Status()[0]
		if cond(st) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica never %s: %+v", what, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func healthy(st replicas.Status) bool { return st.Healthy }

func displayName(t *testing.T, users folio.UserService, ctx context.Context, id int64) string {
	t.Helper()
	u, err := users.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.DisplayName
}

// A marked read is answered by the replica, an unmarked one by the
// primary: with the replica's replay paused, the owner (unmarked) sees the
// new name at once and a visitor (marked) the old one, until the replica
// falls MaxLag behind and is taken out; resumed, it comes back. Two sets
// watch the same replica: one that tolerates any lag shows where the reads
// go, one with MaxLag 1 s takes the paused replica out.
func TestMarkedReadsGoToTheReplicaUntilItLags(t *testing.T) {
	primary, replicaURL, id := stack(t)
	set := open(t, primary, replicaURL)
	users := replicas.NewUsers(postgres.NewUserService(primary), set)
	waitFor(t, set, "joined the rotation", healthy)
	tolerant := openLag(t, primary, time.Hour, replicaURL)
	tolerantUsers := replicas.NewUsers(postgres.NewUserService(primary), tolerant)
	waitFor(t, tolerant, "joined the rotation", healthy)

	ctx := context.Background()
	visitor := readpref.Replica(ctx)
	if got := displayName(t, users, visitor, id); got != "Ada" {
		t.Fatalf("visitor read %q", got)
	}

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

	if _, err := primary.ExecContext(ctx, "UPDATE users SET display_name = 'Ada Lovelace' WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	if got := displayName(t, users, ctx, id); got != "Ada Lovelace" {
		t.Fatalf("the owner's read (the primary) gave %q", got)
	}
	if got := displayName(t, users, ctx, id); got != "Ada Lovelace" {
		t.Fatalf("the owner's read (the primary) gave %q", got)
	}
	tolerant.Check(ctx)
	if got := displayName(t, tolerantUsers, visitor, id); got != "Ada" {
		t.Fatalf("visitor read %q, not the paused replica's %q", got, "Ada")
	}
	if got := displayName(t, tolerantUsers, ctx, id); got != "Ada Lovelace" {
		t.Fatalf("the owner's read (the primary) gave %q", got)
	}
	waitFor(t, set, "was taken out for lagging", func(st replicas.Status) bool {
		return !st.Healthy && strings.Contains(st.Reason, "lags")
	})
	if got := displayName(t, users, visitor, id); got != "Ada Lovelace" {
		t.Fatalf("with the lagging replica out, the visitor read %q", got)
	}

	resume()
	waitFor(t, set, "came back after catching up", healthy)
	if got := displayName(t, users, visitor, id); got != "Ada Lovelace" {
		t.Fatalf("visitor read %q from the caught-up replica", got)
	}
}

// proxy forwards TCP to target until cut, like a network path to a
// replica that can fail.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func startProxy(t *testing.T, addr, target string) *proxy {
	t.Helper()
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ln, err = net.Listen("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A replica that stops answering is taken out by the read that fails (the
// read is answered by the primary, without an error) and by the checks,
// and comes back when it answers again.
func TestAStoppedReplicaIsTakenOutAndComesBack(t *testing.T) {
	primary, replicaURL, id := stack(t)
	target := strings.Split(strings.Split(replicaURL, "@")[1], "/")[0]
	p := startProxy(t, "127.0.0.1:0", target)
	addr := p.ln.Addr().String()
	set := open(t, primary, strings.Replace(replicaURL, target, addr, 1))
	users := replicas.NewUsers(postgres.NewUserService(primary), set)
	waitFor(t, set, "joined the rotation", healthy)
	visitor := readpref.Replica(context.Background())
	if got := displayName(t, users, visitor, id); got != "Ada" {
		t.Fatalf("visitor read %q", got)
	}

	p.cut()
	if got := displayName(t, users, visitor, id); got != "Ada" {
		t.Fatalf("with the replica gone, the visitor read %q", got)
	}
	if st := set.Status()[0]; st.Healthy {
		t.Fatalf("the replica whose read failed is still in rotation: %+v", st)
	}
	waitFor(t, set, "was found not answering", func(st replicas.Status) bool {
		return !st.Healthy && strings.Contains(st.Reason, "does not answer")
	})

	startProxy(t, addr, target)
	waitFor(t, set, "came back", healthy)
	if got := displayName(t, users, visitor, id); got != "Ada" {
		t.Fatalf("visitor read %q", got)
	}
}

// A read that finds nothing is an answer: the replica stays in rotation.
func TestNotFoundOnAReplicaIsAnAnswer(t *testing.T) {
	primary, replicaURL, _ := stack(t)
	set := open(t, primary, replicaURL)
	users := replicas.NewUsers(postgres.NewUserService(primary), set)
	waitFor(t, set, "joined the rotation", healthy)
	_, err := users.UserByHandle(readpref.Replica(context.Background()), "nobody")
	if folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Fatalf("err = %v, want not found", err)
	}
	if !set.Status()[0].Healthy {
		t.Fatal("a not-found answer took the replica out")
	}
}

// A server that is not replaying WAL (the primary itself, or a promoted
// standby) never joins the rotation.
func TestAServerNotInRecoveryIsNoReplica(t *testing.T) {
	primary, _, _ := stack(t)
	dsn := testenv.DatabaseURL(t)
	set := open(t, primary, dsn)
	set.Check(context.Background())
	st := set.Status()[0]
	if st.Healthy || !strings.Contains(st.Reason, "not in recovery") {
		t.Fatalf("status %+v", st)
	}
}
