// Package invite decides who may create an account (FOLIO_REGISTRATION:
// open, invite or sso) and runs invitations: an admin invites one address
// or a cohort's list at once, each gets a single-use, expiring link by
// mail through the notification outbox, and only that link registers the
// address while the instance is invite-only.
package invite

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

// Mode is how people get accounts.
type Mode string

// Registration modes.
const (
	// Open: anyone signs up, with a password or through single sign-on.
	Open Mode = "open"
	// InviteOnly: only with an invitation link (its address), by password
	// or single sign-on; the first account of an empty instance needs none.
	InviteOnly Mode = "invite"
	// SSOOnly: accounts are made by single sign-on alone; password sign-up
	// is refused, and an account with a connected identity signs in only
	// through it.
	SSOOnly Mode = "sso"
)

// ParseMode returns the mode named s (empty: Open).
func ParseMode(s string) (Mode, bool) {
	switch Mode(s) {
	case "", Open:
		return Open, true
	case InviteOnly, SSOOnly:
		return Mode(s), true
	}
	return "", false
}

// KindInvitation is the notification kind of an invitation mail.
const KindInvitation folio.NotificationKind = "invitation"

// DefaultTTL is how long an invitation link works: a cohort's people find
// the mail within the week it starts.
const DefaultTTL = 7 * 24 * time.Hour

// MaxBatch bounds the addresses of one invitation request (a cohort is a
// few dozen people; a school's year a few hundred).
const MaxBatch = 500

// tokenPrefix tells a person and secret scanners what the link holds.
const tokenPrefix = "fi_"

// Invitation is a single-use link to register one address.
type Invitation struct {
	ID        int64
	TokenHash []byte
	Email     string
	InvitedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	UsedBy    *int64
	RevokedAt *time.Time
}

// Status is "used", "revoked", "expired" or "pending".
func (i *Invitation) Status(now time.Time) string {
	switch {
	case i.UsedAt != nil:
		return "used"
	case i.RevokedAt != nil:
		return "revoked"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "pending"
}

// Store keeps invitations.
type Store interface {
	// CreateInvitations stores invs and writes ns to the outbox in one
	// transaction.
	CreateInvitations(ctx context.Context, invs []*Invitation, ns []folio.Notification) error
	// Invitations lists the newest invitations, at most limit.
	Invitations(ctx context.Context, limit int) ([]*Invitation, error)
	// RevokeInvitation voids a pending invitation; ENOTFOUND when there is
	// no pending one of id.
	RevokeInvitation(ctx context.Context, id int64) error
	// InvitationByToken returns the pending invitation of hash, or
	// ENOTFOUND.
	InvitationByToken(ctx context.Context, hash []byte) (*Invitation, error)
	// ClaimInvitation marks the pending invitation of hash for email as
	// used, atomically: of two registrations with one link, one wins.
	// Returns ENOTFOUND when no pending invitation matches.
	ClaimInvitation(ctx context.Context, hash []byte, email string) (*Invitation, error)
	// ReleaseInvitation makes a claimed invitation pending again (the
	// account could not be made).
	ReleaseInvitation(ctx context.Context, id int64) error
	// SetInvitationUser records the account made with a claimed invitation.
	SetInvitationUser(ctx context.Context, id, userID int64) error
	// HasUsers reports whether the instance has any account.
	HasUsers(ctx context.Context) (bool, error)
	// FirstAccount runs create when the instance has no account yet and
	// reports had = true (without running it) when it has one. Callers
	// across processes are serialised, so that of two first sign-ups at
	// once only one makes an account without an invitation.
	FirstAccount(ctx context.Context, create func() (*folio.User, error)) (u *folio.User, had bool, err error)
}

// Service applies the registration mode and runs invitations.
type Service struct {
	Mode  Mode
	Store Store
	Auth  *auth.Service
	Users folio.UserService
	// BaseURL makes invitation links absolute.
	BaseURL *url.URL
	TTL     time.Duration // 0: DefaultTTL
	// Audit records invitations sent and used; nil: none.
	Audit audit.Recorder
}

func (s *Service) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultTTL
}

// ErrBadInvite is the one answer to an invitation that is unknown, used,
// revoked, expired or for another address.
var ErrBadInvite = &folio.Error{Code: folio.EFORBIDDEN, Message: "This invitation link does not work: it may have been used, revoked or expired, or it was sent to another address. Ask for a new one.",
	Fields: []folio.FieldError{{Field: "invite", Message: "is not a working invitation for this address"}}}

// ErrInviteOnly refuses a sign-up without an invitation.
var ErrInviteOnly = &folio.Error{Code: folio.EFORBIDDEN, Message: "This Folio is invite-only: sign up from the link in your invitation email."}

// ErrSSOOnly refuses a password sign-up or sign-in where single sign-on
// is required.
var ErrSSOOnly = &folio.Error{Code: folio.EFORBIDDEN, Message: "This Folio signs people in through single sign-on: use the sign-in button on the log in page."}

