package mfa

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

// TOTP parameters: the ones every authenticator app supports.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew accepts the codes of one step before and after now, for
	// clocks a little off and codes typed slowly.
	totpSkew = 1
)

var (
	errBadCode = &folio.Error{Code: folio.EUNAUTHORIZED, Message: "The code is incorrect or was used already."}
	// errNoPending answers a second step whose pending login is unknown,
	// expired, used or ended by too many wrong codes.
	errNoPending = &folio.Error{Code: folio.EUNAUTHORIZED, Message: "This sign-in has expired; log in with your password again."}
)

// Enrolment is what the owner scans or types into an authenticator app.
type Enrolment struct {
	// Secret is the key in base32, for typing.
	Secret string
	// URL is the otpauth:// URL the QR code holds.
	URL string
	// QRCode is a PNG data: URL of the QR code, drawn here (no request
	// leaves for a QR service, which would learn the secret).
	QRCode string
}

// BeginTOTP returns the secret waiting for u's confirmation, or makes one
// and keeps it unconfirmed until ConfirmTOTP (a reload of the set-up page
// does not undo a scan). Returns ECONFLICT when TOTP is enabled already.
func (s *Service) BeginTOTP(ctx context.Context, u *folio.User) (*Enrolment, error) {
	issuer := s.Issuer
	if issuer == "" {
		issuer = "Folio"
	}
	opts := totp.GenerateOpts{Issuer: issuer, AccountName: u.Email, Period: totpPeriod, Digits: totpDigits, SecretSize: 20}
	waiting, err := s.Store.TOTP(ctx, u.ID)
	switch {
	case err == nil && !waiting.EnabledAt.IsZero():
		return nil, folio.Errorf(folio.ECONFLICT, "Two-factor authentication is on already.")
	case err == nil:
		secret, err := s.openSecret(ctx, u.ID, waiting.Sealed)
		if err != nil {
			return nil, err
		}
		if opts.Secret, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil {
			return nil, fmt.Errorf("mfa: waiting secret: %w", err)
		}
	case folio.ErrorCode(err) != folio.ENOTFOUND:
		return nil, err
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return nil, err
	}
	if opts.Secret == nil {
		sealed, err := s.sealSecret(ctx, u.ID, key.Secret())
		if err != nil {
			return nil, err
		}
		if err := s.Store.SaveTOTPEnrolment(ctx, u.ID, sealed); err != nil {
			return nil, err
		}
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(),
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ConfirmTOTP checks a code of the unconfirmed secret and turns two-factor
// authentication on; it returns the recovery codes, to show once. Returns
// EINVALID for a wrong code and ECONFLICT when enabled already.
func (s *Service) ConfirmTOTP(ctx context.Context, userID int64, code string) ([]string, error) {
	t, err := s.Store.TOTP(ctx, userID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, folio.Errorf(folio.EINVALID, "Start the set-up again: no secret is waiting for a code.")
	} else if err != nil {
		return nil, err
	}
	if !t.EnabledAt.IsZero() {
		return nil, folio.Errorf(folio.ECONFLICT, "Two-factor authentication is on already.")
	}
	step, ok, err := s.matchStep(ctx, t, code)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
			Fields: []folio.FieldError{{Field: "code", Message: "is not the code your app shows now"}}}
	}
	codes, hashes := newRecoveryCodes()
	if err := s.Store.EnableTOTP(ctx, userID, step, hashes); err != nil {
		return nil, err
	}
	if err := s.record(ctx, userID, audit.TwoFactorEnabled, nil); err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor authentication off: the secret and the
// recovery codes go. Passkeys stay (they sign in on their own).
func (s *Service) DisableTOTP(ctx context.Context, userID int64) error {
	if err := s.Store.DisableTOTP(ctx, userID); err != nil {
		return err
	}
	return s.record(ctx, userID, audit.TwoFactorOff, nil)
}

// RegenerateRecoveryCodes replaces the recovery codes (the old ones stop
// working) and returns the new ones, to show once. EINVALID when
// two-factor authentication is off.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	if on, err := s.Enabled(ctx, userID); err != nil {
		return nil, err
	} else if !on {
		return nil, folio.Errorf(folio.EINVALID, "Turn two-factor authentication on first.")
	}
	codes, hashes := newRecoveryCodes()
	if err := s.Store.ReplaceRecoveryCodes(ctx, userID, hashes); err != nil {
		return nil, err
	}
	if err := s.record(ctx, userID, audit.RecoveryCodesRenewed, nil); err != nil {
		return nil, err
	}
	return codes, nil
}

// matchStep finds the time step, within the skew, whose code is code.
func (s *Service) matchStep(ctx context.Context, t *TOTP, code string) (int64, bool, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false, nil
	}
	secret, err := s.openSecret(ctx, t.UserID, t.Sealed)
	if err != nil {
		return 0, false, err
	}
	now := s.now()
	current := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := current + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0),
			totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true, nil
		}
	}
	return 0, false, nil
}

// VerifyTOTP checks a code of userID's enabled secret and uses it up: the
// same code, or any of an earlier step, is refused afterwards. Returns
// EUNAUTHORIZED for a wrong or replayed code.
func (s *Service) VerifyTOTP(ctx context.Context, userID int64, code string) error {
	t, err := s.Store.TOTP(ctx, userID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return errBadCode
	} else if err != nil {
		return err
	}
	if t.EnabledAt.IsZero() {
		return errBadCode
	}
	step, ok, err := s.matchStep(ctx, t, code)
	if err != nil || !ok {
		return firstErr(err, errBadCode)
	}
	// The store's compare-and-set settles two requests with one code.
	fresh, err := s.Store.UseTOTPStep(ctx, userID, step)
	if err != nil || !fresh {
		return firstErr(err, errBadCode)
	}
	return nil
}

