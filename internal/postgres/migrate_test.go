package postgres_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/migrations"
)

func countMigrationFiles(t *testing.T) int {
	t.Helper()
	ups, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	return len(ups)
}

func TestMigrateUpDownStatus(t *testing.T) {
	db := testenv.EmptyPostgres(t)
	ctx := context.Background()
	m, err := postgres.NewMigrator(db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	want := countMigrationFiles(t)
	applied, err := m.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if len(applied) != want {
		t.Errorf("applied %d migrations, want %d", len(applied), want)
	}
	again, err := m.Up(ctx)
	if err != nil || len(again) != 0 {
		t.Errorf("second up applied %v (err %v), want nothing", again, err)
	}
	status, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if !s.Applied {
			t.Errorf("%s_%s not applied after up", s.Name, s.Comment)
		}
	}
	rolledBack, err := m.Down(ctx)
	if err != nil || len(rolledBack) != want {
		t.Fatalf("down rolled back %v (err %v), want %d", rolledBack, err, want)
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'bun_%'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d application tables left after down", tables)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up after down: %v", err)
	}
}

// Two replicas starting at once each run `migrate up`; the advisory lock
// must make one wait for the other so every migration applies once.
func TestMigrateUpConcurrentRunners(t *testing.T) {
	dsn := testenv.DatabaseURL(t)
	ctx := context.Background()
	const runners = 4
	results := make([][]string, runners)
	errs := make([]error, runners)
	var wg sync.WaitGroup
	for i := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			m, err := postgres.NewMigrator(db, migrations.FS)
			if err != nil {
				errs[i] = err
				return
			}
			results[i], errs[i] = m.Up(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range runners {
		if errs[i] != nil {
			t.Errorf("runner %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	if want := countMigrationFiles(t); total != want {
		t.Errorf("runners applied %d migrations in all, want %d (each exactly once): %v", total, want, results)
	}
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM bun_migrations").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if want := countMigrationFiles(t); rows != want {
		t.Errorf("bun_migrations has %d rows, want %d", rows, want)
	}
}
