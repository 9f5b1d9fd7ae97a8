package sso

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
)

// FlowTTL is how long a sign-in may take between leaving for the
// provider and coming back.
const FlowTTL = 10 * time.Minute

// Service runs sign-ins and the connected accounts.
type Service struct {
	// Providers are the configured ways to sign in, in button order.
	Providers []Provider
	Store     Store
	Users     folio.UserService
	Gate      *invite.Service
	// Audit records each sign-in, refusal, link and unlink; nil: none.
	Audit audit.Recorder
}

// Provider returns the configured provider id, or ENOTFOUND.
func (s *Service) Provider(id string) (Provider, error) {
	for _, p := range s.Providers {
		if p.ID() == id {
			return p, nil
		}
	}
	return nil, folio.Errorf(folio.ENOTFOUND, "No sign-in provider %q is configured.", id)
}

// record writes an audit entry about userID (0: nobody) through provider.
func (s *Service) record(ctx context.Context, kind audit.Kind, userID int64, provider string, detail ...string) error {
	d := map[string]string{"provider": provider}
	for i := 0; i+1 < len(detail); i += 2 {
		d[detail[i]] = detail[i+1]
	}
	return audit.Record(ctx, s.Audit, audit.Event{UserID: userID, Kind: kind, Detail: d})
}

// Begin starts a sign-in through provider id: userID is the signed-in
// owner who connects an identity (0 to sign in), inviteToken the
// invitation a new person signs up with. It returns the provider's URL
// to send the browser to and the state the browser must bring back (in
// the cookie that binds the flow to it).
func (s *Service) Begin(ctx context.Context, id string, userID int64, inviteToken string) (redirect, state string, err error) {
	p, err := s.Provider(id)
	if err != nil {
		return "", "", err
	}
	if len(inviteToken) > 64 {
		inviteToken = ""
	}
	state, nonce, verifier := auth.NewSecret(""), auth.NewSecret(""), oauth2.GenerateVerifier()
	f := &Flow{StateHash: hashState(state), Provider: id, Nonce: nonce, Verifier: verifier, UserID: userID, Invite: inviteToken,
		ExpiresAt: time.Now().Add(FlowTTL)}
	redirect, err = p.AuthCodeURL(ctx, state, nonce, verifier)
	if err != nil {
		return "", "", err
	}
	if err := s.Store.PutFlow(ctx, f); err != nil {
		return "", "", err
	}
	return redirect, state, nil
}

// Outcome is a finished flow.
type Outcome struct {
	User *folio.User
	// Linked: a signed-in owner connected an identity (no new session).
	Linked bool
	// Created: the sign-in made a new account.
	Created bool
	// Provider is the provider's label, for messages.
	Provider string
}

var errBadState = folio.Errorf(folio.EUNAUTHORIZED, "This sign-in link has expired or was used already. Start again from the log in page.")

// Finish completes the flow whose state came back from provider id in
// the query (state) and the browser's cookie (cookieState): the state is
// used up whatever happens next. A sign-in resolves the identity to its
// account, or makes an account when the registration mode allows; a
// first sign-in whose address has an account is refused (ECONFLICT)
// until its owner connects the identity while signed in. Returns
// EUNAUTHORIZED for a state that does not match, expired or was used, and
// the provider's refusals (see Provider.Exchange).
func (s *Service) Finish(ctx context.Context, id, state, cookieState, code string) (*Outcome, error) {
	out, err := s.finish(ctx, id, state, cookieState, code)
	if err != nil && folio.ErrorCode(err) != folio.EINTERNAL {
		// Refusals are recorded (the reason as a code: never the address
		// the provider gave, which may be another person's account's).
		if rerr := s.record(ctx, audit.LoginFailed, refusedUser(err), id, "method", "sso", "reason", reasonOf(err)); rerr != nil {
			return nil, rerr
		}
	}
	return out, err
}

func (s *Service) finish(ctx context.Context, id, state, cookieState, code string) (*Outcome, error) {
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	if state == "" || len(state) > 64 || subtle.ConstantTimeCompare([]byte(state), []byte(cookieState)) != 1 {
		return nil, errBadState
	}
	f, err := s.Store.TakeFlow(ctx, hashState(state))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, errBadState
	} else if err != nil {
		return nil, err
	}
	if f.Provider != id || code == "" || len(code) > 2048 {
		return nil, errBadState
	}
	c, err := p.Exchange(ctx, code, f.Verifier, f.Nonce)
	if err != nil {
		return nil, err
	}
	if f.UserID != 0 {
		return s.link(ctx, p, f.UserID, c)
	}
	return s.signIn(ctx, p, c, f.Invite)
}

