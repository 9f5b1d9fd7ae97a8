package mfa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

// errPasskey is the one answer to a passkey that does not sign in: the
// reason (unknown credential, bad signature, expired ceremony) is not told.
var errPasskey = &folio.Error{Code: folio.EUNAUTHORIZED, Message: "This passkey could not sign you in."}

// relyingParty returns the WebAuthn relying party, made on first use from
// BaseURL: its id is the host name and its origin the URL's origin.
func (s *Service) relyingParty() (*webauthn.WebAuthn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wa != nil {
		return s.wa, nil
	}
	if s.BaseURL == nil {
		return nil, errors.New("mfa: no base URL for passkeys")
	}
	origin := s.BaseURL.Scheme + "://" + s.BaseURL.Host
	wa, err := webauthn.New(&webauthn.Config{RPID: s.BaseURL.Hostname(), RPDisplayName: "Folio", RPOrigins: []string{origin}})
	if err != nil {
		return nil, fmt.Errorf("mfa: passkeys for %s: %w", origin, err)
	}
	s.wa = wa
	return wa, nil
}

// passkeyUser is an account as go-webauthn sees it.
type passkeyUser struct {
	handle []byte
	u      *folio.User
	keys   []*Passkey
	creds  []webauthn.Credential
}

func (p *passkeyUser) WebAuthnID() []byte                         { return p.handle }
func (p *passkeyUser) WebAuthnName() string                       { return p.u.Email }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.u.DisplayName }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// keyFor is the stored passkey of a credential the user signed in with.
func (p *passkeyUser) keyFor(id []byte) *Passkey {
	for _, k := range p.keys {
		if bytes.Equal(k.CredentialID, id) {
			return k
		}
	}
	return nil
}

func (s *Service) passkeyUser(ctx context.Context, userID int64) (*passkeyUser, error) {
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	handle, err := s.Store.WebAuthnHandle(ctx, userID)
	if err != nil {
		return nil, err
	}
	keys, err := s.Store.Passkeys(ctx, userID)
	if err != nil {
		return nil, err
	}
	pu := &passkeyUser{handle: handle, u: u, keys: keys}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Data, &c); err != nil {
			return nil, fmt.Errorf("mfa: passkey %d: %w", k.ID, err)
		}
		pu.creds = append(pu.creds, c)
	}
	return pu, nil
}

// ceremony is what a passkey ceremony keeps between begin and finish.
type ceremony struct {
	Session webauthn.SessionData `json:"session"`
	// Pending is the hash of the pending login a second-factor passkey
	// completes; nil for a passkey sign-in on its own.
	Pending []byte `json:"pending,omitempty"`
}

func (s *Service) saveCeremony(ctx context.Context, kind string, userID int64, c ceremony) (string, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	token, _, err := s.newChallenge(ctx, kind, userID, data, CeremonyTTL)
	return token, err
}

func (s *Service) takeCeremony(ctx context.Context, token, kind string) (*Challenge, ceremony, error) {
	var cer ceremony
	c, err := s.Store.TakeChallenge(ctx, auth.HashToken(token), kind)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, cer, errPasskey
	} else if err != nil {
		return nil, cer, err
	}
	if err := json.Unmarshal(c.Data, &cer); err != nil {
		return nil, cer, fmt.Errorf("mfa: ceremony: %w", err)
	}
	return c, cer, nil
}

// BeginPasskeyRegistration starts adding a passkey to u: the options for
// navigator.credentials.create and the ceremony token to finish with.
// The passkey is discoverable (a resident key), so it signs in without an
// email. EINVALID when the account has MaxPasskeys.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, u *folio.User) (*protocol.CredentialCreation, string, error) {
	wa, err := s.relyingParty()
	if err != nil {
		return nil, "", err
	}
	pu, err := s.passkeyUser(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	if len(pu.keys) >= MaxPasskeys {
		return nil, "", folio.Errorf(folio.EINVALID, "An account may have %d passkeys; remove one first.", MaxPasskeys)
	}
	creation, session, err := wa.BeginRegistration(pu,
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationPreferred,
		}),
		webauthn.WithExclusions(webauthn.Credentials(pu.creds).CredentialDescriptors()))
	if err != nil {
		return nil, "", err
	}
	token, err := s.saveCeremony(ctx, KindPasskeyRegister, u.ID, ceremony{Session: *session})
	return creation, token, err
}

// FinishPasskeyRegistration checks the authenticator's answer (response,
// the PublicKeyCredential as JSON) and stores the passkey named name.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, u *folio.User, token, name string, response []byte) (*Passkey, error) {
	name, err := passkeyName(name)
	if err != nil {
		return nil, err
	}
	wa, err := s.relyingParty()
	if err != nil {
		return nil, err
	}
	c, cer, err := s.takeCeremony(ctx, token, KindPasskeyRegister)
	if err != nil || c.UserID != u.ID {
		return nil, firstErr(err, errPasskey)
	}
	pu, err := s.passkeyUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, folio.Errorf(folio.EINVALID, "The passkey's answer is not valid.")
	}
	cred, err := wa.CreateCredential(pu, cer.Session, parsed)
	if err != nil {
		return nil, folio.Errorf(folio.EINVALID, "The passkey could not be registered.")
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	p := &Passkey{UserID: u.ID, CredentialID: cred.ID, Name: name, Data: data}
	if err := s.Store.AddPasskey(ctx, p); err != nil {
		return nil, err
	}
	if err := s.record(ctx, u.ID, audit.PasskeyAdded, map[string]string{"passkey": strconv.FormatInt(p.ID, 10), "name": name}); err != nil {
		return nil, err
	}
	return p, nil
}

