package server_test

import (
	"net/url"
	"strings"
	"testing"
)

func TestSessionsPageRevokesASessionByForm(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	laptop := a.loginAgain(ada, firefoxUA)
	a.expect(req{method: "GET", path: "/api/v1/me", token: laptop, headers: firefoxUA}, 200)
	body := string(a.page(ada, "/dashboard/sessions").body)
	for _, want := range []string{"Firefox 128 on Linux", "(this session)", "Signed in", "Security log"} {
		if !strings.Contains(body, want) {
			t.Errorf("the security page lacks %q", want)
		}
	}
	list := items(t, a.expect(req{method: "GET", path: "/api/v1/me/sessions", token: laptop}, 200))
	var laptopID string
	for _, s := range list {
		if s["current"] == true {
			laptopID = itoa(id(s))
		}
	}
	path := "/dashboard/sessions/sessions/" + laptopID + "/revoke"
	if r := a.form(ada, path, url.Values{}); r.status != 403 {
		t.Fatalf("a form without the CSRF token answered %d", r.status)
	}
	// Bob cannot end Ada's session with his own valid form.
	if r := a.form(bob, path, url.Values{"_csrf": {csrfOf(t, bob)}}); r.status != 404 {
		t.Fatalf("bob revoking ada's session: %d", r.status)
	}
	a.expect(req{method: "GET", path: "/api/v1/me", token: laptop}, 200)
	if r := a.form(ada, path, url.Values{"_csrf": {csrfOf(t, ada)}}); r.status != 303 {
		t.Fatalf("revoke form: %d %s", r.status, r.body)
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: laptop}), 401, "unauthorized")
}

func TestAdminPagesAreForAdministratorsOnly(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	chief, ada := a.signUp("chief"), a.signUp("ada")
	for _, path := range []string{"/admin/users", "/admin/users/" + itoa(chief.id)} {
		if r := a.page(ada, path); r.status != 404 {
			t.Errorf("%s to a non-admin: %d", path, r.status)
		}
	}
	if r := a.form(ada, "/admin/users/"+itoa(chief.id)+"/grant", url.Values{"_csrf": {csrfOf(t, ada)}}); r.status != 404 {
		t.Errorf("a non-admin's grant form answered %d", r.status)
	}
	list := string(a.page(chief, "/admin/users?q=ad").body)
	if !strings.Contains(list, `href="/admin/users/`+itoa(ada.id)+`"`) || strings.Contains(list, `href="/admin/users/`+itoa(chief.id)+`"`) {
		t.Fatalf("search for ad: %s", list)
	}
	if r := a.form(chief, "/admin/users/"+itoa(ada.id)+"/suspend", url.Values{"_csrf": {csrfOf(t, chief)}}); r.status != 303 {
		t.Fatalf("suspend form: %d %s", r.status, r.body)
	}
	detail := string(a.page(chief, "/admin/users/"+itoa(ada.id)).body)
	if !strings.Contains(detail, "Suspended since") || !strings.Contains(detail, "Account suspended by an administrator") {
		t.Fatalf("the account's page after suspension: %s", detail)
	}
	if r := a.form(chief, "/admin/users/"+itoa(chief.id)+"/revoke", url.Values{"_csrf": {csrfOf(t, chief)}}); r.status != 409 ||
		!strings.Contains(string(r.body), "last administrator") {
		t.Fatalf("the last admin revoking themselves: %d", r.status)
	}
}
