// Package accountstore stores the single-use tokens of the account email
// flows (verification, password reset, email change) and applies them,
// each change in one transaction with the notification it causes.
package accountstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

type tokenRow struct {
	bun.BaseModel `bun:"table:account_tokens"`

	TokenHash []byte     `bun:"token_hash,pk"`
	UserID    int64      `bun:"user_id"`
	Purpose   string     `bun:"purpose"`
	Email     string     `bun:"email"`
	CreatedAt time.Time  `bun:"created_at,nullzero,default:now()"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// Store implements folio.AccountTokenService.
type Store struct {
	db    *bun.DB
	users folio.UserService
}

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db, users: postgres.NewUserService(db)} }

var _ folio.AccountTokenService = (*Store)(nil)

func rowOf(t *folio.AccountToken) *tokenRow {
	return &tokenRow{TokenHash: t.Hash, UserID: t.UserID, Purpose: string(t.Purpose), Email: t.Email, ExpiresAt: t.ExpiresAt}
}

// Issue implements folio.AccountTokenService.
func (s *Store) Issue(ctx context.Context, t *folio.AccountToken, ns ...folio.Notification) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return issue(ctx, tx, t, ns...)
	})
	if err != nil {
		return fmt.Errorf("accountstore: issue: %w", err)
	}
	return nil
}

// purgeAfter is how long a used or expired token is kept (for the rate of
// resends and support questions) before issue removes it.
const purgeAfter = "7 days"

func issue(ctx context.Context, tx bun.Tx, t *folio.AccountToken, ns ...folio.Notification) error {
	if t != nil {
		// Each issue removes the account's old tokens, so that the table
		// holds what the rate limits let through in a week, at most.
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_tokens WHERE user_id = ? AND expires_at < now() - ?::interval`, t.UserID, purgeAfter); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(rowOf(t)).Exec(ctx); err != nil {
			return err
		}
	}
	_, err := outbox.Add(ctx, tx, ns...)
	return err
}

// IssueByEmail implements folio.AccountTokenService. For an unknown email
// it makes the same round trips, in a transaction that commits a write
// too (txid_current assigns a transaction id, so the commit is flushed
// like the token's), so that the answer's timing does not tell whether
// the account exists.
func (s *Store) IssueByEmail(ctx context.Context, email string, build func(u *folio.User) (*folio.AccountToken, folio.Notification)) (bool, error) {
	found := false
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var u folio.User
		err := tx.NewRaw(`SELECT id, email, display_name FROM users WHERE lower(email) = lower(?)`, email).
			Scan(ctx, &u.ID, &u.Email, &u.DisplayName)
		if errors.Is(err, sql.ErrNoRows) {
			// Stand-ins for the purge and the token's and the
			// notification's inserts.
			for _, q := range []string{`SELECT txid_current()`, `SELECT 1`, `SELECT 1`} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		} else if err != nil {
			return err
		}
		found = true
		t, n := build(&u)
		return issue(ctx, tx, t, n)
	})
	if err != nil {
		return false, fmt.Errorf("accountstore: issue by email: %w", err)
	}
	return found, nil
}

// use marks the working token of purpose with hash as used and returns it,
// or folio.ErrBadLink.
func use(ctx context.Context, tx bun.Tx, hash []byte, purpose folio.TokenPurpose) (*tokenRow, error) {
	row := new(tokenRow)
	err := tx.NewRaw(`UPDATE account_tokens SET used_at = now()
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > now()
		RETURNING *`, hash, string(purpose)).Scan(ctx, row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, folio.ErrBadLink
	}
	return row, err
}

// VerifyEmail implements folio.AccountTokenService.
func (s *Store) VerifyEmail(ctx context.Context, hash []byte) (*folio.User, error) {
	var userID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := use(ctx, tx, hash, folio.PurposeVerifyEmail)
		if err != nil {
			return err
		}
		res, err := tx.NewRaw(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now())
			WHERE id = ? AND lower(email) = lower(?)`, t.UserID, t.Email).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// The address changed after the link was sent.
			return folio.ErrBadLink
		}
		userID = t.UserID
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("accountstore: verify email: %w", err)
	}
	return s.users.UserByID(ctx, userID)
}

// ResetPassword implements folio.AccountTokenService.
func (s *Store) ResetPassword(ctx context.Context, hash []byte, passwordHash string, notice func(u *folio.User) folio.Notification) (*folio.User, error) {
	var userID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := use(ctx, tx, hash, folio.PurposePasswordReset)
		if err != nil {
			return err
		}
		userID = t.UserID
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = now() WHERE id = ?`, passwordHash, userID); err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE account_tokens SET used_at = now() WHERE user_id = ? AND used_at IS NULL`,
			`DELETE FROM sessions WHERE user_id = ?`,
			`DELETE FROM api_tokens WHERE user_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		var u folio.User
		if err := tx.NewRaw(`SELECT id, email FROM users WHERE id = ?`, userID).Scan(ctx, &u.ID, &u.Email); err != nil {
			return err
		}
		_, err = outbox.Add(ctx, tx, notice(&u))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accountstore: reset password: %w", err)
	}
	return s.users.UserByID(ctx, userID)
}

// ChangeEmail implements folio.AccountTokenService.
func (s *Store) ChangeEmail(ctx context.Context, hash []byte) (*folio.User, error) {
	var userID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := use(ctx, tx, hash, folio.PurposeEmailChange)
		if err != nil {
			return err
		}
		userID = t.UserID
		_, err = tx.ExecContext(ctx, `UPDATE users SET email = ?, email_verified_at = now(), updated_at = now() WHERE id = ?`, t.Email, t.UserID)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return folio.Errorf(folio.ECONFLICT, "Another account uses this address now.")
		} else if err != nil {
			return err
		}
		// Links sent to the old address (verification, reset) and other
		// pending changes stop working.
		_, err = tx.ExecContext(ctx, `UPDATE account_tokens SET used_at = now() WHERE user_id = ? AND used_at IS NULL`, t.UserID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accountstore: change email: %w", err)
	}
	return s.users.UserByID(ctx, userID)
}

// PendingEmailChange implements folio.AccountTokenService.
func (s *Store) PendingEmailChange(ctx context.Context, userID int64) (string, error) {
	var email string
	err := s.db.NewRaw(`SELECT email FROM account_tokens
		WHERE user_id = ? AND purpose = 'email_change' AND used_at IS NULL AND expires_at > now()
		ORDER BY created_at DESC LIMIT 1`, userID).Scan(ctx, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("accountstore: pending email change: %w", err)
	}
	return email, nil
}
