package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSecurityPagesTurnTwoFactorOnAndOffWithReauthentication(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	csrf := ada.login.json(t)["csrf_token"].(string)
	cookie := map[string]string{"Cookie": "folio_session=" + ada.token}
	form := func(path string, values url.Values, referer string) response {
		h := map[string]string{"Cookie": "folio_session=" + ada.token, "Content-Type": "application/x-www-form-urlencoded"}
		if referer != "" {
			h["Referer"] = referer
		}
		return a.do(req{method: "POST", path: path, body: values.Encode(), headers: h})
	}

	if page := string(a.expect(req{method: "GET", path: "/dashboard/security", headers: cookie}, 200).body); !strings.Contains(page, `data-testid="totp-state">Off`) {
		t.Fatalf("security page of an account without 2FA: %s", page)
	}
	page := string(a.expect(req{method: "GET", path: "/dashboard/security/totp", headers: cookie}, 200).body)
	if !strings.Contains(page, `src="data:image/png;base64,`) {
		t.Fatal("the set-up page has no QR code drawn by Folio")
	}
	secret := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if secret == nil {
		t.Fatalf("no key on the set-up page: %s", page)
	}
	// A reload shows the same key: a scan is not undone.
	if again := string(a.expect(req{method: "GET", path: "/dashboard/security/totp", headers: cookie}, 200).body); !strings.Contains(again, secret[1]) {
		t.Error("reloading the set-up page changed the key")
	}
	code := codeAt(t, secret[1], 0)
	if r := form("/dashboard/security/totp", url.Values{"code": {code}}, ""); r.status != 403 {
		t.Fatalf("a form without the CSRF field: %d", r.status)
	}
	a.expect(req{method: "POST", path: "/dashboard/security/totp", body: url.Values{"_csrf": {csrf}, "code": {"000000"}}.Encode(),
		headers: map[string]string{"Cookie": "folio_session=" + ada.token, "Content-Type": "application/x-www-form-urlencoded"}}, 422)
	r := form("/dashboard/security/totp", url.Values{"_csrf": {csrf}, "code": {code}}, "")
	if r.status != 200 || strings.Count(string(r.body), "<li><code>") != 10 {
		t.Fatalf("turning 2FA on shows ten recovery codes once: %d %s", r.status, r.body)
	}

	// Ten minutes later, turning it off needs the password and a code
	// first, and comes back to the page it was sent from.
	a.makeStale(ada.id)
	r = form("/dashboard/security/totp/disable", url.Values{"_csrf": {csrf}}, "http://example.com/dashboard/security")
	if r.status != 303 || r.header.Get("Location") != "/reauth?next=%2Fdashboard%2Fsecurity" {
		t.Fatalf("a stale form: %d %q", r.status, r.header.Get("Location"))
	}
	if page := string(a.expect(req{method: "GET", path: "/reauth?next=//evil.example/x", headers: cookie}, 200).body); !strings.Contains(page, `name="next" value="/dashboard"`) {
		t.Error("the re-authentication page must not return to another site")
	}
	r = form("/reauth", url.Values{"_csrf": {csrf}, "password": {"wrong password!"}, "code": {codeAt(t, secret[1], 30*time.Second)}, "next": {"/dashboard/security"}}, "")
	if r.status != 422 || !strings.Contains(string(r.body), "incorrect") {
		t.Fatalf("a wrong password: %d %s", r.status, r.body)
	}
	r = form("/reauth", url.Values{"_csrf": {csrf}, "password": {"correct horse battery"}, "code": {codeAt(t, secret[1], 30*time.Second)}, "next": {"/dashboard/security"}}, "")
	if r.status != 303 || r.header.Get("Location") != "/dashboard/security" {
		t.Fatalf("re-authentication: %d %q %s", r.status, r.header.Get("Location"), r.body)
	}
	r = form("/dashboard/security/totp/disable", url.Values{"_csrf": {csrf}}, "")
	if r.status != 303 || r.header.Get("Location") != "/dashboard/security?done=disabled" {
		t.Fatalf("turning 2FA off after re-authentication: %d %q", r.status, r.header.Get("Location"))
	}

	// The second step of a login needs a pending login.
	if r := a.do(req{method: "GET", path: "/login/two-factor"}); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Errorf("two-factor page without a pending login: %d %q", r.status, r.header.Get("Location"))
	}
	if r := a.do(req{method: "GET", path: "/dashboard/security"}); r.status != 303 {
		t.Errorf("security page for a visitor: %d", r.status)
	}
}
