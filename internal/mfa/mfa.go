// Package mfa is the second factor of a login and the passkeys: TOTP
// (RFC 6238) with single-use recovery codes, WebAuthn passkeys that sign in
// alone or as the second factor, the pending login between the password
// and the second factor, and re-authentication before sensitive changes.
//
// Two-factor authentication is on for an account once it has confirmed a
// TOTP enrolment; a login with the right password then opens no session
// until a TOTP code, a recovery code or a passkey follows. Passkeys sign in
// on their own in any case (they prove possession and, with user
// verification, the person). Personal API tokens are not affected.
package mfa

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

// Lifetimes and bounds.
const (
	// PendingTTL is how long a login waits for its second factor.
	PendingTTL = 5 * time.Minute
	// MaxPendingFailures wrong codes end a pending login: the password
	// must be given again (and counts against the login limits).
	MaxPendingFailures = 5
	// CeremonyTTL bounds a passkey ceremony between begin and finish.
	CeremonyTTL = 5 * time.Minute
	// RecoveryCodeCount is how many recovery codes an account gets.
	RecoveryCodeCount = 10
	// MaxPasskeys is the most passkeys one account may register.
	MaxPasskeys = 20
)

// Challenge kinds (auth_challenges.kind).
const (
	KindLogin           = "login"
	KindPasskeyRegister = "passkey_register"
	KindPasskeyLogin    = "passkey_login"
	KindPasskeyReauth   = "passkey_reauth"
)

// Methods a pending login may be completed with.
const (
	MethodTOTP     = "totp"
	MethodRecovery = "recovery"
	MethodPasskey  = "passkey"
)

// TOTP is an account's TOTP secret, sealed. EnabledAt is zero while the
// enrolment is not confirmed.
type TOTP struct {
	UserID    int64
	Sealed    []byte
	EnabledAt time.Time
	LastStep  int64
}

// Passkey is a registered WebAuthn credential. Data is go-webauthn's
// credential record as JSON.
type Passkey struct {
	ID           int64
	UserID       int64
	CredentialID []byte
	Name         string
	Data         []byte
	CreatedAt    time.Time
	LastUsedAt   *time.Time
}

// Challenge is short-lived server-side state handed to the client as a
// random token: a pending login, or a passkey ceremony.
type Challenge struct {
	TokenHash []byte
	Kind      string
	UserID    int64 // 0: none (a discoverable passkey login)
	Data      []byte
	Failures  int
	ExpiresAt time.Time
}

// Store keeps the second factors. Methods taking a userID act on that
// user's rows only; another's answer ENOTFOUND.
type Store interface {
	// TOTP returns ENOTFOUND when the user has no secret, enrolling or not.
	TOTP(ctx context.Context, userID int64) (*TOTP, error)
	// SaveTOTPEnrolment replaces an unconfirmed secret; ECONFLICT when
	// TOTP is enabled.
	SaveTOTPEnrolment(ctx context.Context, userID int64, sealed []byte) error
	// EnableTOTP confirms the enrolment at step and sets the recovery
	// codes, in one transaction; ECONFLICT when enabled already.
	EnableTOTP(ctx context.Context, userID, step int64, codeHashes [][]byte) error
	// UseTOTPStep records step as used and reports false when it, or a
	// later one, was used already (a replay).
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	// DisableTOTP removes the secret and the recovery codes.
	DisableTOTP(ctx context.Context, userID int64) error
	ReplaceRecoveryCodes(ctx context.Context, userID int64, codeHashes [][]byte) error
	// UseRecoveryCode marks the code used and reports false when it is
	// not one of the user's unused codes.
	UseRecoveryCode(ctx context.Context, userID int64, codeHash []byte) (bool, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)

	// CreateChallenge stores c (and prunes expired ones).
	CreateChallenge(ctx context.Context, c *Challenge) error
	// Challenge returns an unexpired challenge of kind; ENOTFOUND otherwise.
	Challenge(ctx context.Context, hash []byte, kind string) (*Challenge, error)
	// TakeChallenge deletes and returns an unexpired challenge of kind:
	// of two concurrent takers one gets ENOTFOUND.
	TakeChallenge(ctx context.Context, hash []byte, kind string) (*Challenge, error)
	// FailChallenge counts a wrong answer and deletes the challenge when
	// it reaches max; it returns the failures counted.
	FailChallenge(ctx context.Context, hash []byte, max int) (int, error)

	// WebAuthnHandle returns the user's WebAuthn user handle, made on
	// first use.
	WebAuthnHandle(ctx context.Context, userID int64) ([]byte, error)
	// UserByWebAuthnHandle returns ENOTFOUND for an unknown handle.
	UserByWebAuthnHandle(ctx context.Context, handle []byte) (int64, error)
	Passkeys(ctx context.Context, userID int64) ([]*Passkey, error)
	// AddPasskey returns ECONFLICT when the credential is registered.
	AddPasskey(ctx context.Context, p *Passkey) error
	RenamePasskey(ctx context.Context, userID, id int64, name string) error
	DeletePasskey(ctx context.Context, userID, id int64) error
	// PasskeyUsed stores the credential record after a sign-in (its
	// sign count moved).
	PasskeyUsed(ctx context.Context, id int64, data []byte) error

	// MarkAuthenticated records that the session's owner proved who they
	// are now.
	MarkAuthenticated(ctx context.Context, sessionHash []byte) error
	// Secret returns the named key kept in the database, made on first
	// use (when FOLIO_SECRET_KEY is not set).
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Service runs the second factors.
type Service struct {
	Store Store
	Users folio.UserService
	Auth  *auth.Service
	// BaseURL is the installation's public URL: the passkeys' relying
	// party id is its host name and their origin its origin. server.New
	// sets it when nil.
	BaseURL *url.URL
	// MasterKey (FOLIO_SECRET_KEY) seals TOTP secrets; nil: a key kept in
	// the database (a dump then reveals the secrets).
	MasterKey []byte
	// Issuer names the account in authenticator apps; "" is "Folio".
	Issuer string
	// Audit records two-factor changes, passkey changes, recovery codes
	// used and failed second steps; nil records nothing.
	Audit audit.Recorder
	// Now is the clock; nil is time.Now (tests move it).
	Now func() time.Time

	mu   sync.Mutex
	seal cipher.AEAD
	wa   *webauthn.WebAuthn
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) record(ctx context.Context, userID int64, kind audit.Kind, detail map[string]string) error {
	return audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: kind, Detail: detail})
}

