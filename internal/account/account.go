// Package account runs the account email flows: verifying the address
// given at registration, resetting a forgotten password and changing the
// address. Each flow sends a single-use link (only its SHA-256 is stored)
// through the notification outbox, written in the transaction of the
// change that causes it. The API and the site call the same methods.
package account

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/ratelimit"
)

// How long each link works. A reset link is short-lived: whoever reads
// the mailbox later (a shared computer, a leaked archive) must not be able
// to use it. Verification waits for the owner to find the mail.
const (
	VerifyTTL      = 48 * time.Hour
	ResetTTL       = 30 * time.Minute
	EmailChangeTTL = 24 * time.Hour
)

// tokenPrefix tells a person and secret scanners what the link holds.
const tokenPrefix = "fa_"

// maxTokenLen bounds what is hashed and looked up: a token is the prefix
// and 43 base64 characters.
const maxTokenLen = 64

// Limits bound how often the flows send mail, so that nobody turns Folio
// into a way to flood a mailbox.
type Limits struct {
	// ResetPerAddress and ResetPerIP count reset requests, whether or not
	// the address has an account (so the limit tells nothing either).
	ResetPerAddress ratelimit.Limit
	ResetPerIP      ratelimit.Limit
	// ResendPerAccount counts verification links sent again.
	ResendPerAccount ratelimit.Limit
	// EmailChangePerAccount counts email change requests, which check the
	// password: it also bounds password guessing through them.
	EmailChangePerAccount ratelimit.Limit
}

// DefaultLimits let a person retry a few times and stop a script.
var DefaultLimits = Limits{
	ResetPerAddress:       ratelimit.Limit{Rate: 5, Period: time.Hour},
	ResetPerIP:            ratelimit.Limit{Rate: 20, Period: time.Hour},
	ResendPerAccount:      ratelimit.Limit{Rate: 3, Period: time.Hour},
	EmailChangePerAccount: ratelimit.Limit{Rate: 5, Period: time.Hour},
}

func (l Limits) withDefaults() Limits {
	for _, f := range []struct{ dst, def *ratelimit.Limit }{
		{&l.ResetPerAddress, &DefaultLimits.ResetPerAddress},
		{&l.ResetPerIP, &DefaultLimits.ResetPerIP},
		{&l.ResendPerAccount, &DefaultLimits.ResendPerAccount},
		{&l.EmailChangePerAccount, &DefaultLimits.EmailChangePerAccount},
	} {
		if f.dst.Rate == 0 {
			*f.dst = *f.def
		}
	}
	return l
}

// Service runs the flows.
type Service struct {
	Users   folio.UserService
	Tokens  folio.AccountTokenService
	Auth    *auth.Service // password hashing and checks
	Limiter *ratelimit.Limiter
	Limits  Limits
	// BaseURL makes the links absolute; server.New sets it from the
	// server's when nil.
	BaseURL *url.URL
}

// TooManyError refuses a request over a limit; RetryAfter says when the
// next one may come. Its folio code is ETOOMANY.
type TooManyError struct{ RetryAfter time.Duration }

func (e *TooManyError) Error() string { return "account: too many requests" }

// Unwrap gives the folio error the edges map to 429.
func (e *TooManyError) Unwrap() error {
	return folio.Errorf(folio.ETOOMANY, "Too many requests; try again in %d minutes.", int(e.RetryAfter.Minutes())+1)
}

func (s *Service) limit(ctx context.Context, key string, lim ratelimit.Limit) error {
	ok, retry, err := s.Limiter.Allow(ctx, key, lim)
	if err != nil {
		return fmt.Errorf("account: rate limit: %w", err)
	}
	if !ok {
		return &TooManyError{RetryAfter: retry}
	}
	return nil
}

// link is the absolute URL of path with the token in its query.
func (s *Service) link(path, token string) string {
	u := s.BaseURL.JoinPath(path)
	u.RawQuery = url.Values{"token": {token}}.Encode()
	return u.String()
}

// newToken returns a token, its stored hash and the key that names the
// mail it sends in the outbox (a prefix of the hash: unique, not secret).
func newToken() (token string, hash []byte, dedupe string) {
	token = auth.NewSecret(tokenPrefix)
	hash = auth.HashToken(token)
	return token, hash, hex.EncodeToString(hash[:12])
}

// hashOf is the stored hash of a token from a link, or nil for something
// that cannot be a token (nothing is looked up then).
func hashOf(token string) []byte {
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > maxTokenLen {
		return nil
	}
	return auth.HashToken(token)
}

