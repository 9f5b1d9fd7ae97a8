package auth

import (
	"context"
	"errors"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliohq/folio/internal/folio"
)

// noPassword reports whether a bcrypt comparison failed because the
// password is wrong, or because the account has none (an account made by
// single sign-on stores an empty hash, which no password matches).
func noPassword(err error) bool {
	return errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) || errors.Is(err, bcrypt.ErrHashTooShort)
}

// OpenSession opens a browser session for u, who proved who they are some
// other way than a password (single sign-on). It returns the session
// token, to hand to the client once, and the session.
func (s *Service) OpenSession(ctx context.Context, u *folio.User) (string, *folio.Session, error) {
	token := newToken(sessionPrefix)
	sess := &folio.Session{
		TokenHash: HashToken(token),
		UserID:    u.ID,
		CSRFToken: newToken(""),
		ExpiresAt: time.Now().Add(SessionIdleTTL),
	}
	if err := s.Credentials.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}
