package postgres

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// migrationLockKey is the pg_advisory_lock key that serializes migration
// runners ("folio" in ASCII). Every replica that starts with `migrate up`
// waits on it instead of racing to create the same tables.
const migrationLockKey int64 = 0x666f6c696f

// Migrator applies the SQL migrations in a file system to a database.
type Migrator struct {
	db  *bun.DB
	mig *migrate.Migrator
}

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Name    string
	Comment string
	Applied bool
	GroupID int64
}

// NewMigrator reads the *.up.sql / *.down.sql files of files.
func NewMigrator(db *bun.DB, files fs.FS) (*Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return nil, fmt.Errorf("postgres: read migrations: %w", err)
	}
	return &Migrator{db: db, mig: migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))}, nil
}

// Up applies every pending migration and returns their names. It holds a
// PostgreSQL advisory lock for the whole run, so concurrent callers (two
// replicas starting at once) apply each migration exactly once.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	var applied []string
	err := m.locked(ctx, func() error {
		group, err := m.mig.Migrate(ctx)
		if group != nil {
			done := group.Migrations
			if err != nil && len(done) > 0 {
				done = done[:len(done)-1] // the last one is the one that failed
			}
			for _, mg := range done {
				applied = append(applied, mg.Name+"_"+mg.Comment)
			}
		}
		return err
	})
	if err != nil {
		return applied, fmt.Errorf("postgres: migrate up: %w", err)
	}
	return applied, nil
}

// Down rolls back the most recent group of migrations and returns their
// names. Meant for development; production only moves forward.
func (m *Migrator) Down(ctx context.Context) ([]string, error) {
	var rolledBack []string
	err := m.locked(ctx, func() error {
		group, err := m.mig.Rollback(ctx)
		if group != nil {
			for _, mg := range group.Migrations {
				rolledBack = append(rolledBack, mg.Name+"_"+mg.Comment)
			}
		}
		return err
	})
	if err != nil {
		return rolledBack, fmt.Errorf("postgres: migrate down: %w", err)
	}
	return rolledBack, nil
}

// Status lists every known migration in order.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	var out []MigrationStatus
	err := m.locked(ctx, func() error {
		ms, err := m.mig.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		for _, mg := range ms {
			out = append(out, MigrationStatus{Name: mg.Name, Comment: mg.Comment, Applied: mg.IsApplied(), GroupID: mg.GroupID})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: migration status: %w", err)
	}
	return out, nil
}

func (m *Migrator) locked(ctx context.Context, fn func() error) (err error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
		return fmt.Errorf("take lock: %w", err)
	}
	defer func() {
		// A fresh context: the caller's may be cancelled, and a lock left on
		// a pooled connection would block every later runner.
		if _, uerr := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(?)", migrationLockKey); uerr != nil && err == nil {
			err = fmt.Errorf("release lock: %w", uerr)
		}
	}()
	// Creating the bookkeeping tables inside the lock avoids the race in
	// CREATE TABLE IF NOT EXISTS between two first runs.
	if err := m.mig.Init(ctx); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	return fn()
}

// Migrate applies every pending migration of files to db, returning their
// names: the one-call form of NewMigrator and Up.
func Migrate(ctx context.Context, db *bun.DB, files fs.FS) ([]string, error) {
	m, err := NewMigrator(db, files)
	if err != nil {
		return nil, err
	}
	return m.Up(ctx)
}
