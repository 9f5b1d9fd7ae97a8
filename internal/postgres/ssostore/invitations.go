package ssostore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

type invitationRow struct {
	bun.BaseModel `bun:"table:invitations"`

	ID        int64      `bun:"id,pk,autoincrement"`
	TokenHash []byte     `bun:"token_hash"`
	Email     string     `bun:"email"`
	InvitedBy int64      `bun:"invited_by"`
	CreatedAt time.Time  `bun:"created_at,nullzero,default:now()"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
	UsedBy    *int64     `bun:"used_by"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

func (r *invitationRow) invitation() *invite.Invitation {
	return &invite.Invitation{ID: r.ID, TokenHash: r.TokenHash, Email: r.Email, InvitedBy: r.InvitedBy, CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt, UsedBy: r.UsedBy, RevokedAt: r.RevokedAt}
}

// CreateInvitations implements invite.Store.
func (s *Store) CreateInvitations(ctx context.Context, invs []*invite.Invitation, ns []folio.Notification) error {
	if len(invs) == 0 {
		return nil
	}
	rows := make([]invitationRow, len(invs))
	for i, inv := range invs {
		rows[i] = invitationRow{TokenHash: inv.TokenHash, Email: inv.Email, InvitedBy: inv.InvitedBy, ExpiresAt: inv.ExpiresAt}
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&rows).Returning("*").Exec(ctx); err != nil {
			return err
		}
		_, err := outbox.Add(ctx, tx, ns...)
		return err
	})
	if err != nil {
		return fmt.Errorf("ssostore: create invitations: %w", err)
	}
	for i := range rows {
		*invs[i] = *rows[i].invitation()
	}
	return nil
}

// Invitations implements invite.Store.
func (s *Store) Invitations(ctx context.Context, limit int) ([]*invite.Invitation, error) {
	var rows []invitationRow
	if err := s.db.NewSelect().Model(&rows).Order("created_at DESC", "id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("ssostore: invitations: %w", err)
	}
	out := make([]*invite.Invitation, len(rows))
	for i := range rows {
		out[i] = rows[i].invitation()
	}
	return out, nil
}

// RevokeInvitation implements invite.Store.
func (s *Store) RevokeInvitation(ctx context.Context, id int64) error {
	res, err := s.db.NewRaw(`UPDATE invitations SET revoked_at = now()
		WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("ssostore: revoke invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "No such pending invitation.")
	}
	return nil
}

const pending = `used_at IS NULL AND revoked_at IS NULL AND expires_at > now()`

// InvitationByToken implements invite.Store.
func (s *Store) InvitationByToken(ctx context.Context, hash []byte) (*invite.Invitation, error) {
	row := new(invitationRow)
	if err := s.db.NewSelect().Model(row).Where("token_hash = ? AND "+pending, hash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("ssostore: invitation: %w", notFound(err, "No such invitation."))
	}
	return row.invitation(), nil
}

// ClaimInvitation implements invite.Store.
func (s *Store) ClaimInvitation(ctx context.Context, hash []byte, email string) (*invite.Invitation, error) {
	row := new(invitationRow)
	err := s.db.NewRaw(`UPDATE invitations SET used_at = now()
		WHERE token_hash = ? AND lower(email) = lower(?) AND `+pending+` RETURNING *`, hash, email).Scan(ctx, row)
	if err != nil {
		return nil, fmt.Errorf("ssostore: claim invitation: %w", notFound(err, "No such invitation."))
	}
	return row.invitation(), nil
}

// ReleaseInvitation implements invite.Store.
func (s *Store) ReleaseInvitation(ctx context.Context, id int64) error {
	if _, err := s.db.NewRaw(`UPDATE invitations SET used_at = NULL WHERE id = ? AND used_by IS NULL`, id).Exec(ctx); err != nil {
		return fmt.Errorf("ssostore: release invitation: %w", err)
	}
	return nil
}

// SetInvitationUser implements invite.Store.
func (s *Store) SetInvitationUser(ctx context.Context, id, userID int64) error {
	if _, err := s.db.NewRaw(`UPDATE invitations SET used_by = ? WHERE id = ?`, userID, id).Exec(ctx); err != nil {
		return fmt.Errorf("ssostore: invitation user: %w", err)
	}
	return nil
}

// HasUsers implements invite.Store.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var has bool
	if err := s.db.NewRaw(`SELECT EXISTS (SELECT 1 FROM users)`).Scan(ctx, &has); err != nil {
		return false, fmt.Errorf("ssostore: has users: %w", err)
	}
	return has, nil
}

// firstAccountLock is the advisory lock key that serialises first sign-ups
// ("folio-first-account").
const firstAccountLock = 0x666f6c696f6661

// FirstAccount implements invite.Store. Once the instance has an account
// it answers from one query. Before that, the sign-up that takes a
// transaction advisory lock (released when the transaction ends, however
// it ends) runs create; one that finds the lock taken, in this process or
// another, is answered had = true: it does not wait holding a pooled
// connection (which many at once could exhaust while create needs one),
// and the first account is being made, so it needs an invitation.
func (s *Store) FirstAccount(ctx context.Context, create func() (*folio.User, error)) (*folio.User, bool, error) {
	if has, err := s.HasUsers(ctx); err != nil || has {
		return nil, has, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("ssostore: first account: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // nothing was written; ending it releases the lock
	var locked bool
	if err := tx.NewRaw(`SELECT pg_try_advisory_xact_lock(?)`, firstAccountLock).Scan(ctx, &locked); err != nil {
		return nil, false, fmt.Errorf("ssostore: first account lock: %w", err)
	}
	if !locked {
		return nil, true, nil
	}
	if has, err := s.HasUsers(ctx); err != nil || has {
		return nil, has, err
	}
	u, err := create()
	return u, false, err
}
