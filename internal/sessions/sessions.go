// Package sessions lists an owner's browser sessions, with the device each
// was last used from and when, and revokes one of them or all the others.
// Every revocation is in the audit log. No IP address is kept: a session
// shows its device summary (internal/device) and its times only.
package sessions

import (
	"context"
	"strconv"
	"time"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
)

// Session is a browser session as its owner sees it.
type Session struct {
	ID int64
	// Device is the browser it was last used from ("Firefox 128 on
	// Linux"); "" until its first use after sign-in.
	Device     string
	CreatedAt  time.Time
	LastSeenAt time.Time // zero until its first use after sign-in
	ExpiresAt  time.Time
	// Current is the session making the request.
	Current bool
}

// MaxListed bounds the list: the most recently used sessions first. Each
// sign-in prunes the account's expired sessions, so an account has this
// many only when someone signs in a great deal.
const MaxListed = 100

// Store keeps sessions (internal/postgres/sessionstore).
type Store interface {
	// Sessions lists userID's unexpired sessions, most recently used first,
	// marking the one whose token hash is current.
	Sessions(ctx context.Context, userID int64, current []byte, limit int) ([]Session, error)
	// DeleteSession ends userID's session id; ENOTFOUND unless it is theirs.
	DeleteSession(ctx context.Context, userID, id int64) error
	// DeleteOtherSessions ends every session of userID but keep's (nil:
	// all) and returns how many it ended.
	DeleteOtherSessions(ctx context.Context, userID int64, keep []byte) (int64, error)
}

// Service lists and revokes sessions.
type Service struct {
	Store Store
	Audit audit.Recorder // nil: nothing recorded
}

// List returns userID's sessions; current is the caller's session token
// hash (nil for an API token), which is marked.
func (s *Service) List(ctx context.Context, userID int64, current []byte) ([]Session, error) {
	return s.Store.Sessions(ctx, userID, current, MaxListed)
}

// Revoke ends userID's session id, which may be the caller's own (that is
// signing out). Returns ENOTFOUND for anybody else's session.
func (s *Service) Revoke(ctx context.Context, userID, id int64) error {
	if id <= 0 {
		return folio.Errorf(folio.ENOTFOUND, "Session not found.")
	}
	if err := s.Store.DeleteSession(ctx, userID, id); err != nil {
		return err
	}
	return audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: audit.SessionRevoked,
		Detail: map[string]string{"session_id": strconv.FormatInt(id, 10)}})
}

// RevokeOthers ends every session of userID but the caller's (current; nil
// ends them all) and returns how many ended.
func (s *Service) RevokeOthers(ctx context.Context, userID int64, current []byte) (int64, error) {
	n, err := s.Store.DeleteOtherSessions(ctx, userID, current)
	if err != nil {
		return 0, err
	}
	return n, audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: audit.SessionRevoked,
		Detail: map[string]string{"sessions": "others", "count": strconv.FormatInt(n, 10)}})
}