// secondFactorFailed records a wrong second step (a login's or a
// re-authentication's) as a failed sign-in, then answers refusal.
func (s *Service) secondFactorFailed(ctx context.Context, userID int64, method string, refusal error) error {
	if err := s.record(ctx, userID, audit.LoginFailed, map[string]string{"reason": "second_factor", "method": method}); err != nil {
		return err
	}
	return refusal
}

// sealer returns the AEAD that seals TOTP secrets, made on first use.
func (s *Service) sealer(ctx context.Context) (cipher.AEAD, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seal != nil {
		return s.seal, nil
	}
	master := s.MasterKey
	if master == nil {
		var err error
		if master, err = s.Store.Secret(ctx, "mfa"); err != nil {
			return nil, fmt.Errorf("mfa: key: %w", err)
		}
	}
	if len(master) < 32 {
		return nil, errors.New("mfa: the master key needs at least 32 bytes")
	}
	m := hmac.New(sha256.New, master)
	m.Write([]byte("folio totp secret seal"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	if s.seal, err = cipher.NewGCM(block); err != nil {
		return nil, err
	}
	return s.seal, nil
}

// sealSecret encrypts a TOTP secret bound to its user: a sealed secret
// copied to another row does not open.
func (s *Service) sealSecret(ctx context.Context, userID int64, secret string) ([]byte, error) {
	aead, err := s.sealer(ctx)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(userID, 10))), nil
}

func (s *Service) openSecret(ctx context.Context, userID int64, sealed []byte) (string, error) {
	aead, err := s.sealer(ctx)
	if err != nil {
		return "", err
	}
	n := aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("mfa: sealed secret too short")
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(strconv.FormatInt(userID, 10)))
	if err != nil {
		return "", fmt.Errorf("mfa: the TOTP secret does not open (was FOLIO_SECRET_KEY changed?): %w", err)
	}
	return string(plain), nil
}

// newChallenge stores a challenge and returns its token.
func (s *Service) newChallenge(ctx context.Context, kind string, userID int64, data []byte, ttl time.Duration) (string, time.Time, error) {
	token := auth.NewSecret("fc_")
	expires := s.now().Add(ttl)
	c := &Challenge{TokenHash: auth.HashToken(token), Kind: kind, UserID: userID, Data: data, ExpiresAt: expires}
	if err := s.Store.CreateChallenge(ctx, c); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// Status is what the security page shows of an account.
type Status struct {
	TOTPEnabled bool
	// Enrolling: a secret was shown but not confirmed yet.
	Enrolling     bool
	RecoveryLeft  int
	Passkeys      []*Passkey
	PasskeysLimit int
}

// Status returns the account's second factors.
func (s *Service) Status(ctx context.Context, userID int64) (Status, error) {
	st := Status{PasskeysLimit: MaxPasskeys}
	t, err := s.Store.TOTP(ctx, userID)
	if err != nil && folio.ErrorCode(err) != folio.ENOTFOUND {
		return st, err
	}
	if err == nil {
		st.TOTPEnabled, st.Enrolling = !t.EnabledAt.IsZero(), t.EnabledAt.IsZero()
	}
	if st.TOTPEnabled {
		if st.RecoveryLeft, err = s.Store.RecoveryCodesLeft(ctx, userID); err != nil {
			return st, err
		}
	}
	st.Passkeys, err = s.Store.Passkeys(ctx, userID)
	return st, err
}

// Enabled reports whether userID's logins need a second factor.
func (s *Service) Enabled(ctx context.Context, userID int64) (bool, error) {
	t, err := s.Store.TOTP(ctx, userID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return !t.EnabledAt.IsZero(), nil
}