func (s *Service) signIn(ctx context.Context, p Provider, c *Claims, inviteToken string) (*Outcome, error) {
	ident, err := s.Store.IdentityBySubject(ctx, c.Provider, c.Subject)
	if err == nil {
		u, err := s.Users.UserByID(ctx, ident.UserID)
		if err != nil {
			return nil, err
		}
		if err := auth.Active(u); err != nil {
			return nil, &refusal{userID: u.ID, err: err}
		}
		if err := s.Store.TouchIdentity(ctx, ident.ID, c.Email); err != nil {
			return nil, err
		}
		if err := s.record(ctx, audit.SSOLogin, u.ID, c.Provider); err != nil {
			return nil, err
		}
		return &Outcome{User: u, Provider: p.Label()}, nil
	} else if folio.ErrorCode(err) != folio.ENOTFOUND {
		return nil, err
	}
	// No takeover by address: the owner of an account with this address
	// connects the identity after signing in the way they do now.
	if _, err := s.Users.UserByEmail(ctx, c.Email); err == nil {
		return nil, &refusal{reason: "email_has_account", err: &folio.Error{Code: folio.ECONFLICT, Message: fmt.Sprintf(
			"An account with the address %s exists already. Log in to it with your password, then connect %s under Connected accounts in your dashboard.", c.Email, p.Label())}}
	} else if folio.ErrorCode(err) != folio.ENOTFOUND {
		return nil, err
	}
	u, err := s.Gate.SignUpSSO(ctx, invite.NewAccount{Email: c.Email, Name: c.Name, Handle: c.Handle}, inviteToken)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if err := s.Store.CreateIdentity(ctx, &Identity{UserID: u.ID, Provider: c.Provider, Subject: c.Subject, Email: c.Email, LastLoginAt: &now}); err != nil {
		return nil, err
	}
	if err := s.record(ctx, audit.SSOLogin, u.ID, c.Provider, "account", "created"); err != nil {
		return nil, err
	}
	return &Outcome{User: u, Created: true, Provider: p.Label()}, nil
}

func (s *Service) link(ctx context.Context, p Provider, userID int64, c *Claims) (*Outcome, error) {
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	ident, err := s.Store.IdentityBySubject(ctx, c.Provider, c.Subject)
	switch {
	case err == nil && ident.UserID == userID:
		return &Outcome{User: u, Linked: true, Provider: p.Label()}, nil
	case err == nil:
		return nil, &refusal{userID: userID, reason: "identity_taken",
			err: folio.Errorf(folio.ECONFLICT, "This %s account is connected to another Folio account. Disconnect it there first.", p.Label())}
	case folio.ErrorCode(err) != folio.ENOTFOUND:
		return nil, err
	}
	if err := s.Store.CreateIdentity(ctx, &Identity{UserID: userID, Provider: c.Provider, Subject: c.Subject, Email: c.Email}); err != nil {
		if folio.ErrorCode(err) == folio.ECONFLICT {
			return nil, &refusal{userID: userID, reason: "provider_connected",
				err: folio.Errorf(folio.ECONFLICT, "Your account is connected to another %s account already. Disconnect that one first.", p.Label())}
		}
		return nil, err
	}
	if err := s.record(ctx, audit.IdentityLinked, userID, c.Provider); err != nil {
		return nil, err
	}
	return &Outcome{User: u, Linked: true, Provider: p.Label()}, nil
}

// Identities lists userID's connected accounts.
func (s *Service) Identities(ctx context.Context, userID int64) ([]*Identity, error) {
	return s.Store.Identities(ctx, userID)
}

// Unlink disconnects userID's identity id. An account without a password
// keeps at least one identity: otherwise nobody could sign in to it
// (ECONFLICT; its owner sets a password with a reset link first).
// Another account's identity is ENOTFOUND.
func (s *Service) Unlink(ctx context.Context, userID, id int64) error {
	ids, err := s.Store.Identities(ctx, userID)
	if err != nil {
		return err
	}
	var found *Identity
	for _, i := range ids {
		if i.ID == id {
			found = i
		}
	}
	if found == nil {
		return folio.Errorf(folio.ENOTFOUND, "No such connected account.")
	}
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.PasswordHash == "" && len(ids) == 1 {
		return folio.Errorf(folio.ECONFLICT, "This is the only way to sign in to your account. Set a password first (Log in → Forgot password), then disconnect it.")
	}
	if err := s.Store.DeleteIdentity(ctx, userID, id); err != nil {
		return err
	}
	return s.record(ctx, audit.IdentityUnlinked, userID, found.Provider)
}

// HasIdentity reports whether userID has a connected identity.
func (s *Service) HasIdentity(ctx context.Context, userID int64) (bool, error) {
	ids, err := s.Store.Identities(ctx, userID)
	return len(ids) > 0, err
}

// refusal is a refused sign-in with what the audit log says of it: the
// account concerned (0: none) and the reason's code.
type refusal struct {
	userID int64
	reason string
	err    error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

func refusedUser(err error) int64 {
	var r *refusal
	if errors.As(err, &r) {
		return r.userID
	}
	return 0
}

// Reason is a refused sign-in's code, as the audit log records it
// ("email_has_account", "bad_state", "invite_only"...; the folio error
// code for other errors): pages say the refusal in the reader's language
// from it, since the error's message is English.
func Reason(err error) string { return reasonOf(err) }

// reasonOf is a refusal's code for the audit log.
func reasonOf(err error) string {
	var r *refusal
	switch {
	case errors.As(err, &r) && r.reason != "":
		return r.reason
	case errors.Is(err, auth.ErrSuspended):
		return "suspended"
	case errors.Is(err, errBadState):
		return "bad_state"
	case errors.Is(err, errNotVerified):
		return "token_not_verified"
	case errors.Is(err, errUnverifiedEmail):
		return "email_unverified"
	case errors.Is(err, errDomain):
		return "domain_not_allowed"
	case errors.Is(err, invite.ErrInviteOnly):
		return "invite_only"
	case errors.Is(err, invite.ErrBadInvite):
		return "bad_invitation"
	}
	return folio.ErrorCode(err)
}
