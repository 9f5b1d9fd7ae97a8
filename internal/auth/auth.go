// Package auth registers and logs in users, and resolves session and API
// tokens to users. Passwords are hashed with bcrypt; tokens are random and
// only their SHA-256 is stored.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
)

// DefaultBcryptCost is the work factor for new password hashes (about a
// quarter second on a current core).
const DefaultBcryptCost = 12

// Session lifetimes. A session ends after SessionIdleTTL without use, and
// SessionMaxAge after its login however much it is used: a cookie left on
// a shared computer or copied by malware stops working two weeks after its
// owner's last visit, and none lives longer than a month. Someone who uses
// Folio every week logs in about once a month.
const (
	SessionIdleTTL = 14 * 24 * time.Hour
	SessionMaxAge  = 30 * 24 * time.Hour
	// sessionExtendEvery bounds the writes a busy session causes: its
	// expiry moves at most once an hour.
	sessionExtendEvery = time.Hour
)

// Token prefixes tell a person (and secret scanners) what a token is.
const (
	sessionPrefix = "fs_"
	apiPrefix     = "fpat_"
	devicePrefix  = "fd_"
)

// Service implements registration, login and token resolution.
type Service struct {
	Users       folio.UserService
	Credentials folio.CredentialService
	BcryptCost  int
	// Registered, when set, is called with each account SignUp makes (not
	// those of Register alone, which the operator's tools use): the
	// account flows send the verification link from here.
	Registered func(ctx context.Context, u *folio.User) error
	// Taken, when set, is called with the address of a sign-up that an
	// account has already: its owner is told, by mail, since the answer
	// to the sign-up cannot say so.
	Taken func(ctx context.Context, email string) error
	// SecondFactor, when set, holds back the session of a login whose
	// account has two-factor authentication on (internal/mfa).
	SecondFactor SecondFactor
	// PasswordLogin, when set, may refuse a password sign-in its password
	// allowed (registration mode sso: see internal/invite).
	PasswordLogin func(ctx context.Context, u *folio.User) error
	// Audit records sign-ins, failed ones, sign-outs, password changes and
	// token changes; nil records nothing.
	Audit audit.Recorder
	// Sessions, when set, records when and from which device each session
	// was last used (see SessionSeenEvery), for the sessions list.
	Sessions SessionTracker

	// dummyHash is compared against when the email is unknown, so that an
	// unknown email costs the same time as a wrong password.
	dummyHash []byte
}

// New returns a Service; cost below bcrypt.MinCost means DefaultBcryptCost.
func New(users folio.UserService, creds folio.CredentialService, cost int) *Service {
	if cost < bcrypt.MinCost {
		cost = DefaultBcryptCost
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("folio-timing-equalizer"), cost)
	return &Service{Users: users, Credentials: creds, BcryptCost: cost, dummyHash: dummy}
}

// Register validates r and creates the user. Returns ECONFLICT naming the
// field when the email or handle is taken; see SignUp for the public form.
func (s *Service) Register(ctx context.Context, r folio.Registration) (*folio.User, error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(r.Password), s.BcryptCost)
	if err != nil {
		return nil, err
	}
	u := &folio.User{Email: r.Email, PasswordHash: string(hash), Profile: folio.Profile{Handle: r.Handle, DisplayName: r.DisplayName}}
	if r.Verified {
		u.EmailVerifiedAt = time.Now()
	}
	if err := s.Users.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// SignUp is registration as strangers see it: an email that already has
// an account gets the same answer as a new one, after the same bcrypt work,
// so that the form does not tell who has an account here. It returns the
// new user, or nil and no error when the email was taken; the caller must
// answer both alike and must not log anybody in. A taken handle is still
// ECONFLICT: handles are public, and every portfolio shows its own.
func (s *Service) SignUp(ctx context.Context, r folio.Registration) (*folio.User, error) {
	r.Verified = false
	u, err := s.Register(ctx, r)
	if err == nil && s.Registered != nil {
		// The account exists either way; without the link its owner
		// resends it from the dashboard.
		return u, s.Registered(ctx, u)
	}
	if !conflictOn(err, "email") {
		return u, err
	}
	// With a new email this registration would have failed on the handle:
	// answer that here too, or a taken handle would reveal the email.
	if _, err := s.Users.UserByHandle(ctx, folio.NormalizeHandle(r.Handle)); err == nil {
		return nil, &folio.Error{Code: folio.ECONFLICT, Message: "This handle is taken.",
			Fields: []folio.FieldError{{Field: "handle", Message: "This handle is taken."}}}
	} else if folio.ErrorCode(err) != folio.ENOTFOUND {
		return nil, err
	}
	if s.Taken != nil {
		return nil, s.Taken(ctx, folio.NormalizeEmail(r.Email))
	}
	return nil, nil
}

