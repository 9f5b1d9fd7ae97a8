package main

import (
	"testing"

	"github.com/foliohq/folio/internal/testenv/oidcprovider"
)

// TestBrowserSSOFlow runs web/e2e/sso.mjs in headless Chromium against a
// real `folio dev` configured with a real OpenID provider (zitadel/oidc's
// OP, internal/testenv/oidcprovider): the person signs in on the
// provider's own login page and lands on a new account's dashboard; an
// address the provider has not verified is refused.
func TestBrowserSSOFlow(t *testing.T) {
	var op *oidcprovider.Provider
	b := startBrowserStackFor(t, "", func(base string) []string {
		op = oidcprovider.Start(t, oidcprovider.Client{ID: "folio", Secret: "folio-browser-secret", RedirectURI: base + "/auth/sso/oidc/callback"})
		return []string{"FOLIO_OIDC_ISSUER=" + op.Issuer, "FOLIO_OIDC_CLIENT_ID=folio", "FOLIO_OIDC_CLIENT_SECRET=folio-browser-secret",
			"FOLIO_OIDC_DISPLAY_NAME=Test SSO"}
	})
	op.AddUser(oidcprovider.User{Subject: "sub-grace", Username: "grace.browser", Password: "grace-password",
		Email: "grace.browser@school.test", EmailVerified: true, FirstName: "Grace", LastName: "Browser"})
	op.AddUser(oidcprovider.User{Subject: "sub-ghost", Username: "ghost", Password: "ghost-password",
		Email: "ghost@school.test", EmailVerified: false, FirstName: "Ghost", LastName: "Unverified"})
	b.run(t, "sso.mjs")
}