// passkeyName trims a passkey's label and checks it; "" is "Passkey".
func passkeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "Passkey", nil
	}
	if utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return "", &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
			Fields: []folio.FieldError{{Field: "name", Message: "must be at most 100 characters"}}}
	}
	return name, nil
}

// BeginPasskeyLogin starts a passkey sign-in: on its own (pending "": any
// discoverable passkey of this site, with user verification), or as the
// second factor of a pending login (one of that account's passkeys).
func (s *Service) BeginPasskeyLogin(ctx context.Context, pending string) (*protocol.CredentialAssertion, string, error) {
	wa, err := s.relyingParty()
	if err != nil {
		return nil, "", err
	}
	if pending == "" {
		assertion, session, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
		if err != nil {
			return nil, "", err
		}
		token, err := s.saveCeremony(ctx, KindPasskeyLogin, 0, ceremony{Session: *session})
		return assertion, token, err
	}
	hash := auth.HashToken(pending)
	c, err := s.Store.Challenge(ctx, hash, KindLogin)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, "", errNoPending
	} else if err != nil {
		return nil, "", err
	}
	pu, err := s.passkeyUser(ctx, c.UserID)
	if err != nil {
		return nil, "", err
	}
	if len(pu.creds) == 0 {
		return nil, "", folio.Errorf(folio.EINVALID, "This account has no passkey.")
	}
	assertion, session, err := wa.BeginLogin(pu, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, "", err
	}
	token, err := s.saveCeremony(ctx, KindPasskeyLogin, c.UserID, ceremony{Session: *session, Pending: hash})
	return assertion, token, err
}

// FinishPasskeyLogin checks the authenticator's answer and opens a session.
func (s *Service) FinishPasskeyLogin(ctx context.Context, token string, response []byte) (*Login, error) {
	wa, err := s.relyingParty()
	if err != nil {
		return nil, err
	}
	c, cer, err := s.takeCeremony(ctx, token, KindPasskeyLogin)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, errPasskey
	}
	var pu *passkeyUser
	var cred *webauthn.Credential
	if cer.Pending != nil {
		if pu, err = s.passkeyUser(ctx, c.UserID); err != nil {
			return nil, err
		}
		cred, err = wa.ValidateLogin(pu, cer.Session, parsed)
	} else {
		_, cred, err = wa.ValidatePasskeyLogin(func(_, handle []byte) (webauthn.User, error) {
			userID, err := s.Store.UserByWebAuthnHandle(ctx, handle)
			if err != nil {
				return nil, err
			}
			if pu, err = s.passkeyUser(ctx, userID); err != nil {
				return nil, err
			}
			return pu, nil
		}, cer.Session, parsed)
	}
	if err != nil || pu == nil {
		if pu != nil {
			return nil, s.secondFactorFailed(ctx, pu.u.ID, MethodPasskey, errPasskey)
		}
		return nil, errPasskey
	}
	if err := s.passkeyUsed(ctx, pu, cred); err != nil {
		return nil, err
	}
	if cer.Pending != nil {
		return s.finishPending(ctx, cer.Pending, MethodPasskey)
	}
	return s.openSession(ctx, pu.u.ID, MethodPasskey)
}

// passkeyUsed stores the credential's new sign count; a count that did not
// move forward (a cloned authenticator) refuses the sign-in.
func (s *Service) passkeyUsed(ctx context.Context, pu *passkeyUser, cred *webauthn.Credential) error {
	key := pu.keyFor(cred.ID)
	if key == nil || cred.Authenticator.CloneWarning {
		return errPasskey
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	return s.Store.PasskeyUsed(ctx, key.ID, data)
}

// Passkeys lists userID's passkeys, oldest first.
func (s *Service) Passkeys(ctx context.Context, userID int64) ([]*Passkey, error) {
	return s.Store.Passkeys(ctx, userID)
}

// RenamePasskey relabels one of userID's passkeys; ENOTFOUND for another's.
func (s *Service) RenamePasskey(ctx context.Context, userID, id int64, name string) error {
	name, err := passkeyName(name)
	if err != nil {
		return err
	}
	if err := s.Store.RenamePasskey(ctx, userID, id, name); err != nil {
		return err
	}
	return s.record(ctx, userID, audit.PasskeyRenamed, map[string]string{"passkey": strconv.FormatInt(id, 10), "name": name})
}

// DeletePasskey removes one of userID's passkeys; ENOTFOUND for another's.
func (s *Service) DeletePasskey(ctx context.Context, userID, id int64) error {
	if err := s.Store.DeletePasskey(ctx, userID, id); err != nil {
		return err
	}
	return s.record(ctx, userID, audit.PasskeyRemoved, map[string]string{"passkey": strconv.FormatInt(id, 10)})
}
