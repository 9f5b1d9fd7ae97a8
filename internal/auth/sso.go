package auth

import (
	"context"
	"errors"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliohq/folio/internal/folio"
)

// noPassword reports whether a bcrypt comparison failed because the
// password is wrong, or because the account has none (an account made by
// single sign-on stores an empty hash, which no password matches).
func noPassword(err error) bool {
	return errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) || errors.Is(err, bcrypt.ErrHashTooShort)
}

// OpenSSOSession opens a browser session for u, who proved who they are
// through single sign-on (whose own audit entry, sso_login, says so). The
// provider checked them, so no second factor is asked. It returns the
// session token, to hand to the client once, and the session.
func (s *Service) OpenSSOSession(ctx context.Context, u *folio.User) (string, *folio.Session, error) {
	return s.openSession(ctx, u.ID)
}