// hashOf is the stored hash of an invitation token, or nil for something
// that cannot be one.
func hashOf(token string) []byte {
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 64 {
		return nil
	}
	return auth.HashToken(token)
}

// Lookup returns the pending invitation of token (the register page
// prefills its address), or ErrBadInvite.
func (s *Service) Lookup(ctx context.Context, token string) (*Invitation, error) {
	hash := hashOf(token)
	if hash == nil {
		return nil, ErrBadInvite
	}
	inv, err := s.Store.InvitationByToken(ctx, hash)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, ErrBadInvite
	}
	return inv, err
}

// firstOrInvited makes an account in invite-only mode: with create when
// the instance has none yet (its operator, who then invites the rest),
// else with invited, which needs an invitation.
func (s *Service) firstOrInvited(ctx context.Context, create, invited func() (*folio.User, error)) (*folio.User, error) {
	u, had, err := s.Store.FirstAccount(ctx, create)
	if err != nil || !had {
		return u, err
	}
	return invited()
}

// SignUp is password registration through the mode: open is
// auth.Service.SignUp; invite-only needs token, an invitation sent to
// r.Email (the account is then verified: the link proved the mailbox);
// SSO-only refuses. Returns what auth.Service.SignUp does, ErrInviteOnly,
// ErrBadInvite or ErrSSOOnly.
func (s *Service) SignUp(ctx context.Context, r folio.Registration, token string) (*folio.User, error) {
	switch s.Mode {
	case SSOOnly:
		return nil, ErrSSOOnly
	case InviteOnly:
	default:
		return s.Auth.SignUp(ctx, r)
	}
	return s.firstOrInvited(ctx, func() (*folio.User, error) { return s.Auth.SignUp(ctx, r) }, func() (*folio.User, error) {
		if strings.TrimSpace(token) == "" {
			return nil, ErrInviteOnly
		}
		// Checked before the invitation is claimed, so that a typo does not
		// use it up.
		r.Normalize()
		r.Verified = true
		if err := r.Validate(); err != nil {
			return nil, err
		}
		return s.withInvitation(ctx, token, r.Email, func() (*folio.User, error) { return s.Auth.Register(ctx, r) })
	})
}

// withInvitation claims the invitation of token for email, makes the
// account with create and records it; the invitation is released when
// create fails.
func (s *Service) withInvitation(ctx context.Context, token, email string, create func() (*folio.User, error)) (*folio.User, error) {
	hash := hashOf(token)
	if hash == nil {
		return nil, ErrBadInvite
	}
	inv, err := s.Store.ClaimInvitation(ctx, hash, email)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, ErrBadInvite
	} else if err != nil {
		return nil, err
	}
	u, err := create()
	if err != nil {
		if rerr := s.Store.ReleaseInvitation(context.WithoutCancel(ctx), inv.ID); rerr != nil {
			return nil, fmt.Errorf("%w (and releasing invitation %d: %v)", err, inv.ID, rerr)
		}
		return nil, err
	}
	if err := s.Store.SetInvitationUser(ctx, inv.ID, u.ID); err != nil {
		return nil, err
	}
	err = audit.Record(ctx, s.Audit, audit.Event{UserID: u.ID, Kind: audit.InvitationUsed,
		Detail: map[string]string{"invitation_id": strconv.FormatInt(inv.ID, 10)}})
	return u, err
}

// NewAccount is a person single sign-on vouches for.
type NewAccount struct {
	Email, Name, Handle string
}

// SignUpSSO makes the account of a person a provider vouched for (their
// address is verified) when the mode allows: open and SSO-only do;
// invite-only needs token, an invitation sent to that address. The handle
// is the provider's suggestion made valid and unique.
func (s *Service) SignUpSSO(ctx context.Context, a NewAccount, token string) (*folio.User, error) {
	create := func() (*folio.User, error) { return s.createSSO(ctx, a) }
	if s.Mode != InviteOnly {
		return create()
	}
	return s.firstOrInvited(ctx, create, func() (*folio.User, error) {
		if strings.TrimSpace(token) == "" {
			return nil, ErrInviteOnly
		}
		return s.withInvitation(ctx, token, a.Email, create)
	})
}

// RefusePassword is auth.Service's PasswordLogin check: in SSO-only mode
// an account with a connected identity signs in through it alone.
// Accounts from before SSO (no identity) keep their password, so that
// their owners can sign in and connect one.
func (s *Service) RefusePassword(hasIdentity func(ctx context.Context, userID int64) (bool, error)) func(ctx context.Context, u *folio.User) error {
	return func(ctx context.Context, u *folio.User) error {
		if s.Mode != SSOOnly {
			return nil
		}
		has, err := hasIdentity(ctx, u.ID)
		if err != nil {
			return err
		}
		if has {
			return ErrSSOOnly
		}
		return nil
	}
}

// newToken returns an invitation token, its stored hash and the outbox
// key of its mail.
func newToken() (token string, hash []byte, dedupe string) {
	token = auth.NewSecret(tokenPrefix)
	hash = auth.HashToken(token)
	return token, hash, hex.EncodeToString(hash[:12])
}