// conflictOn reports whether err is ECONFLICT on field.
func conflictOn(err error, field string) bool {
	var e *folio.Error
	if !errors.As(err, &e) || e.Code != folio.ECONFLICT {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// errBadCredentials is the one answer to an unknown email and a wrong
// password alike.
var errBadCredentials = &folio.Error{Code: folio.EUNAUTHORIZED, Message: "The email or password is incorrect."}

// Login checks the password and opens a session. It returns the session
// token (to hand to the client once) and the session. A suspended account
// gets ErrSuspended, and only with the right password. When the account
// needs a second factor it opens none and returns the user with a
// *SecondFactorRequired error, which names the pending login. Every
// outcome but a database error is in the audit log.
func (s *Service) Login(ctx context.Context, email, password string) (string, *folio.Session, *folio.User, error) {
	u, err := s.Users.UserByEmail(ctx, folio.NormalizeEmail(email))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return "", nil, nil, s.failedLogin(ctx, 0, "unknown_account", errBadCredentials)
	} else if err != nil {
		return "", nil, nil, err
	}
	// bcrypt compares in constant time.
	if err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)); err != nil {
		if noPassword(err) {
			return "", nil, nil, s.failedLogin(ctx, u.ID, "wrong_password", errBadCredentials)
		}
		return "", nil, nil, err
	}
	if err := Active(u); err != nil {
		return "", nil, nil, s.failedLogin(ctx, u.ID, "suspended", err)
	}
	if s.PasswordLogin != nil {
		if err := s.PasswordLogin(ctx, u); err != nil {
			return "", nil, nil, s.failedLogin(ctx, u.ID, "sso_only", err)
		}
	}
	if s.SecondFactor != nil {
		pending, err := s.SecondFactor.BeginSecondFactor(ctx, u.ID)
		if err != nil {
			return "", nil, nil, err
		} else if pending != nil {
			return "", nil, u, pending
		}
	}
	token, sess, err := s.OpenSession(ctx, u.ID, "password")
	if err != nil {
		return "", nil, nil, err
	}
	return token, sess, u, nil
}

// OpenSession starts a session of userID, whose owner has just proved who
// they are by method (password, totp, recovery_code, passkey: it goes in
// the audit log), and returns its token (to hand to the client once).
func (s *Service) OpenSession(ctx context.Context, userID int64, method string) (string, *folio.Session, error) {
	token, sess, err := s.openSession(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if err := audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: audit.Login, Detail: map[string]string{"method": method}}); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

func (s *Service) openSession(ctx context.Context, userID int64) (string, *folio.Session, error) {
	token := newToken(sessionPrefix)
	sess := &folio.Session{
		TokenHash: HashToken(token),
		UserID:    userID,
		CSRFToken: newToken(""),
		ExpiresAt: time.Now().Add(SessionIdleTTL),
	}
	if err := s.Credentials.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// CreateAPIToken makes a personal token for the caller and returns its
// secret, which is never retrievable again. The caller may grant only
// scopes it holds (EFORBIDDEN otherwise).
func (s *Service) CreateAPIToken(ctx context.Context, caller *Identity, name string, scopes []string) (string, *folio.APIToken, error) {
	name = strings.TrimSpace(name)
	scopes = slices.Compact(slices.Sorted(slices.Values(scopes)))
	if err := folio.ValidateToken(name, scopes); err != nil {
		return "", nil, err
	}
	for _, sc := range scopes {
		if !caller.HasScope(sc) {
			return "", nil, folio.Errorf(folio.EFORBIDDEN, "A token cannot grant the scope %q, which it does not hold.", sc)
		}
	}
	secret := newToken(apiPrefix)
	t := &folio.APIToken{UserID: caller.User.ID, Name: name, TokenHash: HashToken(secret), Scopes: scopes}
	if err := s.Credentials.CreateAPIToken(ctx, t); err != nil {
		return "", nil, err
	}
	if err := audit.Record(ctx, s.Audit, audit.Event{UserID: t.UserID, Kind: audit.TokenCreated, Detail: tokenDetail(t)}); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Identity is who a request acts as.
type Identity struct {
	User *folio.User
	// Session is set when the token is a browser session; nil for API tokens.
	Session *folio.Session
	// Token is set when the token is a personal API token.
	Token *folio.APIToken
}

// HasScope reports whether the caller may do what scope guards: a browser
// session may do everything, an API token what it was given.
func (id *Identity) HasScope(scope string) bool {
	return id.Session != nil || (id.Token != nil && id.Token.HasScope(scope))
}

var errUnauthenticated = &folio.Error{Code: folio.EUNAUTHORIZED, Message: "Log in, or send a valid bearer token."}

// Resolve returns the identity of a session or API token, or EUNAUTHORIZED.
func (s *Service) Resolve(ctx context.Context, token string) (*Identity, error) {
	var userID int64
	id := &Identity{}
	switch {
	case strings.HasPrefix(token, sessionPrefix):
		sess, err := s.Credentials.SessionByHash(ctx, HashToken(token))
		if err != nil {
			return nil, unauthenticated(err)
		}
		if err := s.extendSession(ctx, sess, time.Now()); err != nil {
			return nil, err
		}
		if err := s.trackSession(ctx, sess, time.Now()); err != nil {
			return nil, err
		}
		id.Session, userID = sess, sess.UserID
	case strings.HasPrefix(token, apiPrefix):
		t, err := s.Credentials.APITokenByHash(ctx, HashToken(token))
		if err != nil {
			return nil, unauthenticated(err)
		}
		id.Token, userID = t, t.UserID
	default:
		return nil, errUnauthenticated
	}
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return nil, unauthenticated(err)
	}
	if Active(u) != nil {
		// Suspending ends every session and token; this is the backstop.
		return nil, errUnauthenticated
	}
	id.User = u
	return id, nil
}

func unauthenticated(err error) error {
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return errUnauthenticated
	}
	return err
}

// CSRFValid compares a submitted CSRF token with the session's in constant time.
func CSRFValid(sess *folio.Session, submitted string) bool {
	return submitted != "" && subtle.ConstantTimeCompare([]byte(sess.CSRFToken), []byte(submitted)) == 1
}

// HashPassword is the stored form of a new password.
func (s *Service) HashPassword(password string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	return string(hash), err
}

// CheckPassword compares password with u's, in constant time; it returns
// ErrWrongPassword when they differ.
func (s *Service) CheckPassword(u *folio.User, password string) error {
	err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password))
	if noPassword(err) {
		return ErrWrongPassword
	}
	return err
}

// NewSecret returns a random token (256 bits, URL-safe) after prefix.
func NewSecret(prefix string) string { return newToken(prefix) }

// HashToken is the stored form of a token.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func newToken(prefix string) string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}
