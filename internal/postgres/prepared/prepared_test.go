package prepared_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres/prepared"
	"github.com/foliohq/folio/internal/testenv"
)

type recorder struct {
	n    atomic.Int64
	last atomic.Value
}

func (r *recorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (r *recorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.n.Add(1)
	r.last.Store(e.Query)
}

type item struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
}

// A Query runs with its arguments apart from the text, as a statement
// prepared once per connection: it finds what bun's query would, tells
// no row apart, and its hooks see the query as bun would have written it.
func TestQueryRunsPreparedAndHooksSeeIt(t *testing.T) {
	ctx := context.Background()
	db := testenv.Postgres(t)
	db.DB.SetMaxOpenConns(1) // one connection, which holds the statement
	if _, err := db.ExecContext(ctx, `CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);
		INSERT INTO items VALUES (1, 'one?'), (2, 'two'), (3, 'three')`); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	prepared.AddQueryHook(db, rec)

	// A ? in a literal is not a placeholder.
	byName := prepared.New(`SELECT id, name FROM items WHERE name = ? OR name = 'x?'`)
	var got item
	if err := byName.One(ctx, db, &got, "one?"); err != nil || got != (item{1, "one?"}) {
		t.Fatalf("One: %+v, %v", got, err)
	}
	if err := byName.One(ctx, db, &got, "none"); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("One of no row: %v, want sql.ErrNoRows", err)
	}
	var some []item
	if err := prepared.New(`SELECT id, name FROM items WHERE id = ANY(?) ORDER BY id`).All(ctx, db, &some, []int64{3, 1}); err != nil {
		t.Fatal(err)
	}
	if len(some) != 2 || some[0].Name != "one?" || some[1].Name != "three" {
		t.Fatalf("All: %+v", some)
	}
	if n := rec.n.Load(); n != 3 {
		t.Errorf("the hook saw %d queries, want 3", n)
	}
	if q, _ := rec.last.Load().(string); !strings.Contains(q, "ANY('{3,1}')") {
		t.Errorf("the hook saw %q, want the arguments written in", q)
	}

	// PostgreSQL holds the statement: parsed once, run many times.
	for range 6 {
		if err := byName.One(ctx, db, &got, "two"); err != nil {
			t.Fatal(err)
		}
	}
	var prepares int64
	if err := db.NewRaw(`SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT id, name FROM items WHERE name = $1%'`).Scan(ctx, &prepares); err != nil {
		t.Fatal(err)
	}
	if prepares != 1 {
		t.Errorf("the connection holds %d prepared statements of the query, want 1", prepares)
	}
}

// A migration that changes a column's type makes PostgreSQL refuse a
// statement prepared before ("cached plan must not change result type");
// the query is prepared afresh and answers.
func TestQuerySurvivesAChangedColumn(t *testing.T) {
	ctx := context.Background()
	db := testenv.Postgres(t)
	db.DB.SetMaxOpenConns(1) // one connection, which holds the statement
	if _, err := db.ExecContext(ctx, `CREATE TABLE items (id bigint PRIMARY KEY, name varchar(20) NOT NULL); INSERT INTO items VALUES (1, 'one')`); err != nil {
		t.Fatal(err)
	}
	q := prepared.New(`SELECT * FROM items WHERE id = ?`)
	var got item
	for range 6 {
		if err := q.One(ctx, db, &got, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE items ALTER COLUMN name TYPE text`); err != nil {
		t.Fatal(err)
	}
	if err := q.One(ctx, db, &got, 1); err != nil || got.Name != "one" {
		t.Fatalf("after the migration: %+v, %v", got, err)
	}
}
