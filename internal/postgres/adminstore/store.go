// Package adminstore reads and changes accounts for the administrators
// (internal/admin): the searchable list, suspension and the admin role.
package adminstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/admin"
	"github.com/foliohq/folio/internal/folio"
)

// Store implements admin.Store.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ admin.Store = (*Store)(nil)

type accountRow struct {
	ID              int64     `bun:"id"`
	Email           string    `bun:"email"`
	Handle          string    `bun:"handle"`
	DisplayName     string    `bun:"display_name"`
	IsAdmin         bool      `bun:"is_admin"`
	EmailVerifiedAt time.Time `bun:"email_verified_at,nullzero"`
	SuspendedAt     time.Time `bun:"suspended_at,nullzero"`
	CreatedAt       time.Time `bun:"created_at"`
	Sessions        int       `bun:"sessions"`
	Tokens          int       `bun:"tokens"`
}

func (r *accountRow) account() admin.Account {
	return admin.Account{ID: r.ID, Email: r.Email, Handle: r.Handle, DisplayName: r.DisplayName, IsAdmin: r.IsAdmin,
		EmailVerifiedAt: r.EmailVerifiedAt, SuspendedAt: r.SuspendedAt, CreatedAt: r.CreatedAt, Sessions: r.Sessions, Tokens: r.Tokens}
}

const accountColumns = `u.id, u.email, u.handle, u.display_name, u.is_admin, u.email_verified_at, u.suspended_at, u.created_at,
	(SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > now()) AS sessions,
	(SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id) AS tokens`

// likePattern matches text anywhere, with LIKE's wildcards in it escaped.
func likePattern(text string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(text)) + "%"
}

// Accounts implements admin.Store. A search scans the emails and handles
// in id order from the cursor: an instance has thousands of accounts, not
// millions, and a page stops at its limit.
func (s *Store) Accounts(ctx context.Context, q admin.Query) (admin.Page, error) {
	var rows []accountRow
	sel := s.db.NewSelect().TableExpr("users AS u").ColumnExpr(accountColumns).OrderExpr("u.id DESC").Limit(int64(q.Limit + 1))
	if q.Search != "" {
		p := likePattern(q.Search)
		sel = sel.Where("(lower(u.email) LIKE ? OR lower(u.handle) LIKE ?)", p, p)
	}
	if q.Before > 0 {
		sel = sel.Where("u.id < ?", q.Before)
	}
	if err := sel.Scan(ctx, &rows); err != nil {
		return admin.Page{}, fmt.Errorf("adminstore: accounts: %w", err)
	}
	var p admin.Page
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		p.Next = rows[len(rows)-1].ID
	}
	p.Accounts = make([]admin.Account, len(rows))
	for i := range rows {
		p.Accounts[i] = rows[i].account()
	}
	return p, nil
}

var errNotFound = folio.Errorf(folio.ENOTFOUND, "Account not found.")

func account(ctx context.Context, db bun.IDB, id int64) (*admin.Account, error) {
	var r accountRow
	if err := db.NewSelect().TableExpr("users AS u").ColumnExpr(accountColumns).Where("u.id = ?", id).Scan(ctx, &r); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, fmt.Errorf("adminstore: account %d: %w", id, err)
	}
	a := r.account()
	return &a, nil
}

// Account implements admin.Store.
func (s *Store) Account(ctx context.Context, id int64) (*admin.Account, error) {
	return account(ctx, s.db, id)
}

// SetSuspended implements admin.Store. The user row is updated first: its
// lock makes a sign-in in progress finish before the DELETEs look (see
// folio_refuse_suspended in migration 20261125000020), so no session
// outlives the suspension.
func (s *Store) SetSuspended(ctx context.Context, id int64, suspended bool) (*admin.Account, error) {
	var out *admin.Account
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		set := "suspended_at = NULL"
		if suspended {
			set = "suspended_at = coalesce(suspended_at, now())"
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET "+set+", updated_at = now() WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		if suspended {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		out, err = account(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("adminstore: suspend %d: %w", id, err)
	}
	return out, nil
}

// SetAdmin implements admin.Store. Every administrator's row is locked
// before the count, so two revocations at once are decided one after the
// other and the second sees the first.
func (s *Store) SetAdmin(ctx context.Context, id int64, isAdmin bool) (*admin.Account, error) {
	var out *admin.Account
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if !isAdmin {
			var admins []int64
			if err := tx.NewRaw("SELECT id FROM users WHERE is_admin ORDER BY id FOR UPDATE").Scan(ctx, &admins); err != nil {
				return err
			}
			if len(admins) == 1 && admins[0] == id {
				return folio.Errorf(folio.ECONFLICT, "This is the last administrator: grant the role to someone else first.")
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET is_admin = ?, updated_at = now() WHERE id = ?", isAdmin, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		out, err = account(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("adminstore: set admin %d: %w", id, err)
	}
	return out, nil
}
