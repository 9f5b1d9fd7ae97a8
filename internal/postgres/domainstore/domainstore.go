// Package domainstore keeps owners' custom domains in PostgreSQL. Every
// method but VerifiedDomain scopes by owner: another owner's domain is
// ENOTFOUND, as everywhere.
package domainstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
)

// Store implements customdomain.Store.
type Store struct{ db bun.IDB }

// New returns a Store on db.
func New(db bun.IDB) *Store { return &Store{db: db} }

var _ customdomain.Store = (*Store)(nil)

type row struct {
	bun.BaseModel `bun:"table:custom_domains"`

	ID            int64      `bun:"id,pk,autoincrement"`
	OwnerID       int64      `bun:"owner_id"`
	Domain        string     `bun:"domain"`
	Token         string     `bun:"token"`
	VerifiedAt    *time.Time `bun:"verified_at"`
	LastCheckedAt *time.Time `bun:"last_checked_at"`
	LastError     string     `bun:"last_error"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:now()"`
}

func (r *row) domain() *customdomain.Domain {
	return &customdomain.Domain{ID: r.ID, OwnerID: r.OwnerID, Name: r.Domain, Token: r.Token, VerifiedAt: r.VerifiedAt,
		LastCheckedAt: r.LastCheckedAt, LastError: r.LastError, CreatedAt: r.CreatedAt}
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return customdomain.NotFound()
	}
	return err
}

// Domains lists ownerID's domains, oldest first (at most a few).
func (s *Store) Domains(ctx context.Context, ownerID int64) ([]*customdomain.Domain, error) {
	var rows []row
	if err := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id").Limit(100).Scan(ctx); err != nil {
		return nil, fmt.Errorf("custom domains: %w", err)
	}
	out := make([]*customdomain.Domain, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// Domain returns ownerID's domain id.
func (s *Store) Domain(ctx context.Context, ownerID, id int64) (*customdomain.Domain, error) {
	var r row
	err := s.db.NewSelect().Model(&r).Where("id = ? AND owner_id = ?", id, ownerID).Scan(ctx)
	if err != nil {
		return nil, notFound(err)
	}
	return r.domain(), nil
}

// Add attaches d unless its name is taken or the owner has limit domains.
// The owner's row is locked first, so two adds at once count each other.
func (s *Store) Add(ctx context.Context, d *customdomain.Domain, limit int) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`SELECT id FROM users WHERE id = ? FOR UPDATE`, d.OwnerID).Exec(ctx); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*row)(nil)).Where("owner_id = ?", d.OwnerID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= int64(limit) {
			return folio.Errorf(folio.ECONFLICT, "You can attach at most %d domains; remove one first.", limit)
		}
		r := row{OwnerID: d.OwnerID, Domain: d.Name, Token: d.Token}
		_, err = tx.NewInsert().Model(&r).Returning("id, created_at").Exec(ctx)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return folio.Errorf(folio.ECONFLICT, "%s is already attached to a portfolio.", d.Name)
		} else if err != nil {
			return fmt.Errorf("add custom domain: %w", err)
		}
		d.ID, d.CreatedAt = r.ID, r.CreatedAt
		return nil
	})
}

// Checked records a check's outcome; a verified domain stays verified.
func (s *Store) Checked(ctx context.Context, ownerID, id int64, verified bool, lastError string) (*customdomain.Domain, error) {
	var r row
	err := s.db.NewRaw(`UPDATE custom_domains SET last_checked_at = now(), last_error = left(?, 300),
		verified_at = CASE WHEN ? THEN coalesce(verified_at, now()) ELSE verified_at END
		WHERE id = ? AND owner_id = ? RETURNING *`, lastError, verified, id, ownerID).Scan(ctx, &r)
	if err != nil {
		return nil, notFound(err)
	}
	return r.domain(), nil
}

// Remove detaches ownerID's domain id.
func (s *Store) Remove(ctx context.Context, ownerID, id int64) (*customdomain.Domain, error) {
	var r row
	if err := s.db.NewRaw(`DELETE FROM custom_domains WHERE id = ? AND owner_id = ? RETURNING *`, id, ownerID).Scan(ctx, &r); err != nil {
		return nil, notFound(err)
	}
	return r.domain(), nil
}

// VerifiedDomain finds a verified domain by name with its owner's handle;
// a suspended owner's domains serve nothing, like their handle.
func (s *Store) VerifiedDomain(ctx context.Context, name string) (customdomain.Route, error) {
	var rt customdomain.Route
	err := s.db.NewRaw(`SELECT d.domain, d.owner_id, u.handle FROM custom_domains d JOIN users u ON u.id = d.owner_id
		WHERE d.domain = ? AND d.verified_at IS NOT NULL AND u.suspended_at IS NULL`, name).Scan(ctx, &rt.Domain, &rt.OwnerID, &rt.Handle)
	if err != nil {
		return customdomain.Route{}, notFound(err)
	}
	return rt, nil
}