func (s *Service) verification(u *folio.User) (*folio.AccountToken, folio.Notification) {
	token, hash, key := newToken()
	t := &folio.AccountToken{Hash: hash, UserID: u.ID, Purpose: folio.PurposeVerifyEmail, Email: u.Email, ExpiresAt: time.Now().Add(VerifyTTL)}
	return t, folio.Notification{OwnerID: u.ID, Kind: folio.NotifyVerifyEmail, Channel: folio.ChannelEmail, Target: u.Email,
		DedupeKey: "verify_email:" + key,
		Data:      map[string]string{"name": u.DisplayName, "email": u.Email, "url": s.link("verify-email", token), "expires_in": "48 hours"}}
}

// SendVerification mails u a link that verifies their address. SignUp
// calls it for each new account (auth.Service.Registered).
func (s *Service) SendVerification(ctx context.Context, u *folio.User) error {
	t, n := s.verification(u)
	return s.Tokens.Issue(ctx, t, n)
}

// NoticeSignUpAttempt tells the owner of email that someone tried to sign
// up with it (auth.Service.Taken): at most once an hour, so a stranger
// cannot flood the mailbox through the sign-up form.
func (s *Service) NoticeSignUpAttempt(ctx context.Context, email string) error {
	u, err := s.Users.UserByEmail(ctx, email)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil // the account went meanwhile
	} else if err != nil {
		return err
	}
	return s.Tokens.Issue(ctx, nil, folio.Notification{OwnerID: u.ID, Kind: folio.NotifySignUpAttempt, Channel: folio.ChannelEmail, Target: u.Email,
		DedupeKey: fmt.Sprintf("signup_attempt:%d:%s", u.ID, time.Now().UTC().Format("2006-01-02T15")),
		Data:      map[string]string{"email": u.Email, "login_url": s.BaseURL.JoinPath("login").String(), "url": s.BaseURL.JoinPath("forgot-password").String()}})
}

// ResendVerification mails the caller a new verification link. Returns
// EINVALID when the address is verified already, and a TooManyError past
// Limits.ResendPerAccount. Earlier links keep working until they expire.
func (s *Service) ResendVerification(ctx context.Context, userID int64) error {
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if !u.EmailVerifiedAt.IsZero() {
		return folio.Errorf(folio.EINVALID, "Your address %s is verified already.", u.Email)
	}
	if err := s.limit(ctx, fmt.Sprintf("verify:resend:%d", u.ID), s.Limits.withDefaults().ResendPerAccount); err != nil {
		return err
	}
	return s.SendVerification(ctx, u)
}

// VerifyEmail uses a verification link's token. Returns folio.ErrBadLink
// when it does not work.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*folio.User, error) {
	hash := hashOf(token)
	if hash == nil {
		return nil, folio.ErrBadLink
	}
	return s.Tokens.VerifyEmail(ctx, hash)
}

// RequestPasswordReset mails a reset link to the account of email, if
// there is one. The answer is the same either way, after the same work:
// callers must say only "if an account has this address, we sent a
// link". Returns a TooManyError past either limit (counted for unknown
// addresses too) and EINVALID for something that is not an address.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = folio.NormalizeEmail(email)
	if err := folio.ValidateEmail("email", email); err != nil {
		return err
	}
	lim := s.Limits.withDefaults()
	if err := s.limit(ctx, "reset:ip:"+ip, lim.ResetPerIP); err != nil {
		return err
	}
	if err := s.limit(ctx, "reset:address:"+strings.ToLower(email), lim.ResetPerAddress); err != nil {
		return err
	}
	// The token is made before the lookup, so that an unknown address
	// costs the random draw and hash too.
	token, hash, key := newToken()
	_, err := s.Tokens.IssueByEmail(ctx, email, func(u *folio.User) (*folio.AccountToken, folio.Notification) {
		t := &folio.AccountToken{Hash: hash, UserID: u.ID, Purpose: folio.PurposePasswordReset, Email: u.Email, ExpiresAt: time.Now().Add(ResetTTL)}
		return t, folio.Notification{OwnerID: u.ID, Kind: folio.NotifyPasswordReset, Channel: folio.ChannelEmail, Target: u.Email,
			DedupeKey: "password_reset:" + key,
			Data:      map[string]string{"name": u.DisplayName, "email": u.Email, "url": s.link("reset-password", token), "expires_in": "30 minutes"}}
	})
	return err
}

