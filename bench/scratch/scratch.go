// Package scratch gives a benchmark a migrated database of its own on the
// configured PostgreSQL, dropped when it is done.
package scratch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/migrations"
)

// Database creates the database folio_bench_{name}_{random} next to the
// one dsn names, migrates it, and returns it with the function that drops it.
func Database(ctx context.Context, dsn, name string) (*bun.DB, func(), error) {
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	dbName := "folio_bench_" + name + "_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+dbName); err != nil {
		admin.Close()
		return nil, nil, err
	}
	u, _ := url.Parse(dsn)
	u.Path = "/" + dbName
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		admin.Close()
		return nil, nil, err
	}
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		db.Close()
		admin.Close()
		return nil, nil, err
	}
	return db, func() {
		db.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)")
		admin.Close()
	}, nil
}
