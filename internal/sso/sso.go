// Package sso signs people in through outside identity providers: any
// OpenID Connect issuer (discovery, authorization code flow with PKCE,
// state and nonce, ID token verified by github.com/coreos/go-oidc/v3) and
// GitHub (OAuth2, the verified primary address from /user/emails).
//
// An identity is the provider's stable subject, never its email: a first
// sign-in whose address belongs to an account is refused until the owner
// signs in to that account and connects the identity (no takeover by a
// matching email). New people get an account when the registration mode
// allows it (internal/invite).
package sso

import (
	"context"
	"crypto/sha256"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// Provider ids, as stored in identities.provider and used in paths.
const (
	ProviderOIDC   = "oidc"
	ProviderGitHub = "github"
)

// Claims is who a provider says signed in. Providers return only claims
// whose email the provider has verified (EFORBIDDEN otherwise).
type Claims struct {
	Provider string
	Subject  string
	Email    string
	Name     string
	// Handle is the provider's suggestion for the portfolio handle (the
	// configured claim, or the GitHub login); made valid and unique when
	// an account is created.
	Handle string
}

// Provider is one way to sign in.
type Provider interface {
	// ID is the provider's id (ProviderOIDC, ProviderGitHub).
	ID() string
	// Label is the name on its button ("Acme SSO", "GitHub").
	Label() string
	// AuthCodeURL is where the browser goes to sign in; state, nonce and
	// the PKCE verifier come back to Exchange.
	AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error)
	// Exchange redeems the code and returns the verified claims. Returns
	// EUNAUTHORIZED when the provider's answer does not verify (audience,
	// expiry, signature, nonce) and EFORBIDDEN for an unverified address
	// or one outside the allowed domains.
	Exchange(ctx context.Context, code, verifier, nonce string) (*Claims, error)
}

// Identity is an account's sign-in through a provider.
type Identity struct {
	ID          int64
	UserID      int64
	Provider    string
	Subject     string
	Email       string
	CreatedAt   time.Time
	LastLoginAt *time.Time
}

// Flow is a sign-in in progress, between the redirect to the provider and
// its return. Only the SHA-256 of the state is stored; the browser holds
// the state in a cookie.
type Flow struct {
	StateHash []byte
	Provider  string
	Nonce     string
	Verifier  string
	// UserID is the signed-in owner who connects an identity; 0 for a
	// sign-in.
	UserID int64
	// Invite is the invitation token a new person signs up with, in
	// invite-only mode.
	Invite    string
	ExpiresAt time.Time
}

// Store keeps identities and flows.
type Store interface {
	// PutFlow stores a new flow.
	PutFlow(ctx context.Context, f *Flow) error
	// TakeFlow deletes and returns the flow of stateHash. Returns
	// ENOTFOUND when there is none or it expired: a state works once.
	TakeFlow(ctx context.Context, stateHash []byte) (*Flow, error)
	// IdentityBySubject returns ENOTFOUND when nobody signs in with it.
	IdentityBySubject(ctx context.Context, provider, subject string) (*Identity, error)
	// CreateIdentity returns ECONFLICT when the subject is connected to an
	// account already, or the account has an identity of that provider.
	CreateIdentity(ctx context.Context, id *Identity) error
	// TouchIdentity records a sign-in with the address the provider gave.
	TouchIdentity(ctx context.Context, id int64, email string) error
	// Identities lists userID's identities, oldest first.
	Identities(ctx context.Context, userID int64) ([]*Identity, error)
	// DeleteIdentity removes userID's identity id; another account's is
	// ENOTFOUND.
	DeleteIdentity(ctx context.Context, userID, id int64) error
}

// hashState is the stored form of a state.
func hashState(state string) []byte {
	sum := sha256.Sum256([]byte(state))
	return sum[:]
}

// emailDomain is the lowercase domain of an address.
func emailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(email[at+1:])
}

// allowedDomain reports whether email's domain is one of domains (any
// domain when there are none).
func allowedDomain(email string, domains []string) bool {
	if len(domains) == 0 {
		return true
	}
	d := emailDomain(email)
	for _, a := range domains {
		if d != "" && d == strings.ToLower(strings.TrimPrefix(a, "@")) {
			return true
		}
	}
	return false
}

var (
	errUnverifiedEmail = folio.Errorf(folio.EFORBIDDEN, "Your sign-in provider has not verified your email address, so Folio cannot use it. Verify it there and try again.")
	errDomain          = folio.Errorf(folio.EFORBIDDEN, "Accounts with this email domain cannot sign in here.")
	errNotVerified     = folio.Errorf(folio.EUNAUTHORIZED, "The sign-in provider's answer could not be verified. Try again.")
)
