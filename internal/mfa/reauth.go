package mfa

import (
	"context"
	"strconv"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

var errReauthSession = folio.Errorf(folio.EFORBIDDEN, "Only a browser or app session can confirm its sign-in; API tokens cannot.")

// Reauthenticate confirms the sign-in of id's session with the password
// and, when two-factor authentication is on, a TOTP or recovery code
// (code). The session then counts as fresh for ReauthWindow. Returns
// auth.ErrWrongPassword for a wrong password (callers limit those) and
// EUNAUTHORIZED for a wrong code.
func (s *Service) Reauthenticate(ctx context.Context, id *auth.Identity, password, code string) error {
	if id == nil || id.Session == nil {
		return errReauthSession
	}
	u, err := s.Users.UserByID(ctx, id.User.ID)
	if err != nil {
		return err
	}
	if err := s.Auth.CheckPassword(u, password); err != nil {
		return err
	}
	on, err := s.Enabled(ctx, u.ID)
	if err != nil {
		return err
	}
	if on {
		if code == "" {
			return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
				Fields: []folio.FieldError{{Field: "code", Message: "is required: two-factor authentication is on"}}}
		}
		if err := s.VerifyTOTP(ctx, u.ID, code); err != nil {
			if folio.ErrorCode(err) != folio.EUNAUTHORIZED {
				return err
			}
			if rerr := s.UseRecoveryCode(ctx, u.ID, code); folio.ErrorCode(rerr) == folio.EUNAUTHORIZED {
				return s.secondFactorFailed(ctx, u.ID, "reauthentication", rerr)
			} else if rerr != nil {
				return rerr
			}
		}
	}
	return s.markFresh(ctx, id)
}

func (s *Service) markFresh(ctx context.Context, id *auth.Identity) error {
	if err := s.Store.MarkAuthenticated(ctx, id.Session.TokenHash); err != nil {
		return err
	}
	id.Session.AuthenticatedAt = s.now()
	return nil
}

// BeginPasskeyReauth starts confirming id's sign-in with one of the
// account's passkeys, with user verification.
func (s *Service) BeginPasskeyReauth(ctx context.Context, id *auth.Identity) (*protocol.CredentialAssertion, string, error) {
	if id == nil || id.Session == nil {
		return nil, "", errReauthSession
	}
	wa, err := s.relyingParty()
	if err != nil {
		return nil, "", err
	}
	pu, err := s.passkeyUser(ctx, id.User.ID)
	if err != nil {
		return nil, "", err
	}
	if len(pu.creds) == 0 {
		return nil, "", folio.Errorf(folio.EINVALID, "This account has no passkey.")
	}
	assertion, session, err := wa.BeginLogin(pu, webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, "", err
	}
	token, err := s.saveCeremony(ctx, KindPasskeyReauth, id.User.ID, ceremony{Session: *session})
	return assertion, token, err
}

// FinishPasskeyReauth checks the passkey's answer and marks id's session
// fresh.
func (s *Service) FinishPasskeyReauth(ctx context.Context, id *auth.Identity, token string, response []byte) error {
	if id == nil || id.Session == nil {
		return errReauthSession
	}
	wa, err := s.relyingParty()
	if err != nil {
		return err
	}
	c, cer, err := s.takeCeremony(ctx, token, KindPasskeyReauth)
	if err != nil || c.UserID != id.User.ID {
		return firstErr(err, errPasskey)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return errPasskey
	}
	pu, err := s.passkeyUser(ctx, id.User.ID)
	if err != nil {
		return err
	}
	cred, err := wa.ValidateLogin(pu, cer.Session, parsed)
	if err != nil {
		return errPasskey
	}
	if err := s.passkeyUsed(ctx, pu, cred); err != nil {
		return err
	}
	return s.markFresh(ctx, id)
}

func itoa(n int) string { return strconv.Itoa(n) }
