package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/sso"
	"github.com/foliohq/folio/internal/testenv/oidcprovider"
)

// The relying party Folio is at the test OP. Folio's base URL in tests is
// http://localhost:8080; its callback is never dialled: the test carries
// the provider's redirect to the server in memory.
const (
	oidcClientID     = "folio"
	oidcClientSecret = "folio-test-secret"
	oidcCallback     = "http://localhost:8080/auth/sso/oidc/callback"
)

// ssoEnv is a Folio server with a real OpenID provider configured.
type ssoEnv struct {
	*harness
	op   *oidcprovider.Provider
	db   *bun.DB
	gate *invite.Service
}

// ssoSetup is what a test changes: the registration mode, the allowed
// domains, extra providers.
type ssoSetup struct {
	mode    invite.Mode
	domains []string
	extra   []sso.Provider
}

func newSSO(t *testing.T, setup ssoSetup) *ssoEnv {
	t.Helper()
	op := oidcprovider.Start(t, oidcprovider.Client{ID: oidcClientID, Secret: oidcClientSecret, RedirectURI: oidcCallback},
		oidcprovider.Client{ID: "someone-else", Secret: "other-secret", RedirectURI: oidcCallback})
	env := &ssoEnv{op: op}
	env.harness = newAPI(t, func(o *server.Options, db *bun.DB) {
		env.db, env.gate = db, o.SignIn.Gate
		o.SignIn.SSO.Providers = []sso.Provider{sso.NewOIDC(sso.OIDCConfig{Issuer: op.Issuer, ClientID: oidcClientID,
			ClientSecret: oidcClientSecret, RedirectURL: oidcCallback, DisplayName: "Test SSO", AllowedDomains: setup.domains})}
		o.SignIn.SSO.Providers = append(o.SignIn.SSO.Providers, setup.extra...)
		if setup.mode != "" {
			o.SignIn.Gate.Mode = setup.mode
		}
	})
	return env
}

// addUser makes a person at the provider; their password is "pw-"+username.
func (e *ssoEnv) addUser(username, email string, verified bool) {
	e.op.AddUser(oidcprovider.User{Subject: "sub-" + username, Username: username, Password: "pw-" + username,
		Email: email, EmailVerified: verified, FirstName: "Test", LastName: username})
}

// flow is one browser's trip through the provider.
type flow struct {
	state    string // the state cookie
	callback string // where the provider sent the browser back
	nonce    string // Folio's nonce in the authorization request
}

// begin opens path (a start URL) and signs in at the provider's login page.
func (e *ssoEnv) begin(path, username string, _ map[string]string) flow {
	e.t.Helper()
	return e.beginWith(req{method: "GET", path: path}, username)
}

// beginLink starts connecting username's identity to the signed-in
// owner of session, with the form's CSRF token.
func (e *ssoEnv) beginLink(session, csrf, username string) flow {
	e.t.Helper()
	return e.beginWith(form("/auth/sso/oidc/link", url.Values{"_csrf": {csrf}}, map[string]string{"Cookie": "folio_session=" + session}), username)
}

func (e *ssoEnv) beginWith(r req, username string) flow {
	e.t.Helper()
	start := e.expect(r, http.StatusSeeOther)
	state := cookie(e.t, start, "folio_sso_state")
	if sc := strings.ToLower(start.header.Get("Set-Cookie")); !strings.Contains(sc, "path=/auth/sso/;") || !strings.Contains(sc, "httponly") {
		e.t.Errorf("state cookie %q is not HttpOnly on /auth/sso/ only", sc)
	}
	auth, err := url.Parse(start.header.Get("Location"))
	if err != nil || auth.Query().Get("code_challenge_method") != "S256" || auth.Query().Get("nonce") == "" {
		e.t.Fatalf("authorization URL %q has no PKCE challenge or nonce", start.header.Get("Location"))
	}
	back := e.op.Login(e.t, http.DefaultClient, auth.String(), username, "pw-"+username)
	return flow{state: state, callback: back, nonce: auth.Query().Get("nonce")}
}

