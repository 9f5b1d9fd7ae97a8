package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/sso"
	"github.com/foliohq/folio/internal/testenv/githubprovider"
)

// browser is a signed-in owner's session cookie and CSRF token.
type browser struct{ session, csrf string }

func browserOf(t *testing.T, acct account) browser {
	t.Helper()
	var body api.LoginResponse
	if err := json.Unmarshal(acct.login.body, &body); err != nil {
		t.Fatal(err)
	}
	return browser{session: cookie(t, acct.login, "folio_session"), csrf: body.CSRFToken}
}

func (b browser) cookie() map[string]string {
	return map[string]string{"Cookie": "folio_session=" + b.session}
}

// TestSSONeverTakesOverAnAccountByItsEmail: a first sign-in whose address
// has an account is refused with what to do; once its owner, signed in,
// connects the identity, the sign-in opens that account.
func TestSSONeverTakesOverAnAccountByItsEmail(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	owner := e.signUp("owner")
	e.addUser("owner-at-idp", owner.email, true)

	refused(t, e.finish(e.begin("/auth/sso/oidc", "owner-at-idp", nil), ""), 409, "Log in to it with your password, then connect Test SSO")
	if n := e.countUsers(); n != 1 {
		t.Fatalf("%d accounts, want the owner's alone", n)
	}

	b := browserOf(t, owner)
	// Without the form's CSRF token, no link starts.
	e.expect(form("/auth/sso/oidc/link", url.Values{"_csrf": {"forged"}}, b.cookie()), 403)
	linked := e.finish(e.beginLink(b.session, b.csrf, "owner-at-idp"), "folio_session="+b.session)
	if linked.status != http.StatusSeeOther || linked.header.Get("Location") != "/dashboard/connected-accounts?linked=oidc" {
		t.Fatalf("link: status %d, Location %q; body %s", linked.status, linked.header.Get("Location"), linked.body)
	}
	page := e.expect(req{method: "GET", path: "/dashboard/connected-accounts?linked=oidc", headers: b.cookie()}, 200)
	if !strings.Contains(string(page.body), `data-testid="identity-oidc"`) || !strings.Contains(string(page.body), "Connected Test SSO") {
		t.Errorf("connected accounts page does not list the identity:\n%s", page.body)
	}

	session := e.login("owner-at-idp")
	me := e.expect(req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": "folio_session=" + session}}, 200).json(t)
	if id(me) != owner.id {
		t.Errorf("the sign-in opened account %d, want the owner's %d", id(me), owner.id)
	}
}

// TestSSOIdentityConnectsToOneAccount: an identity connected to one account
// cannot be connected to another, and another owner cannot see or
// disconnect it (404).
func TestSSOIdentityConnectsToOneAccount(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("shared", "shared@example.com", true)
	first := e.login("shared")

	other := e.signUp("other")
	b := browserOf(t, other)
	refused(t, e.finish(e.beginLink(b.session, b.csrf, "shared"), "folio_session="+b.session), 409, "connected to another Folio account")

	ids := e.expect(req{method: "GET", path: "/api/v1/me/identities", headers: map[string]string{"Cookie": "folio_session=" + first}}, 200).json(t)
	identity := int64(ids["items"].([]any)[0].(map[string]any)["id"].(float64))
	path := "/api/v1/me/identities/" + itoa(identity)
	assertProblem(t, e.do(req{method: "DELETE", path: path, token: other.token}), 404, "not_found")
	e.expect(form("/dashboard/connected-accounts/"+itoa(identity)+"/unlink", url.Values{"_csrf": {b.csrf}}, b.cookie()), 404)
	if got := e.expect(req{method: "GET", path: "/api/v1/me/identities", token: other.token}, 200).json(t)["items"].([]any); len(got) != 0 {
		t.Errorf("the other owner sees identities %v", got)
	}
	// The account made by SSO has no password: its only identity stays.
	assertProblem(t, e.do(req{method: "DELETE", path: path, headers: map[string]string{"Cookie": "folio_session=" + first, "X-CSRF-Token": pageCSRF(t, e, first)}}), 409, "conflict")
}

// pageCSRF reads the CSRF token of a session from a page's form.
func pageCSRF(t *testing.T, e *ssoEnv, session string) string {
	t.Helper()
	page := string(e.expect(req{method: "GET", path: "/dashboard/connected-accounts", headers: map[string]string{"Cookie": "folio_session=" + session}}, 200).body)
	_, rest, ok := strings.Cut(page, `name="_csrf" value="`)
	if !ok {
		t.Fatalf("no CSRF field on the connected accounts page")
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// TestSSOUnlinkKeepsPasswordAccounts: an owner with a password disconnects
// the identity; the sign-in then no longer opens the account (and is
// refused: the address has an account).
func TestSSOUnlinkKeepsPasswordAccounts(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	owner := e.signUp("keeper")
	e.addUser("keeper-idp", owner.email, true)
	b := browserOf(t, owner)
	e.finish(e.beginLink(b.session, b.csrf, "keeper-idp"), "folio_session="+b.session)
	ids := e.expect(req{method: "GET", path: "/api/v1/me/identities", token: owner.token}, 200).json(t)["items"].([]any)
	if len(ids) != 1 {
		t.Fatalf("identities = %v", ids)
	}
	e.expect(req{method: "DELETE", path: "/api/v1/me/identities/" + itoa(id(ids[0].(map[string]any))), token: owner.token}, 204)
	refused(t, e.finish(e.begin("/auth/sso/oidc", "keeper-idp", nil), ""), 409, "exists already")
}

// TestGitHubSignIn runs "Sign in with GitHub" against a local server with
// GitHub's OAuth and API endpoints (github.com is not reachable here):
// the verified primary address makes the account; an unverified primary
// address is refused.
func TestGitHubSignIn(t *testing.T) {
	t.Parallel()
	gh := githubprovider.Start(t, "gh-client", "gh-secret")
	e := newSSO(t, ssoSetup{extra: []sso.Provider{sso.NewGitHub(sso.GitHubConfig{ClientID: "gh-client", ClientSecret: "gh-secret",
		RedirectURL: "http://localhost:8080/auth/sso/github/callback",
		AuthURL:     gh.URL + "/login/oauth/authorize", TokenURL: gh.URL + "/login/oauth/access_token", APIURL: gh.URL})}})

	viaGitHub := func() response {
		t.Helper()
		start := e.expect(req{method: "GET", path: "/auth/sso/github"}, http.StatusSeeOther)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(start.header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		back, _ := url.Parse(resp.Header.Get("Location"))
		return e.do(req{method: "GET", path: back.RequestURI(), headers: map[string]string{"Cookie": "folio_sso_state=" + cookie(t, start, "folio_sso_state")}})
	}

	gh.SignIn(&githubprovider.User{ID: 4242, Login: "octo-cat", Name: "Octo Cat", Emails: []githubprovider.Email{
		{Email: "octo@old.example", Verified: true}, {Email: "octo@example.com", Primary: false, Verified: true},
		{Email: "unverified@example.com", Primary: true, Verified: false}}})
	refused(t, viaGitHub(), 403, "has not verified your email")

	gh.SignIn(&githubprovider.User{ID: 4242, Login: "octo-cat", Name: "Octo Cat", Emails: []githubprovider.Email{
		{Email: "octo@example.com", Primary: true, Verified: true}}})
	resp := viaGitHub()
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/dashboard" {
		t.Fatalf("sign-in: status %d; body %s", resp.status, resp.body)
	}
	me := e.expect(req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": "folio_session=" + cookie(t, resp, "folio_session")}}, 200).json(t)
	if me["handle"] != "octo-cat" || me["email"] != "octo@example.com" || me["display_name"] != "Octo Cat" {
		t.Errorf("me = %v", me)
	}
	page := e.expect(req{method: "GET", path: "/login"}, 200)
	if !strings.Contains(string(page.body), "Sign in with GitHub") {
		t.Error("login page has no GitHub button")
	}
}
