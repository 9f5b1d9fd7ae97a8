package auth

import (
	"context"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
)

// extendSession slides the idle expiry of sess forward from now, never past
// SessionMaxAge after its login. A session past that age is refused even
// when its row says otherwise (rows written before the cap existed).
func (s *Service) extendSession(ctx context.Context, sess *folio.Session, now time.Time) error {
	last := sess.CreatedAt.Add(SessionMaxAge)
	if !now.Before(last) {
		return errUnauthenticated
	}
	next := now.Add(SessionIdleTTL)
	if next.After(last) {
		next = last
	}
	if next.Sub(sess.ExpiresAt) < sessionExtendEvery {
		return nil
	}
	if err := s.Credentials.ExtendSession(ctx, sess.TokenHash, next); err != nil {
		return err
	}
	sess.ExpiresAt = next
	return nil
}

// ErrWrongPassword answers a password change whose current password is
// wrong. Callers that limit guesses count it as a failed attempt.
var ErrWrongPassword = &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
	Fields: []folio.FieldError{{Field: "current_password", Message: "is not your current password"}}}

// PasswordChange is what a signed-in person gives to change their password.
type PasswordChange struct {
	Current string
	New     string
	// RevokeAPITokens revokes every personal API token as well. Tokens are
	// kept by default: scripts and CI hold them, and the owner can see and
	// revoke each one.
	RevokeAPITokens bool
}

// ChangePassword checks the caller's current password, sets the new one
// and ends every other session of the account; the caller's own session,
// when it is one, stays. Returns ErrWrongPassword when the current password
// is wrong and EINVALID for an unacceptable new one.
func (s *Service) ChangePassword(ctx context.Context, caller *Identity, pc PasswordChange) error {
	if err := folio.ValidatePassword("new_password", pc.New); err != nil {
		return err
	}
	// Fetched again: the identity's copy may predate another change.
	u, err := s.Users.UserByID(ctx, caller.User.ID)
	if err != nil {
		return err
	}
	if err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pc.Current)); err != nil {
		if noPassword(err) {
			return ErrWrongPassword
		}
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pc.New), s.BcryptCost)
	if err != nil {
		return err
	}
	if err := s.Users.SetPasswordHash(ctx, u.ID, string(hash)); err != nil {
		return err
	}
	var keep []byte
	if caller.Session != nil {
		keep = caller.Session.TokenHash
	}
	if err := s.Credentials.DeleteSessions(ctx, u.ID, keep); err != nil {
		return err
	}
	if pc.RevokeAPITokens {
		if err := s.Credentials.DeleteAPITokens(ctx, u.ID); err != nil {
			return err
		}
	}
	return audit.Record(ctx, s.Audit, audit.Event{UserID: u.ID, Kind: audit.PasswordChanged,
		Detail: map[string]string{"api_tokens_revoked": strconv.FormatBool(pc.RevokeAPITokens)}})
}

// LogoutEverywhere ends every session of userID, the caller's included.
// Personal API tokens are not sessions and stay; they are revoked one by one.
func (s *Service) LogoutEverywhere(ctx context.Context, userID int64) error {
	if err := s.Credentials.DeleteSessions(ctx, userID, nil); err != nil {
		return err
	}
	return audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: audit.Logout, Detail: map[string]string{"sessions": "all"}})
}

// DeviceTTL is how long a browser stays a known device after it last
// logged in.
const DeviceTTL = 365 * 24 * time.Hour

// IsKnownDevice reports whether deviceToken (a device cookie) belongs to a
// browser that logged in to the account of email before.
func (s *Service) IsKnownDevice(ctx context.Context, email, deviceToken string) (bool, error) {
	if !strings.HasPrefix(deviceToken, devicePrefix) {
		return false, nil
	}
	d, err := s.Credentials.DeviceByHash(ctx, HashToken(deviceToken))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if time.Since(d.LastLoginAt) > DeviceTTL {
		return false, nil
	}
	u, err := s.Users.UserByEmail(ctx, folio.NormalizeEmail(email))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return u.ID == d.UserID, nil
}

// RememberDevice records a successful login of userID from the browser
// holding deviceToken and returns the device token to keep: the same one
// when it already named this account's device, a new one otherwise.
func (s *Service) RememberDevice(ctx context.Context, userID int64, deviceToken string) (string, error) {
	if strings.HasPrefix(deviceToken, devicePrefix) {
		d, err := s.Credentials.DeviceByHash(ctx, HashToken(deviceToken))
		if err != nil && folio.ErrorCode(err) != folio.ENOTFOUND {
			return "", err
		}
		if err == nil && d.UserID != userID {
			// Another account's device: leave it as it is and give this
			// account its own. One browser holds one device cookie, so the
			// last account to log in there is the one it vouches for.
			deviceToken = ""
		}
	} else {
		deviceToken = ""
	}
	if deviceToken == "" {
		deviceToken = newToken(devicePrefix)
	}
	if err := s.Credentials.RememberDevice(ctx, &folio.KnownDevice{TokenHash: HashToken(deviceToken), UserID: userID}); err != nil {
		return "", err
	}
	return deviceToken, nil
}
