package jobsearch

import (
	"context"
	"fmt"

	"github.com/foliohq/folio/internal/folio"
)

// RotateCalendarFeed implements folio.CalendarFeedService: the new
// token's SHA-256 replaces the old one, so the old URL stops at once.
func (s *Store) RotateCalendarFeed(ctx context.Context, ownerID int64) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	_, err = s.db.NewRaw(`INSERT INTO calendar_feeds (owner_id, token_hash) VALUES (?, ?)
		ON CONFLICT (owner_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = now()`,
		ownerID, hashToken(token)).Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("postgres: rotate calendar feed: %w", err)
	}
	return token, nil
}

// RevokeCalendarFeed implements folio.CalendarFeedService; revoking a
// feed that does not exist is not an error.
func (s *Store) RevokeCalendarFeed(ctx context.Context, ownerID int64) error {
	if _, err := s.db.NewRaw(`DELETE FROM calendar_feeds WHERE owner_id = ?`, ownerID).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: revoke calendar feed: %w", err)
	}
	return nil
}

// CalendarFeedOwner implements folio.CalendarFeedService.
func (s *Store) CalendarFeedOwner(ctx context.Context, token string) (int64, error) {
	if len(token) < 22 || len(token) > maxTokenLength {
		return 0, &folio.Error{Code: folio.ENOTFOUND, Message: msgFeedNotFound}
	}
	var owner int64
	if err := s.db.NewRaw(`SELECT owner_id FROM calendar_feeds WHERE token_hash = ?`, hashToken(token)).Scan(ctx, &owner); err != nil {
		return 0, fmt.Errorf("postgres: calendar feed: %w", notFound(err, msgFeedNotFound))
	}
	return owner, nil
}

// HasCalendarFeed implements folio.CalendarFeedService.
func (s *Store) HasCalendarFeed(ctx context.Context, ownerID int64) (bool, error) {
	var ok bool
	if err := s.db.NewRaw(`SELECT EXISTS (SELECT 1 FROM calendar_feeds WHERE owner_id = ?)`, ownerID).Scan(ctx, &ok); err != nil {
		return false, fmt.Errorf("postgres: calendar feed: %w", err)
	}
	return ok, nil
}
