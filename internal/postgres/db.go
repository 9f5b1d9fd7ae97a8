// Package postgres implements Folio's repositories on PostgreSQL with bun.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/postgres/prepared"
)

// Pool sizes the connection pool and bounds each statement.
type Pool struct {
	// MaxConns is the most connections open at once; all of them are kept
	// open when idle, so a burst does not pay for connecting. 0: 20.
	MaxConns int
	// StatementTimeout makes PostgreSQL cancel a statement that runs
	// longer (the session's statement_timeout). 0: none.
	StatementTimeout time.Duration
}

// Open connects to PostgreSQL with the default pool and checks that it
// answers. The caller closes the returned DB.
func Open(ctx context.Context, dsn string) (*bun.DB, error) { return OpenPool(ctx, dsn, Pool{}) }

// OpenPool connects to PostgreSQL with the given pool and checks that it
// answers. The caller closes the returned DB.
//
// bun writes the arguments into the SQL text, so nearly every statement's
// text is new: pgx's default mode (prepare each new text, then execute)
// cost two round trips per query and churned its statement cache. The
// "exec" mode sends parse, bind and execute at once: one round trip. A
// default_query_exec_mode in the DSN wins.
func OpenPool(ctx context.Context, dsn string, p Pool) (*bun.DB, error) {
	db, err := OpenLazy(dsn, p)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return db, nil
}

// OpenLazy is OpenPool without the check: it connects on first use, for a
// server that may be down now and come back later (a read replica).
func OpenLazy(dsn string, p Pool) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	// A DSN's mode holds for the prepared render queries too (a pooler
	// in transaction mode keeps no prepared statements).
	ownMode := strings.Contains(dsn, "default_query_exec_mode")
	if !ownMode {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	if p.StatementTimeout > 0 {
		if _, set := cfg.RuntimeParams["statement_timeout"]; !set {
			cfg.RuntimeParams["statement_timeout"] = fmt.Sprint(p.StatementTimeout.Milliseconds())
		}
	}
	if p.MaxConns <= 0 {
		p.MaxConns = 20
	}
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(p.MaxConns)
	sqldb.SetMaxIdleConns(p.MaxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := bun.NewDB(sqldb, pgdialect.New())
	if ownMode {
		prepared.UseConnectionMode(db)
	}
	return db, nil
}

// Warm opens up to n connections now and returns them to the pool, where
// they stay (OpenPool keeps every connection idle), so the first burst of
// traffic does not wait for connection setup. On each it runs the page
// render's queries once (finding nothing), so the first renders do not
// pay for preparing them either (see prepared.Query.Prime).
func Warm(ctx context.Context, db *bun.DB, n int) error {
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("postgres: warm pool: %w", err)
		}
		conns = append(conns, c.Conn)
		if err := primeRenderQueries(ctx, db, c.Conn); err != nil {
			return fmt.Errorf("postgres: warm pool: %w", err)
		}
	}
	return nil
}

func primeRenderQueries(ctx context.Context, db *bun.DB, conn *sql.Conn) error {
	none := []int64{}
	for _, p := range []struct {
		q    prepared.Query
		args []any
	}{
		{portfolioQuery, []any{""}},
		{projectPageQuery, []any{"", ""}},
		{readyMediaQuery, []any{none}},
		{demoStatesQuery, []any{none}},
	} {
		if err := p.q.Prime(ctx, db, conn, p.args...); err != nil {
			return err
		}
	}
	return nil
}
