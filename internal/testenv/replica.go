package testenv

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/postgres"
)

// ReplicaURL returns the URL of dsn's database (one of DatabaseURL's) on
// the stack's streaming replica, once the replica has replayed everything
// the primary had written when it was called: a database created and
// migrated moments ago is there, with its schema.
func ReplicaURL(t testing.TB, dsn string) string {
	t.Helper()
	addr := Var(t, "FOLIO_STACK_REPLICA_ADDR")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	primary, err := postgres.Open(ctx(t), dsn)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	defer primary.Close()
	// The insert position: with asynchronous commit (the stack's) a commit
	// may not be written out yet, and so be past the write position.
	var lsn string
	if err := primary.QueryRowContext(ctx(t), "SELECT pg_current_wal_insert_lsn()::text").Scan(&lsn); err != nil {
		t.Fatalf("testenv: the primary's WAL position: %v", err)
	}
	u.Host = addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := replayed(u.String(), lsn)
		if err == nil {
			return u.String()
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: the replica at %s has not replayed %s within 30 s: %v; %s (it starts with the stack)", addr, lsn, err, startHint)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func replayed(dsn, lsn string) error {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db, err := postgres.Open(c, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var ok bool
	if err := db.QueryRowContext(c, "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", lsn).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errNotYet
	}
	return nil
}

var errNotYet = errors.New("not replayed yet")
