package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/device"
	"github.com/foliohq/folio/internal/folio"
)

// ErrSuspended answers a sign-in to a suspended account (403). Every way of
// signing in (password, passkey, single sign-on) must check Active before
// it opens a session; the database refuses a session for a suspended
// account anyway (migration 20261125000020), as a backstop.
var ErrSuspended = &folio.Error{Code: folio.EFORBIDDEN,
	Message: "This account is suspended. Contact the administrators of this Folio to find out why."}

// Active returns ErrSuspended when u may not sign in, nil otherwise.
func Active(u *folio.User) error {
	if !u.SuspendedAt.IsZero() {
		return ErrSuspended
	}
	return nil
}

// SessionSeenEvery bounds the writes that the sessions list's "last seen"
// costs: a session's is moved at most once a minute, however busy it is.
const SessionSeenEvery = time.Minute

// SessionTracker records the use of sessions (internal/postgres/sessionstore).
type SessionTracker interface {
	// TouchSession sets the session's last use to now and its device to
	// the given summary; an unknown session is not an error.
	TouchSession(ctx context.Context, hash []byte, device string) error
}

// trackSession records a use of sess when its last one is older than
// SessionSeenEvery, with the device of the request in ctx.
func (s *Service) trackSession(ctx context.Context, sess *folio.Session, now time.Time) error {
	if s.Sessions == nil || now.Sub(sess.LastSeenAt) < SessionSeenEvery {
		return nil
	}
	if err := s.Sessions.TouchSession(ctx, sess.TokenHash, device.Describe(device.FromContext(ctx))); err != nil {
		return err
	}
	sess.LastSeenAt = now
	return nil
}

// failedLogin records a refused sign-in and returns refusal. userID 0 is an
// email no account has: the entry names nobody and keeps no email.
func (s *Service) failedLogin(ctx context.Context, userID int64, reason string, refusal error) error {
	err := audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: audit.LoginFailed, Detail: map[string]string{"reason": reason}})
	if err != nil {
		return err
	}
	return refusal
}

func tokenDetail(t *folio.APIToken) map[string]string {
	return map[string]string{"token_id": strconv.FormatInt(t.ID, 10), "name": t.Name}
}

// Logout ends the caller's session, when the caller is one (an API token
// is not ended by logging out; it is revoked).
func (s *Service) Logout(ctx context.Context, caller *Identity) error {
	if caller.Session == nil {
		return nil
	}
	if err := s.Credentials.DeleteSession(ctx, caller.Session.TokenHash); err != nil {
		return err
	}
	return audit.Record(ctx, s.Audit, audit.Event{UserID: caller.User.ID, Kind: audit.Logout})
}

// RevokeAPIToken revokes the token id of userID; ENOTFOUND unless it is
// theirs.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	if err := s.Credentials.DeleteAPIToken(ctx, userID, id); err != nil {
		return err
	}
	return audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: audit.TokenRevoked,
		Detail: map[string]string{"token_id": strconv.FormatInt(id, 10)}})
}
