package folio

import (
	"context"
	"time"
)

// TokenPurpose is what a single-use account token is for.
type TokenPurpose string

// Account token purposes.
const (
	PurposeVerifyEmail   TokenPurpose = "verify_email"
	PurposePasswordReset TokenPurpose = "password_reset"
	PurposeEmailChange   TokenPurpose = "email_change"
)

// Account kinds of the account email flows beyond those of the outbox's
// list, always sent by email: the password was reset; someone tried to
// sign up with the account's address.
const (
	NotifyPasswordChanged NotificationKind = "password_changed"
	NotifySignUpAttempt   NotificationKind = "signup_attempt"
)

// AccountToken is a single-use link of the account email flows. Only the
// SHA-256 of the token is stored.
type AccountToken struct {
	Hash    []byte
	UserID  int64
	Purpose TokenPurpose
	// Email is where the link was sent: the address to verify, or the new
	// address of an email change.
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ErrBadLink is the one answer to a token that is unknown, expired, used
// or voided (EINVALID on "token"): telling them apart would help nobody
// but a guesser.
var ErrBadLink = &Error{Code: EINVALID, Message: "This link is invalid, has expired or was already used.",
	Fields: []FieldError{{Field: "token", Message: "is invalid, expired or already used"}}}

// AccountTokenService stores the tokens of the account email flows and
// applies them. Each method that writes a notification writes it in the
// transaction of the change that causes it.
type AccountTokenService interface {
	// Issue stores t (nil: none) and writes ns to the outbox, in one
	// transaction.
	Issue(ctx context.Context, t *AccountToken, ns ...Notification) error
	// IssueByEmail is Issue for the account of email, when there is one;
	// the token and notification are built by build from that account. It
	// does the same database work for an unknown email, and reports whether
	// the account exists.
	IssueByEmail(ctx context.Context, email string, build func(u *User) (*AccountToken, Notification)) (bool, error)
	// VerifyEmail uses a verify_email token: the account's address becomes
	// verified if it is still the one the link was sent to. Returns
	// ErrBadLink for a token that does not work.
	VerifyEmail(ctx context.Context, hash []byte) (*User, error)
	// ResetPassword uses a password_reset token: it sets passwordHash,
	// voids every open token of the account, ends every session, revokes
	// every API token and writes the notice built by notice. Returns
	// ErrBadLink for a token that does not work.
	ResetPassword(ctx context.Context, hash []byte, passwordHash string, notice func(u *User) Notification) (*User, error)
	// ChangeEmail uses an email_change token: the account's address becomes
	// the token's, verified. Returns ErrBadLink for a token that does not
	// work and ECONFLICT when another account took the address since.
	ChangeEmail(ctx context.Context, hash []byte) (*User, error)
	// PendingEmailChange returns the new address of userID's open email
	// change, or "" when there is none.
	PendingEmailChange(ctx context.Context, userID int64) (string, error)
}

// ValidateEmail checks an email address as registration does.
func ValidateEmail(field, e string) error {
	var v Validation
	validateEmail(&v, field, e)
	return v.Err()
}
