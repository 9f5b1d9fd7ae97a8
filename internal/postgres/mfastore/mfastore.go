// Package mfastore keeps the second factors (internal/mfa) in PostgreSQL:
// TOTP secrets (sealed), recovery codes (hashed), passkeys, the pending
// logins and passkey ceremonies, and sessions' last authentication.
package mfastore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/postgres/appsecret"
)

// Store implements mfa.Store.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ mfa.Store = (*Store)(nil)

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return folio.Errorf(folio.ENOTFOUND, "%s not found.", what)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// TOTP implements mfa.Store.
func (s *Store) TOTP(ctx context.Context, userID int64) (*mfa.TOTP, error) {
	t := &mfa.TOTP{UserID: userID}
	var enabled sql.NullTime
	err := s.db.NewRaw(`SELECT sealed, enabled_at, last_step FROM totp_secrets WHERE user_id = ?`, userID).
		Scan(ctx, &t.Sealed, &enabled, &t.LastStep)
	if err != nil {
		return nil, fmt.Errorf("mfastore: totp: %w", notFound(err, "TOTP secret"))
	}
	t.EnabledAt = enabled.Time
	return t, nil
}

// SaveTOTPEnrolment implements mfa.Store.
func (s *Store) SaveTOTPEnrolment(ctx context.Context, userID int64, sealed []byte) error {
	res, err := s.db.NewRaw(`INSERT INTO totp_secrets (user_id, sealed) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET sealed = excluded.sealed, created_at = now(), last_step = 0
		WHERE totp_secrets.enabled_at IS NULL`, userID, sealed).Exec(ctx)
	if err != nil {
		return fmt.Errorf("mfastore: save totp enrolment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ECONFLICT, "Two-factor authentication is on already.")
	}
	return nil
}

// EnableTOTP implements mfa.Store.
func (s *Store) EnableTOTP(ctx context.Context, userID, step int64, codeHashes [][]byte) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewRaw(`UPDATE totp_secrets SET enabled_at = now(), last_step = ?
			WHERE user_id = ? AND enabled_at IS NULL`, step, userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("mfastore: enable totp: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return folio.Errorf(folio.ECONFLICT, "Two-factor authentication is on already.")
		}
		return replaceCodes(ctx, tx, userID, codeHashes)
	})
}

