package main

import (
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/sso"
)

// registration is the configured registration mode (validated by config).
func (a *app) registration() invite.Mode {
	mode, _ := invite.ParseMode(a.cfg.SSO.Registration)
	return mode
}

// ssoProviders are the configured single sign-on providers: OpenID
// Connect when FOLIO_OIDC_ISSUER is set, GitHub when
// FOLIO_GITHUB_CLIENT_ID is. With neither, the sign-in buttons are not
// shown (make dev runs so).
func (a *app) ssoProviders() []sso.Provider {
	c := a.cfg.SSO
	callback := func(id string) string { return a.cfg.BaseURL.JoinPath("auth", "sso", id, "callback").String() }
	var out []sso.Provider
	if c.OIDCIssuer != "" {
		out = append(out, sso.NewOIDC(sso.OIDCConfig{
			Issuer: c.OIDCIssuer, ClientID: c.OIDCClientID, ClientSecret: c.OIDCClientSecret,
			RedirectURL: callback(sso.ProviderOIDC), DisplayName: c.OIDCDisplayName,
			HandleClaim: c.OIDCHandleClaim, AllowedDomains: c.OIDCAllowedDomains,
		}))
	}
	if c.GitHubClientID != "" {
		out = append(out, sso.NewGitHub(sso.GitHubConfig{
			ClientID: c.GitHubClientID, ClientSecret: c.GitHubClientSecret, RedirectURL: callback(sso.ProviderGitHub),
			AuthURL: c.GitHubAuthURL, TokenURL: c.GitHubTokenURL, APIURL: c.GitHubAPIURL,
		}))
	}
	return out
}
