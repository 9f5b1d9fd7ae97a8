package main

import "testing"

// TestBrowserTwoFactor runs web/e2e/twofactor.mjs in headless Chromium
// against `folio dev` on localhost (a passkey's relying party must be a
// domain): two-factor set-up from the QR page's key, a login with a code
// computed by the script, a passkey registered on Chrome's virtual
// authenticator and a sign-in with it alone.
func TestBrowserTwoFactor(t *testing.T) {
	b := startBrowserStackAt(t, "localhost")
	b.run(t, "twofactor.mjs")
}
