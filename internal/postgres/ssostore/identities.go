// Package ssostore keeps single sign-on's identities and flows in
// progress (sso.Store) and invitations (invite.Store) in PostgreSQL.
package ssostore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/sso"
)

// Store implements sso.Store and invite.Store.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var (
	_ sso.Store    = (*Store)(nil)
	_ invite.Store = (*Store)(nil)
)

// maxIdentities bounds a listing (one per provider in practice).
const maxIdentities = 20

type identityRow struct {
	bun.BaseModel `bun:"table:identities"`

	ID          int64      `bun:"id,pk,autoincrement"`
	UserID      int64      `bun:"user_id"`
	Provider    string     `bun:"provider"`
	Subject     string     `bun:"subject"`
	Email       string     `bun:"email"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()"`
	LastLoginAt *time.Time `bun:"last_login_at"`
}

func (r *identityRow) identity() *sso.Identity {
	return &sso.Identity{ID: r.ID, UserID: r.UserID, Provider: r.Provider, Subject: r.Subject, Email: r.Email,
		CreatedAt: r.CreatedAt, LastLoginAt: r.LastLoginAt}
}

func isUnique(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return folio.Errorf(folio.ENOTFOUND, "%s", msg)
	}
	return err
}

// IdentityBySubject implements sso.Store.
func (s *Store) IdentityBySubject(ctx context.Context, provider, subject string) (*sso.Identity, error) {
	row := new(identityRow)
	err := s.db.NewSelect().Model(row).Where("provider = ? AND subject = ?", provider, subject).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("ssostore: identity: %w", notFound(err, "No such identity."))
	}
	return row.identity(), nil
}

// CreateIdentity implements sso.Store.
func (s *Store) CreateIdentity(ctx context.Context, id *sso.Identity) error {
	row := &identityRow{UserID: id.UserID, Provider: id.Provider, Subject: id.Subject, Email: id.Email, LastLoginAt: id.LastLoginAt}
	if _, err := s.db.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
		if isUnique(err) {
			return folio.Errorf(folio.ECONFLICT, "This identity is connected already.")
		}
		return fmt.Errorf("ssostore: create identity: %w", err)
	}
	*id = *row.identity()
	return nil
}

// TouchIdentity implements sso.Store.
func (s *Store) TouchIdentity(ctx context.Context, id int64, email string) error {
	_, err := s.db.NewRaw(`UPDATE identities SET last_login_at = now(), email = left(?, 254) WHERE id = ?`, email, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("ssostore: touch identity: %w", err)
	}
	return nil
}

// Identities implements sso.Store.
func (s *Store) Identities(ctx context.Context, userID int64) ([]*sso.Identity, error) {
	var rows []identityRow
	if err := s.db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("id").Limit(maxIdentities).Scan(ctx); err != nil {
		return nil, fmt.Errorf("ssostore: identities: %w", err)
	}
	out := make([]*sso.Identity, len(rows))
	for i := range rows {
		out[i] = rows[i].identity()
	}
	return out, nil
}

// DeleteIdentity implements sso.Store.
func (s *Store) DeleteIdentity(ctx context.Context, userID, id int64) error {
	res, err := s.db.NewRaw(`DELETE FROM identities WHERE id = ? AND user_id = ?`, id, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("ssostore: delete identity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "No such connected account.")
	}
	return nil
}

type flowRow struct {
	bun.BaseModel `bun:"table:sso_flows"`

	StateHash []byte    `bun:"state_hash,pk"`
	Provider  string    `bun:"provider"`
	Nonce     string    `bun:"nonce"`
	Verifier  string    `bun:"verifier"`
	UserID    *int64    `bun:"user_id"`
	Invite    string    `bun:"invite"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// PutFlow implements sso.Store. Expired flows are removed on the way, so
// the table holds only the sign-ins of the last few minutes.
func (s *Store) PutFlow(ctx context.Context, f *sso.Flow) error {
	row := &flowRow{StateHash: f.StateHash, Provider: f.Provider, Nonce: f.Nonce, Verifier: f.Verifier, Invite: f.Invite, ExpiresAt: f.ExpiresAt}
	if f.UserID != 0 {
		row.UserID = &f.UserID
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_flows WHERE expires_at < now()`); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(row).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("ssostore: put flow: %w", err)
	}
	return nil
}

// TakeFlow implements sso.Store.
func (s *Store) TakeFlow(ctx context.Context, stateHash []byte) (*sso.Flow, error) {
	row := new(flowRow)
	err := s.db.NewRaw(`DELETE FROM sso_flows WHERE state_hash = ? RETURNING *`, stateHash).Scan(ctx, row)
	if err != nil {
		return nil, fmt.Errorf("ssostore: take flow: %w", notFound(err, "No such sign-in."))
	}
	if !time.Now().Before(row.ExpiresAt) {
		return nil, folio.Errorf(folio.ENOTFOUND, "No such sign-in.")
	}
	f := &sso.Flow{StateHash: row.StateHash, Provider: row.Provider, Nonce: row.Nonce, Verifier: row.Verifier, Invite: row.Invite, ExpiresAt: row.ExpiresAt}
	if row.UserID != nil {
		f.UserID = *row.UserID
	}
	return f, nil
}