func replaceCodes(ctx context.Context, db bun.IDB, userID int64, codeHashes [][]byte) error {
	if _, err := db.NewRaw(`DELETE FROM recovery_codes WHERE user_id = ?`, userID).Exec(ctx); err != nil {
		return fmt.Errorf("mfastore: delete recovery codes: %w", err)
	}
	for _, h := range codeHashes {
		if _, err := db.NewRaw(`INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h).Exec(ctx); err != nil {
			return fmt.Errorf("mfastore: insert recovery code: %w", err)
		}
	}
	return nil
}

// UseTOTPStep implements mfa.Store.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.db.NewRaw(`UPDATE totp_secrets SET last_step = ?
		WHERE user_id = ? AND enabled_at IS NOT NULL AND last_step < ?`, step, userID, step).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("mfastore: use totp step: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DisableTOTP implements mfa.Store.
func (s *Store) DisableTOTP(ctx context.Context, userID int64) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`DELETE FROM totp_secrets WHERE user_id = ?`, userID).Exec(ctx); err != nil {
			return fmt.Errorf("mfastore: disable totp: %w", err)
		}
		if _, err := tx.NewRaw(`DELETE FROM recovery_codes WHERE user_id = ?`, userID).Exec(ctx); err != nil {
			return fmt.Errorf("mfastore: delete recovery codes: %w", err)
		}
		return nil
	})
}

// ReplaceRecoveryCodes implements mfa.Store.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, codeHashes [][]byte) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return replaceCodes(ctx, tx, userID, codeHashes)
	})
}

// UseRecoveryCode implements mfa.Store.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, codeHash []byte) (bool, error) {
	res, err := s.db.NewRaw(`UPDATE recovery_codes SET used_at = now()
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, userID, codeHash).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("mfastore: use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecoveryCodesLeft implements mfa.Store.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.NewRaw(`SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("mfastore: recovery codes left: %w", err)
	}
	return n, nil
}

// CreateChallenge implements mfa.Store.
func (s *Store) CreateChallenge(ctx context.Context, c *mfa.Challenge) error {
	var user, data any
	if c.UserID != 0 {
		user = c.UserID
	}
	if c.Data != nil {
		data = string(c.Data)
	}
	if _, err := s.db.NewRaw(`INSERT INTO auth_challenges (token_hash, kind, user_id, data, expires_at) VALUES (?, ?, ?, ?::jsonb, ?)`,
		c.TokenHash, c.Kind, user, data, c.ExpiresAt).Exec(ctx); err != nil {
		return fmt.Errorf("mfastore: create challenge: %w", err)
	}
	// Abandoned logins and ceremonies go a few at a time, so the table
	// does not grow with every one (nor any insert wait on a big delete).
	if _, err := s.db.NewRaw(`DELETE FROM auth_challenges WHERE token_hash IN (
		SELECT token_hash FROM auth_challenges WHERE expires_at < now() LIMIT 100)`).Exec(ctx); err != nil {
		return fmt.Errorf("mfastore: prune challenges: %w", err)
	}
	return nil
}

const challengeColumns = `token_hash, kind, coalesce(user_id, 0), coalesce(data::text, ''), failures, expires_at`

func scanChallenge(ctx context.Context, q *bun.RawQuery) (*mfa.Challenge, error) {
	c := new(mfa.Challenge)
	var data string
	if err := q.Scan(ctx, &c.TokenHash, &c.Kind, &c.UserID, &data, &c.Failures, &c.ExpiresAt); err != nil {
		return nil, notFound(err, "Challenge")
	}
	if data != "" {
		c.Data = []byte(data)
	}
	return c, nil
}

// Challenge implements mfa.Store.
func (s *Store) Challenge(ctx context.Context, hash []byte, kind string) (*mfa.Challenge, error) {
	c, err := scanChallenge(ctx, s.db.NewRaw(`SELECT `+challengeColumns+` FROM auth_challenges
		WHERE token_hash = ? AND kind = ? AND expires_at > now()`, hash, kind))
	if err != nil {
		return nil, fmt.Errorf("mfastore: challenge: %w", err)
	}
	return c, nil
}

// TakeChallenge implements mfa.Store.
func (s *Store) TakeChallenge(ctx context.Context, hash []byte, kind string) (*mfa.Challenge, error) {
	c, err := scanChallenge(ctx, s.db.NewRaw(`DELETE FROM auth_challenges
		WHERE token_hash = ? AND kind = ? AND expires_at > now() RETURNING `+challengeColumns, hash, kind))
	if err != nil {
		return nil, fmt.Errorf("mfastore: take challenge: %w", err)
	}
	return c, nil
}

// FailChallenge implements mfa.Store.
func (s *Store) FailChallenge(ctx context.Context, hash []byte, max int) (int, error) {
	var n int
	err := s.db.NewRaw(`UPDATE auth_challenges SET failures = failures + 1 WHERE token_hash = ? RETURNING failures`, hash).Scan(ctx, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return max, nil
	} else if err != nil {
		return 0, fmt.Errorf("mfastore: fail challenge: %w", err)
	}
	if n >= max {
		if _, err := s.db.NewRaw(`DELETE FROM auth_challenges WHERE token_hash = ?`, hash).Exec(ctx); err != nil {
			return 0, fmt.Errorf("mfastore: end challenge: %w", err)
		}
	}
	return n, nil
}

// WebAuthnHandle implements mfa.Store.
func (s *Store) WebAuthnHandle(ctx context.Context, userID int64) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := s.db.NewRaw(`INSERT INTO webauthn_users (user_id, handle) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, fresh).Exec(ctx); err != nil {
		return nil, fmt.Errorf("mfastore: webauthn handle: %w", err)
	}
	var handle []byte
	if err := s.db.NewRaw(`SELECT handle FROM webauthn_users WHERE user_id = ?`, userID).Scan(ctx, &handle); err != nil {
		return nil, fmt.Errorf("mfastore: webauthn handle: %w", err)
	}
	return handle, nil
}

// UserByWebAuthnHandle implements mfa.Store.
func (s *Store) UserByWebAuthnHandle(ctx context.Context, handle []byte) (int64, error) {
	var id int64
	if err := s.db.NewRaw(`SELECT user_id FROM webauthn_users WHERE handle = ?`, handle).Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("mfastore: user by webauthn handle: %w", notFound(err, "User"))
	}
	return id, nil
}

type passkeyRow struct {
	bun.BaseModel `bun:"table:webauthn_credentials"`

	ID           int64      `bun:"id,pk,autoincrement"`
	UserID       int64      `bun:"user_id"`
	CredentialID []byte     `bun:"credential_id"`
	Name         string     `bun:"name"`
	Data         string     `bun:"data"`
	CreatedAt    time.Time  `bun:"created_at,nullzero,default:now()"`
	LastUsedAt   *time.Time `bun:"last_used_at"`
}

func (r *passkeyRow) passkey() *mfa.Passkey {
	return &mfa.Passkey{ID: r.ID, UserID: r.UserID, CredentialID: r.CredentialID, Name: r.Name, Data: []byte(r.Data),
		CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
}

// Passkeys implements mfa.Store; they are bounded by mfa.MaxPasskeys.
func (s *Store) Passkeys(ctx context.Context, userID int64) ([]*mfa.Passkey, error) {
	var rows []passkeyRow
	if err := s.db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("id").Limit(100).Scan(ctx); err != nil {
		return nil, fmt.Errorf("mfastore: passkeys: %w", err)
	}
	out := make([]*mfa.Passkey, len(rows))
	for i := range rows {
		out[i] = rows[i].passkey()
	}
	return out, nil
}

// AddPasskey implements mfa.Store.
func (s *Store) AddPasskey(ctx context.Context, p *mfa.Passkey) error {
	// data is the record's JSON text, cast: a Go string would be stored
	// as a JSON string.
	err := s.db.NewRaw(`INSERT INTO webauthn_credentials (user_id, credential_id, name, data) VALUES (?, ?, ?, ?::jsonb)
		RETURNING id, created_at`, p.UserID, p.CredentialID, p.Name, string(p.Data)).Scan(ctx, &p.ID, &p.CreatedAt)
	if isUniqueViolation(err) {
		return folio.Errorf(folio.ECONFLICT, "This passkey is registered already.")
	} else if err != nil {
		return fmt.Errorf("mfastore: add passkey: %w", err)
	}
	return nil
}

// RenamePasskey implements mfa.Store.
func (s *Store) RenamePasskey(ctx context.Context, userID, id int64, name string) error {
	res, err := s.db.NewRaw(`UPDATE webauthn_credentials SET name = ? WHERE id = ? AND user_id = ?`, name, id, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("mfastore: rename passkey: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "Passkey not found.")
	}
	return nil
}

// DeletePasskey implements mfa.Store.
func (s *Store) DeletePasskey(ctx context.Context, userID, id int64) error {
	res, err := s.db.NewRaw(`DELETE FROM webauthn_credentials WHERE id = ? AND user_id = ?`, id, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("mfastore: delete passkey: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "Passkey not found.")
	}
	return nil
}

// PasskeyUsed implements mfa.Store.
func (s *Store) PasskeyUsed(ctx context.Context, id int64, data []byte) error {
	if _, err := s.db.NewRaw(`UPDATE webauthn_credentials SET data = ?::jsonb, last_used_at = now() WHERE id = ?`, string(data), id).Exec(ctx); err != nil {
		return fmt.Errorf("mfastore: passkey used: %w", err)
	}
	return nil
}

// MarkAuthenticated implements mfa.Store.
func (s *Store) MarkAuthenticated(ctx context.Context, sessionHash []byte) error {
	if _, err := s.db.NewRaw(`UPDATE sessions SET authenticated_at = now() WHERE token_hash = ?`, sessionHash).Exec(ctx); err != nil {
		return fmt.Errorf("mfastore: mark authenticated: %w", err)
	}
	return nil
}

// Secret implements mfa.Store (the same table as the notification key).
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	return appsecret.Get(ctx, s.db, name)
}