// ResetPassword uses a reset link's token: it sets password (checked as
// registration does), ends every session, revokes every API token, voids
// every other open link of the account and mails a notice that the
// password changed. Returns folio.ErrBadLink when the token does not
// work, EINVALID for an unacceptable password.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*folio.User, error) {
	if err := folio.ValidatePassword("password", password); err != nil {
		return nil, err
	}
	hash := hashOf(token)
	if hash == nil {
		return nil, folio.ErrBadLink
	}
	pw, err := s.Auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	_, _, key := newToken()
	u, err := s.Tokens.ResetPassword(ctx, hash, pw, func(u *folio.User) folio.Notification {
		return folio.Notification{OwnerID: u.ID, Kind: folio.NotifyPasswordChanged, Channel: folio.ChannelEmail, Target: u.Email,
			DedupeKey: "password_changed:" + key,
			Data:      map[string]string{"email": u.Email, "url": s.BaseURL.JoinPath("forgot-password").String()}}
	})
	if err != nil {
		return nil, err
	}
	return u, audit.Record(ctx, s.Auth.Audit, audit.Event{UserID: u.ID, Kind: audit.PasswordChanged, Detail: map[string]string{"method": "reset"}})
}

// errWrongPassword answers an email change with a wrong password.
var errWrongPassword = &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
	Fields: []folio.FieldError{{Field: "password", Message: "is not your current password"}}}

// RequestEmailChange checks the caller's password and mails a link to
// newEmail; the address changes only when that link is used. The old
// address gets a notice at once, so that an owner whose password was
// stolen hears of it before the change can take effect. Whether newEmail
// has an account is not told (the change then fails at confirmation).
// Returns EINVALID for a wrong password (on "password") or a bad or unchanged address,
// and a TooManyError past Limits.EmailChangePerAccount.
func (s *Service) RequestEmailChange(ctx context.Context, userID int64, password, newEmail string) error {
	newEmail = folio.NormalizeEmail(newEmail)
	if err := folio.ValidateEmail("new_email", newEmail); err != nil {
		return err
	}
	if err := s.limit(ctx, fmt.Sprintf("email-change:%d", userID), s.Limits.withDefaults().EmailChangePerAccount); err != nil {
		return err
	}
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.Auth.CheckPassword(u, password); errors.Is(err, auth.ErrWrongPassword) {
		return errWrongPassword
	} else if err != nil {
		return err
	}
	if strings.EqualFold(newEmail, u.Email) {
		return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
			Fields: []folio.FieldError{{Field: "new_email", Message: "is your address already"}}}
	}
	token, hash, key := newToken()
	t := &folio.AccountToken{Hash: hash, UserID: u.ID, Purpose: folio.PurposeEmailChange, Email: newEmail, ExpiresAt: time.Now().Add(EmailChangeTTL)}
	confirm := folio.Notification{OwnerID: u.ID, Kind: folio.NotifyEmailChange, Channel: folio.ChannelEmail, Target: newEmail,
		DedupeKey: "email_change:" + key,
		Data:      map[string]string{"name": u.DisplayName, "old_email": u.Email, "new_email": newEmail, "url": s.link("confirm-email", token), "expires_in": "24 hours"}}
	return s.Tokens.Issue(ctx, t, confirm, folio.Notification{OwnerID: u.ID, Kind: folio.NotifyEmailChangeNotice, Channel: folio.ChannelEmail, Target: u.Email,
		DedupeKey: "email_change_notice:" + key,
		Data:      map[string]string{"name": u.DisplayName, "old_email": u.Email, "new_email": newEmail, "url": s.BaseURL.JoinPath("dashboard").String()}})
}

// ConfirmEmailChange uses an email change link's token: the account's
// address becomes the new one, verified. Sessions stay: the change needed
// the password and the new mailbox. Returns folio.ErrBadLink when the
// token does not work, ECONFLICT when another account took the address.
func (s *Service) ConfirmEmailChange(ctx context.Context, token string) (*folio.User, error) {
	hash := hashOf(token)
	if hash == nil {
		return nil, folio.ErrBadLink
	}
	return s.Tokens.ChangeEmail(ctx, hash)
}

// PendingEmailChange is the new address of userID's open email change,
// or "".
func (s *Service) PendingEmailChange(ctx context.Context, userID int64) (string, error) {
	return s.Tokens.PendingEmailChange(ctx, userID)
}
