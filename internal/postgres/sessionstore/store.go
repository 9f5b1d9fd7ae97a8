// Package sessionstore lists and ends browser sessions for the sessions
// page (internal/sessions), and records their use (auth.SessionTracker).
// Sessions are created and resolved by postgres.CredentialService.
package sessionstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/sessions"
)

// Store implements sessions.Store and auth.SessionTracker.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var (
	_ sessions.Store      = (*Store)(nil)
	_ auth.SessionTracker = (*Store)(nil)
)

// TouchSession implements auth.SessionTracker. The caller bounds how
// often (auth.SessionSeenEvery); the WHERE keeps two replicas that both
// decide to write within the same second from writing twice.
func (s *Store) TouchSession(ctx context.Context, hash []byte, device string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = now(), device = ?
		WHERE token_hash = ? AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 second')`, device, hash)
	if err != nil {
		return fmt.Errorf("sessionstore: touch: %w", err)
	}
	return nil
}

// Sessions implements sessions.Store.
func (s *Store) Sessions(ctx context.Context, userID int64, current []byte, limit int) ([]sessions.Session, error) {
	var rows []struct {
		ID         int64     `bun:"id"`
		Device     string    `bun:"device"`
		CreatedAt  time.Time `bun:"created_at"`
		LastSeenAt time.Time `bun:"last_seen_at,nullzero"`
		ExpiresAt  time.Time `bun:"expires_at"`
		Current    bool      `bun:"current"`
	}
	if current == nil {
		current = []byte{}
	}
	err := s.db.NewRaw(`SELECT id, device, created_at, last_seen_at, expires_at, token_hash = ? AS current
		FROM sessions WHERE user_id = ? AND expires_at > now()
		ORDER BY coalesce(last_seen_at, created_at) DESC, id DESC LIMIT ?`, current, userID, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: sessions of user %d: %w", userID, err)
	}
	out := make([]sessions.Session, len(rows))
	for i, r := range rows {
		out[i] = sessions.Session{ID: r.ID, Device: r.Device, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt, Current: r.Current}
	}
	return out, nil
}

// DeleteSession implements sessions.Store.
func (s *Store) DeleteSession(ctx context.Context, userID, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("sessionstore: delete session %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "Session not found.")
	}
	return nil
}

// DeleteOtherSessions implements sessions.Store.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keep []byte) (int64, error) {
	if keep == nil {
		keep = []byte{}
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("sessionstore: delete sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