// UseRecoveryCode uses up one of userID's recovery codes; EUNAUTHORIZED
// when it is not an unused one.
func (s *Service) UseRecoveryCode(ctx context.Context, userID int64, code string) error {
	ok, err := s.Store.UseRecoveryCode(ctx, userID, hashRecoveryCode(code))
	if err != nil || !ok {
		return firstErr(err, errBadCode)
	}
	left, err := s.Store.RecoveryCodesLeft(ctx, userID)
	if err != nil {
		return err
	}
	return s.record(ctx, userID, audit.RecoveryCodeUsed, map[string]string{"left": itoa(left)})
}

func firstErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// recoveryAlphabet has no letters easily mistaken for others (no 0/o,
// 1/l/i); 16 of its 32 symbols carry 80 bits.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCodes makes RecoveryCodeCount codes like "abcd-efgh-jkmn-pqrs"
// and their stored hashes.
func newRecoveryCodes() ([]string, [][]byte) {
	codes := make([]string, RecoveryCodeCount)
	hashes := make([][]byte, RecoveryCodeCount)
	for i := range codes {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		var sb strings.Builder
		for j, x := range b {
			if j > 0 && j%4 == 0 {
				sb.WriteByte('-')
			}
			// 31 symbols: the modulo bias is below 1 in 8 and costs a
			// fraction of a bit per symbol, leaving more than 76 bits.
			sb.WriteByte(recoveryAlphabet[int(x)%len(recoveryAlphabet)])
		}
		codes[i] = sb.String()
		hashes[i] = hashRecoveryCode(codes[i])
	}
	return codes, hashes
}

// hashRecoveryCode is the stored form of a code as typed: case, spaces and
// dashes do not matter.
func hashRecoveryCode(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
	if len(norm) > 64 {
		norm = norm[:64]
	}
	sum := sha256.Sum256([]byte(norm))
	return sum[:]
}

// BeginSecondFactor implements auth.SecondFactor: when userID has
// two-factor authentication on, it starts a pending login.
func (s *Service) BeginSecondFactor(ctx context.Context, userID int64) (*auth.SecondFactorRequired, error) {
	on, err := s.Enabled(ctx, userID)
	if err != nil || !on {
		return nil, err
	}
	token, expires, err := s.newChallenge(ctx, KindLogin, userID, nil, PendingTTL)
	if err != nil {
		return nil, err
	}
	methods := []string{MethodTOTP, MethodRecovery}
	if keys, err := s.Store.Passkeys(ctx, userID); err != nil {
		return nil, err
	} else if len(keys) > 0 {
		methods = append(methods, MethodPasskey)
	}
	return &auth.SecondFactorRequired{Token: token, Methods: methods, ExpiresAt: expires}, nil
}

// PendingLogin returns the user id of a pending login, or ENOTFOUND.
func (s *Service) PendingLogin(ctx context.Context, pending string) (int64, error) {
	c, err := s.Store.Challenge(ctx, auth.HashToken(pending), KindLogin)
	if err != nil {
		return 0, err
	}
	return c.UserID, nil
}

// Login is a completed sign-in: the new session, its token and its user.
type Login struct {
	Token   string
	Session *folio.Session
	User    *folio.User
}

// CompleteWithCode finishes a pending login with a TOTP code (method
// MethodTOTP) or a recovery code (MethodRecovery). A wrong code counts
// against the pending login, which ends after MaxPendingFailures.
func (s *Service) CompleteWithCode(ctx context.Context, pending, method, code string) (*Login, error) {
	hash := auth.HashToken(pending)
	c, err := s.Store.Challenge(ctx, hash, KindLogin)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, errNoPending
	} else if err != nil {
		return nil, err
	}
	switch method {
	case MethodTOTP:
		err = s.VerifyTOTP(ctx, c.UserID, code)
	case MethodRecovery:
		err = s.UseRecoveryCode(ctx, c.UserID, code)
	default:
		return nil, folio.Errorf(folio.EINVALID, "Unknown method %q.", method)
	}
	if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
		if _, ferr := s.Store.FailChallenge(ctx, hash, MaxPendingFailures); ferr != nil {
			return nil, ferr
		}
		return nil, s.secondFactorFailed(ctx, c.UserID, method, err)
	} else if err != nil {
		return nil, err
	}
	return s.finishPending(ctx, hash, method)
}

// finishPending uses up the pending login and opens the session.
func (s *Service) finishPending(ctx context.Context, hash []byte, method string) (*Login, error) {
	c, err := s.Store.TakeChallenge(ctx, hash, KindLogin)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, errNoPending
	} else if err != nil {
		return nil, err
	}
	return s.openSession(ctx, c.UserID, method)
}

// openSession signs userID in by method, unless the account was suspended
// meanwhile.
func (s *Service) openSession(ctx context.Context, userID int64, method string) (*Login, error) {
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := auth.Active(u); err != nil {
		return nil, err
	}
	token, sess, err := s.Auth.OpenSession(ctx, userID, method)
	if err != nil {
		return nil, err
	}
	return &Login{Token: token, Session: sess, User: u}, nil
}