// finish brings the provider's answer back to Folio with the state cookie.
func (e *ssoEnv) finish(f flow, extraCookie string) response {
	e.t.Helper()
	u, err := url.Parse(f.callback)
	if err != nil {
		e.t.Fatal(err)
	}
	c := "folio_sso_state=" + f.state
	if extraCookie != "" {
		c += "; " + extraCookie
	}
	return e.do(req{method: "GET", path: u.RequestURI(), headers: map[string]string{"Cookie": c}})
}

// login signs username in through the provider and returns the session
// cookie, failing unless Folio answers with the dashboard.
func (e *ssoEnv) login(username string) string {
	e.t.Helper()
	resp := e.finish(e.begin("/auth/sso/oidc", username, nil), "")
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/dashboard" {
		e.t.Fatalf("sign-in as %s: status %d, Location %q; body %s", username, resp.status, resp.header.Get("Location"), resp.body)
	}
	return cookie(e.t, resp, "folio_session")
}

// refused asserts a sign-in refused with status and a page saying why,
// and that it opened no session.
func refused(t *testing.T, resp response, status int, says string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status %d, want %d; body %s", resp.status, status, resp.body)
	}
	if !strings.Contains(string(resp.body), says) {
		t.Errorf("page does not say %q:\n%s", says, resp.body)
	}
	for _, sc := range resp.header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "folio_session=") {
			t.Errorf("a refused sign-in set a session: %s", sc)
		}
	}
}

func cookie(t *testing.T, r response, name string) string {
	t.Helper()
	for _, sc := range r.header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(sc, name+"="); ok {
			v, _, _ = strings.Cut(v, ";")
			if v != "" {
				return v
			}
		}
	}
	t.Fatalf("no %s cookie in %v", name, r.header.Values("Set-Cookie"))
	return ""
}

func (e *ssoEnv) countUsers() int64 {
	e.t.Helper()
	n, err := e.db.NewSelect().Table("users").Count(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestOIDCSignInMakesAnAccountThenSignsInToIt(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("Grace.Hopper", "grace@navy.example", true)

	session := e.login("Grace.Hopper")
	me := e.expect(req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": "folio_session=" + session}}, 200).json(t)
	if me["email"] != "grace@navy.example" || me["handle"] != "grace-hopper" || me["email_verified"] != true {
		t.Errorf("me = %v, want grace@navy.example, handle grace-hopper from preferred_username, verified", me)
	}
	ids := e.expect(req{method: "GET", path: "/api/v1/me/identities", headers: map[string]string{"Cookie": "folio_session=" + session}}, 200).json(t)
	if items := ids["items"].([]any); len(items) != 1 || items[0].(map[string]any)["provider"] != "oidc" {
		t.Errorf("identities = %v", ids)
	}
	// No password: a password login cannot open this account.
	e.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "grace@navy.example", "password": ""}}, 401)

	again := e.login("Grace.Hopper")
	if again == session {
		t.Error("the second sign-in reused the session")
	}
	if n := e.countUsers(); n != 1 {
		t.Errorf("%d accounts after two sign-ins, want 1", n)
	}
}

func TestOIDCShowsButtonsOnlyWhenConfigured(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	page := e.expect(req{method: "GET", path: "/login"}, 200)
	if !strings.Contains(string(page.body), `href="/auth/sso/oidc"`) || !strings.Contains(string(page.body), "Sign in with Test SSO") {
		t.Errorf("login page has no SSO button:\n%s", page.body)
	}
	plain := newAPI(t)
	page = plain.expect(req{method: "GET", path: "/login"}, 200)
	if strings.Contains(string(page.body), "/auth/sso/") {
		t.Errorf("login page without providers shows an SSO button:\n%s", page.body)
	}
	if len(page.header.Values("Set-Cookie")) != 0 {
		t.Errorf("the login page set cookies: %v", page.header.Values("Set-Cookie"))
	}
	plain.expect(req{method: "GET", path: "/auth/sso/oidc"}, 404)
	providers := plain.expect(req{method: "GET", path: "/api/v1/auth/providers"}, 200).json(t)
	if providers["registration"] != "open" || len(providers["providers"].([]any)) != 0 {
		t.Errorf("providers = %v", providers)
	}
}

