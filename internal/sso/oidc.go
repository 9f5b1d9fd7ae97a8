package sso

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/foliohq/folio/internal/folio"
)

// OIDCConfig configures sign-in through an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is Folio's callback, registered with the provider:
	// {base}/auth/sso/oidc/callback.
	RedirectURL string
	// DisplayName is the name on the button ("Sign in with ...").
	DisplayName string
	// HandleClaim is the claim that suggests the portfolio handle
	// (default "preferred_username").
	HandleClaim string
	// AllowedDomains, when set, are the only email domains that may sign
	// in (a school's or company's own).
	AllowedDomains []string
	// HTTPClient talks to the provider (default: a client with a ten
	// second timeout).
	HTTPClient *http.Client
}

// OIDC signs in through an OpenID Connect provider. Discovery happens on
// first use and is retried until it works, so that Folio starts while
// the provider is down.
type OIDC struct {
	cfg OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
}

// NewOIDC returns the provider of cfg.
func NewOIDC(cfg OIDCConfig) *OIDC {
	if cfg.HandleClaim == "" {
		cfg.HandleClaim = "preferred_username"
	}
	if cfg.DisplayName == "" {
		cfg.DisplayName = "single sign-on"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &OIDC{cfg: cfg}
}

// ID implements Provider.
func (o *OIDC) ID() string { return ProviderOIDC }

// Label implements Provider.
func (o *OIDC) Label() string { return o.cfg.DisplayName }

// clientContext makes go-oidc and oauth2 use the configured client.
func (o *OIDC) clientContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.cfg.HTTPClient)
}

// discover fetches the provider's configuration once it is reachable.
func (o *OIDC) discover(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return nil
	}
	// The key set fetches keys later with this context: it must outlive
	// the request that happens to discover.
	p, err := oidc.NewProvider(o.clientContext(context.WithoutCancel(ctx)), o.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("sso: discovery of %s: %w", o.cfg.Issuer, &folio.Error{Code: folio.EUNAVAILABLE, Message: "The sign-in provider cannot be reached. Try again in a moment."})
	}
	o.provider = p
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	o.oauth = oauth2.Config{
		ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
	return nil
}

// AuthCodeURL implements Provider.
func (o *OIDC) AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	if err := o.discover(ctx); err != nil {
		return "", err
	}
	return o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// idClaims are the claims Folio reads, from the ID token or userinfo.
type idClaims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"` // a boolean, or "true" from some providers
	Name          string `json:"name"`
}

func (c idClaims) verified() bool {
	switch v := c.EmailVerified.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// Exchange implements Provider: the code is redeemed with the PKCE
// verifier, the ID token is verified (signature, issuer, audience,
// expiry) and its nonce compared with the flow's. The address comes from
// the ID token, or from the userinfo endpoint when the token has none
// (whose subject must be the token's).
func (o *OIDC) Exchange(ctx context.Context, code, verifier, nonce string) (*Claims, error) {
	if err := o.discover(ctx); err != nil {
		return nil, err
	}
	ctx = o.clientContext(ctx)
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("sso: oidc code exchange: %v: %w", err, errNotVerified)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("sso: oidc: no id_token: %w", errNotVerified)
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("sso: oidc: id token: %v: %w", err, errNotVerified)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("sso: oidc: nonce mismatch: %w", errNotVerified)
	}
	var c idClaims
	all := map[string]any{}
	if err := idt.Claims(&c); err != nil {
		return nil, fmt.Errorf("sso: oidc: claims: %v: %w", err, errNotVerified)
	}
	_ = idt.Claims(&all)
	if c.Email == "" {
		ui, err := o.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, fmt.Errorf("sso: oidc: userinfo: %v: %w", err, errNotVerified)
		}
		if ui.Subject != idt.Subject {
			return nil, fmt.Errorf("sso: oidc: userinfo subject differs: %w", errNotVerified)
		}
		if err := ui.Claims(&c); err != nil {
			return nil, fmt.Errorf("sso: oidc: userinfo claims: %v: %w", err, errNotVerified)
		}
		_ = ui.Claims(&all)
	}
	if c.Email == "" || !c.verified() {
		return nil, errUnverifiedEmail
	}
	if !allowedDomain(c.Email, o.cfg.AllowedDomains) {
		return nil, errDomain
	}
	handle, _ := all[o.cfg.HandleClaim].(string)
	return &Claims{Provider: ProviderOIDC, Subject: idt.Subject, Email: c.Email, Name: c.Name, Handle: handle}, nil
}
