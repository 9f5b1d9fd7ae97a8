// Package prepared runs the queries on every page render as statements
// that PostgreSQL parses and plans once per connection.
//
// bun writes a query's arguments into its SQL text, so PostgreSQL parses
// and plans each one afresh. For a portfolio page's reads that was more
// than a third of the database's work per render: 0.4 ms of parsing and
// planning around 0.2 ms of execution. A Query keeps its arguments out of
// the text ($1, $2, …). pgx then prepares it once per connection, and
// PostgreSQL settles on a generic plan after five runs.
//
// The queries bypass bun's query path, and with it the hooks added to
// the bun.DB. Add a hook with AddQueryHook to see them too: it is called
// with the query as bun would have written it.
package prepared

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Query is a statement with ? placeholders, as bun writes them; the
// arguments are sent apart from the text. A slice argument is a
// PostgreSQL array (WHERE id = ANY(?)), not bun.In.
type Query struct {
	template string // with ?, for hooks (formatted by bun)
	text     string // with $1, $2, …, for PostgreSQL
}

// New returns the Query for template. A ? inside a quoted literal or
// identifier stays as it is.
func New(template string) Query {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(template); i++ {
		c := template[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return Query{template: template, text: b.String()}
}

// One scans the first row into dest (what bun's Scan takes); no row:
// sql.ErrNoRows.
func (q Query) One(ctx context.Context, db *bun.DB, dest any, args ...any) error {
	return q.run(ctx, db, args, func(rows *sql.Rows) error {
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return sql.ErrNoRows
		}
		return db.ScanRow(ctx, rows, dest)
	})
}

// All scans every row into dest, a pointer to a slice.
func (q Query) All(ctx context.Context, db *bun.DB, dest any, args ...any) error {
	return q.run(ctx, db, args, func(rows *sql.Rows) error { return db.ScanRows(ctx, rows, dest) })
}

// Prime runs the query on conn and drops its rows: it prepares the
// statement on that connection and loads what PostgreSQL's planner needs
// to know of its tables into the server process's caches, so that the
// first renders after a start do not pay for it (a fresh connection's
// first render cost 13 ms of the database's time, later ones 1 ms).
func (q Query) Prime(ctx context.Context, db *bun.DB, conn *sql.Conn, args ...any) error {
	rows, err := conn.QueryContext(ctx, q.text, q.args(db, args)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// run runs the query and hands its rows to scan, once more if PostgreSQL
// says the statement prepared before no longer matches the tables (a
// migration changed a column): pgx has dropped it by then, so the second
// run prepares it afresh. Outside a transaction that is safe to repeat.
func (q Query) run(ctx context.Context, db *bun.DB, args []any, scan func(*sql.Rows) error) error {
	ctx, event, hooks := q.before(ctx, db, args)
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var rows *sql.Rows
		rows, err = db.DB.QueryContext(ctx, q.text, q.args(db, args)...)
		if err == nil {
			err = scan(rows)
			rows.Close()
		}
		if !staleStatement(err) {
			break
		}
	}
	if event != nil {
		event.Err = err
		for i := len(hooks) - 1; i >= 0; i-- {
			hooks[i].AfterQuery(ctx, event)
		}
	}
	return err
}

func (q Query) args(db *bun.DB, args []any) []any {
	mode, set := settingsOf(db).mode()
	if !set {
		return args
	}
	return append([]any{mode}, args...)
}

// staleStatement: PostgreSQL's "cached plan must not change result type".
func staleStatement(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "0A000" && strings.Contains(pgErr.Message, "cached plan")
}

// settings are a bun.DB's hooks and execution mode.
type settings struct {
	mu       sync.RWMutex
	hooks    []bun.QueryHook
	ownMode  bool
	execMode pgx.QueryExecMode
}

// mode is the execution mode to ask pgx for; set false: the connection's
// default (the DSN named one).
func (s *settings) mode() (pgx.QueryExecMode, bool) {
	if s == nil {
		return pgx.QueryExecModeCacheStatement, true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ownMode {
		return 0, false
	}
	return pgx.QueryExecModeCacheStatement, true
}

var registry sync.Map // *bun.DB → *settings

func settingsOf(db *bun.DB) *settings {
	s, _ := registry.Load(db)
	st, _ := s.(*settings)
	return st
}

func ensure(db *bun.DB) *settings {
	s, _ := registry.LoadOrStore(db, &settings{})
	return s.(*settings)
}

// UseConnectionMode makes db's Queries run in the execution mode its
// connections were configured with, not as prepared statements: for a
// DSN that names default_query_exec_mode (behind a pooler that keeps no
// prepared statements, say).
func UseConnectionMode(db *bun.DB) {
	s := ensure(db)
	s.mu.Lock()
	s.ownMode = true
	s.mu.Unlock()
}

// AddQueryHook adds h to db's bun hooks and to its Queries'.
func AddQueryHook(db *bun.DB, h bun.QueryHook) {
	db.AddQueryHook(h)
	s := ensure(db)
	s.mu.Lock()
	s.hooks = append(s.hooks, h)
	s.mu.Unlock()
}

func (q Query) before(ctx context.Context, db *bun.DB, args []any) (context.Context, *bun.QueryEvent, []bun.QueryHook) {
	s := settingsOf(db)
	if s == nil {
		return ctx, nil, nil
	}
	s.mu.RLock()
	hooks := s.hooks
	s.mu.RUnlock()
	if len(hooks) == 0 {
		return ctx, nil, nil
	}
	// bun writes a slice as JSON unless told it is an array.
	shown := make([]any, len(args))
	for i, a := range args {
		shown[i] = a
		if v := reflect.ValueOf(a); v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
			shown[i] = pgdialect.Array(a)
		}
	}
	e := &bun.QueryEvent{DB: db, QueryTemplate: q.template, QueryArgs: args,
		Query: db.QueryGen().FormatQuery(q.template, shown...), StartTime: time.Now()}
	for _, h := range hooks {
		ctx = h.BeforeQuery(ctx, e)
	}
	return ctx, e, hooks
}