func TestOIDCRefusesAnIDTokenForAnotherAudience(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("mallory", "mallory@example.com", true)
	f := e.begin("/auth/sso/oidc", "mallory", nil)
	// A genuine token of the provider, for another application, with
	// Folio's nonce even: only its audience is wrong.
	other := e.op.IDTokenFor(t, oidcprovider.Client{ID: "someone-else", Secret: "other-secret", RedirectURI: oidcCallback},
		"mallory", "pw-mallory", f.nonce)
	e.op.Tweak(oidcprovider.Tweak{IDToken: other})
	refused(t, e.finish(f, ""), 400, "could not be verified")
	if n := e.countUsers(); n != 0 {
		t.Errorf("%d accounts, want none", n)
	}
}

func TestOIDCRefusesAnExpiredIDToken(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("late", "late@example.com", true)
	f := e.begin("/auth/sso/oidc", "late", nil)
	e.op.Tweak(oidcprovider.Tweak{IDTokenLifetime: -time.Hour})
	refused(t, e.finish(f, ""), 400, "could not be verified")
	if n := e.countUsers(); n != 0 {
		t.Errorf("%d accounts, want none", n)
	}
}

func TestOIDCRefusesAnotherNonce(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("replayer", "replayer@example.com", true)
	f := e.begin("/auth/sso/oidc", "replayer", nil)
	e.op.Tweak(oidcprovider.Tweak{Nonce: "a-nonce-from-another-sign-in"})
	refused(t, e.finish(f, ""), 400, "could not be verified")
}

func TestOIDCRefusesAReplayedOrForeignState(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("ada", "ada@example.com", true)
	f := e.begin("/auth/sso/oidc", "ada", nil)
	// Another browser (no state cookie, or another one) cannot finish it.
	stolen := f
	stolen.state = "fs_not-this-browsers-state"
	refused(t, e.finish(stolen, ""), 400, "expired or was used")
	u, _ := url.Parse(f.callback)
	refused(t, e.do(req{method: "GET", path: u.RequestURI()}), 400, "expired or was used")
	// Those did not use the state up: its own browser finishes.
	if resp := e.finish(f, ""); resp.status != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d; body %s", resp.status, resp.body)
	}
	// Replayed, with its cookie and all: refused.
	refused(t, e.finish(f, ""), 400, "expired or was used")
}

func TestOIDCRefusesAnEmailDomainNotAllowed(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{domains: []string{"school.edu"}})
	e.addUser("outsider", "outsider@elsewhere.org", true)
	e.addUser("student", "student@school.edu", true)
	refused(t, e.finish(e.begin("/auth/sso/oidc", "outsider", nil), ""), 403, "email domain cannot sign in")
	e.login("student")
	if n := e.countUsers(); n != 1 {
		t.Errorf("%d accounts, want the student's alone", n)
	}
}

func TestOIDCRefusesAnUnverifiedEmail(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	e.addUser("unsure", "unsure@example.com", false)
	refused(t, e.finish(e.begin("/auth/sso/oidc", "unsure", nil), ""), 403, "has not verified your email")
	if n := e.countUsers(); n != 0 {
		t.Errorf("%d accounts, want none", n)
	}
}

// TestOIDCProviderDownIsA503: Folio starts while the provider is down
// (discovery happens on first use) and says so on the sign-in.
func TestOIDCProviderDownIsA503(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.NotFoundHandler())
	issuer := down.URL
	down.Close()
	a := newAPI(t, func(o *server.Options, _ *bun.DB) {
		o.SignIn.SSO.Providers = []sso.Provider{sso.NewOIDC(sso.OIDCConfig{Issuer: issuer, ClientID: "folio", ClientSecret: "x", RedirectURL: oidcCallback})}
	})
	resp := a.expect(req{method: "GET", path: "/auth/sso/oidc"}, http.StatusServiceUnavailable)
	if !strings.Contains(string(resp.body), "cannot be reached") {
		t.Errorf("page: %s", resp.body)
	}
	a.expect(req{method: "GET", path: "/login"}, 200)
}
