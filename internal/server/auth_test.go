package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/ratelimit"
)

func TestRegisterValidationListsEveryField(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	tests := []struct {
		name  string
		body  map[string]string
		field string
	}{
		{"bad email", map[string]string{"email": "nope"}, "email"},
		{"short password", map[string]string{"password": "123456789"}, "password"},
		{"handle too short", map[string]string{"handle": "ab"}, "handle"},
		{"handle too long", map[string]string{"handle": strings.Repeat("a", 31)}, "handle"},
		{"handle leading hyphen", map[string]string{"handle": "-ada"}, "handle"},
		{"handle trailing hyphen", map[string]string{"handle": "ada-"}, "handle"},
		{"handle bad char", map[string]string{"handle": "ada_l"}, "handle"},
		{"handle reserved api", map[string]string{"handle": "api"}, "handle"},
		{"handle reserved explore", map[string]string{"handle": "Explore"}, "handle"},
		{"handle reserved healthz", map[string]string{"handle": "healthz"}, "handle"},
		{"no display name", map[string]string{"display_name": "  "}, "display_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]string{"email": "ok@example.com", "password": "long enough password", "handle": "okay", "display_name": "Okay"}
			for k, v := range tt.body {
				body[k] = v
			}
			r := a.do(req{method: "POST", path: "/api/v1/auth/register", body: body})
			assertProblem(t, r, 422, "invalid")
			fields := r.fieldErrors(t)
			if _, ok := fields[tt.field]; !ok || len(fields) != 1 {
				t.Errorf("field errors %v, want exactly %s", fields, tt.field)
			}
		})
	}
	r := a.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "x", "password": "y", "handle": "z", "display_name": ""}})
	if fields := r.fieldErrors(t); len(fields) != 4 {
		t.Errorf("all four bad fields should be listed at once, got %v", fields)
	}
}

func TestRegisterDoesNotTellWhichEmailsHaveAccounts(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	register := func(email, handle, password string) response {
		return a.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": email, "password": password, "handle": handle, "display_name": "Ada"}})
	}
	fresh := register("Ada@Example.com", "ada", "correct horse battery")
	again := register("ada@example.COM", "other", "another password!")
	if fresh.status != 201 || again.status != 201 {
		t.Fatalf("a new email answered %d and a taken one %d; both must answer 201: %s", fresh.status, again.status, again.body)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	if f, g := keys(fresh.json(t)), keys(again.json(t)); !slices.Equal(f, g) {
		t.Errorf("a taken email answers with fields %v, a new one with %v", g, f)
	}
	for _, r := range []response{fresh, again} {
		if len(r.header.Values("Set-Cookie")) != 0 || r.header.Get("Location") != "/api/v1/me" {
			t.Errorf("registration must set no cookie and point to /api/v1/me: %v", r.header)
		}
	}
	// Nothing was made or changed for the taken email: the handle is free
	// and the owner's password still works, the intruder's does not.
	var users int
	if err := a.db.QueryRowContext(context.Background(), "SELECT count(*) FROM users").Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != 1 {
		t.Errorf("%d users after registering one email twice", users)
	}
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "ada@example.com", "password": "another password!"}}, 401)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}}, 200)

	// Handles are public, so a taken one is still a conflict, whatever the
	// case, and alike for a new email and a taken one.
	for _, email := range []string{"b@example.com", "ADA@example.com"} {
		r := register(email, "ADA", "correct horse battery")
		assertProblem(t, r, 409, "conflict")
		if fields := r.fieldErrors(t); len(fields) != 1 || fields["handle"] == "" {
			t.Errorf("%s: conflict should name only the handle: %s", email, r.body)
		}
	}
}

func TestLoginSetsSecureCookiesAndSameErrorForUnknownEmail(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	cookies := strings.Join(acct.login.header.Values("Set-Cookie"), "\n")
	for _, want := range []string{"folio_session=fs_", "HttpOnly", "SameSite=Lax", "folio_csrf="} {
		if !strings.Contains(cookies, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookies, want)
		}
	}
	if body := acct.login.json(t); body["token_type"] != "Bearer" || body["csrf_token"] == "" {
		t.Errorf("login body %v", body)
	}
	wrong := a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "wrong password!"}})
	unknown := a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "wrong password!"}})
	assertProblem(t, wrong, 401, "unauthorized")
	assertProblem(t, unknown, 401, "unauthorized")
	if wrong.json(t)["detail"] != unknown.json(t)["detail"] {
		t.Errorf("wrong password %q and unknown email %q must answer alike", wrong.json(t)["detail"], unknown.json(t)["detail"])
	}
}

func TestPasswordsAndTokensAreStoredHashed(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	secret := a.expect(req{method: "POST", path: "/api/v1/tokens", token: acct.token, body: map[string]string{"name": "ci"}}, 201).json(t)["token"].(string)
	ctx := context.Background()
	var hash string
	if err := a.db.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = ?", acct.id).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse battery")); err != nil {
		t.Errorf("password hash is not bcrypt of the password: %v", err)
	}
	var found int
	if err := a.db.QueryRowContext(ctx,
		"SELECT (SELECT count(*) FROM sessions WHERE token_hash = ?) + (SELECT count(*) FROM api_tokens WHERE token_hash = ?)",
		auth.HashToken(acct.token), auth.HashToken(secret)).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found != 2 {
		t.Errorf("found %d of the 2 token hashes", found)
	}
	var plain int
	if err := a.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM api_tokens WHERE token_hash = convert_to(?, 'UTF8') OR name = ?) + (SELECT count(*) FROM sessions WHERE token_hash = convert_to(?, 'UTF8'))", secret, secret, acct.token).Scan(&plain); err != nil {
		t.Fatal(err)
	}
	if plain != 0 {
		t.Errorf("the token secret is stored in plain text")
	}
}

func TestDefaultBcryptCost(t *testing.T) {
	t.Parallel()
	db := newAPI(t).db
	svc := auth.New(postgres.NewUserService(db), postgres.NewCredentialService(db), 0)
	u, err := svc.Register(context.Background(), registration("cost"))
	if err != nil {
		t.Fatal(err)
	}
	if cost, _ := bcrypt.Cost([]byte(u.PasswordHash)); cost < 12 {
		t.Errorf("bcrypt cost %d, want at least 12", cost)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	a.expect(req{method: "GET", path: "/api/v1/me", token: acct.token}, 200)
	a.expect(req{method: "POST", path: "/api/v1/auth/logout", token: acct.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: acct.token}), 401, "unauthorized")
}

func TestTokensLifecycle(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	created := a.expect(req{method: "POST", path: "/api/v1/tokens", token: ada.token, body: map[string]string{"name": "deploys"}}, 201).json(t)
	secret := created["token"].(string)
	if !strings.HasPrefix(secret, "fpat_") {
		t.Fatalf("token %q", secret)
	}
	me := a.expect(req{method: "GET", path: "/api/v1/me", token: secret}, 200).json(t)
	if me["handle"] != "ada" {
		t.Errorf("token acts as %v", me["handle"])
	}
	list := a.expect(req{method: "GET", path: "/api/v1/tokens", token: ada.token}, 200)
	if strings.Contains(string(list.body), secret) || !strings.Contains(string(list.body), "deploys") {
		t.Errorf("list must name the token but never show its secret: %s", list.body)
	}
	path := "/api/v1/tokens/" + itoa(id(created))
	assertProblem(t, a.do(req{method: "DELETE", path: path, token: bob.token}), 404, "not_found")
	a.expect(req{method: "DELETE", path: path, token: ada.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: secret}), 401, "unauthorized")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/tokens", token: ada.token, body: map[string]string{"name": ""}}), 422, "invalid")
}

func TestUnauthenticatedRequestsAre401(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	for _, r := range []req{
		{method: "GET", path: "/api/v1/me"}, {method: "PATCH", path: "/api/v1/me", body: map[string]any{}},
		{method: "PUT", path: "/api/v1/me/featured", body: map[string]any{"project_ids": []int{}}},
		{method: "GET", path: "/api/v1/projects"}, {method: "POST", path: "/api/v1/projects", body: map[string]any{"title": "x"}},
		{method: "GET", path: "/api/v1/projects/1"}, {method: "PATCH", path: "/api/v1/projects/1", body: map[string]any{}},
		{method: "DELETE", path: "/api/v1/projects/1"}, {method: "GET", path: "/api/v1/tokens"},
		{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "x"}}, {method: "DELETE", path: "/api/v1/tokens/1"},
		{method: "POST", path: "/api/v1/auth/logout"}, {method: "POST", path: "/api/v1/auth/logout-all"},
		{method: "POST", path: "/api/v1/me/password", body: map[string]any{"current_password": "x", "new_password": "y"}},
		{method: "GET", path: "/api/v1/me", token: "fpat_forged"},
	} {
		resp := a.do(r)
		assertProblem(t, resp, 401, "unauthorized")
		if resp.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: 401 without WWW-Authenticate", r.method, r.path)
		}
	}
}

func TestCSRFForCookieRequests(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	body := acct.login.json(t)
	cookie := "folio_session=" + body["token"].(string)
	patch := map[string]any{"headline": "Go developer"}
	r := a.do(req{method: "PATCH", path: "/api/v1/me", body: patch, headers: map[string]string{"Cookie": cookie}})
	assertProblem(t, r, 403, "csrf")
	r = a.do(req{method: "PATCH", path: "/api/v1/me", body: patch, headers: map[string]string{"Cookie": cookie, "X-CSRF-Token": "forged"}})
	assertProblem(t, r, 403, "csrf")
	a.expect(req{method: "PATCH", path: "/api/v1/me", body: patch, headers: map[string]string{"Cookie": cookie, "X-CSRF-Token": body["csrf_token"].(string)}}, 200)
	// Reading needs no CSRF token, and bearer requests never do.
	a.expect(req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": cookie}}, 200)
	a.expect(req{method: "PATCH", path: "/api/v1/me", body: patch, token: acct.token}, 200)
}

func TestLoginRateLimitPerAccountAndIP(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withLimits(api.Limits{
		LoginPerIP:         ratelimit.Limit{Rate: 6, Period: time.Minute},
		LoginPerAccountIP:  ratelimit.Limit{Rate: 3, Period: time.Minute},
		LoginPerAccount:    ratelimit.Limit{Rate: 100, Period: time.Minute},
		RegisterPerIP:      ratelimit.Limit{Rate: 100, Period: time.Minute},
		RegisterPerAccount: ratelimit.Limit{Rate: 2, Period: time.Minute},
	}))
	acct := a.signUp("ada") // one attempt from this IP, and no failure
	login := func(email, password string) response {
		return a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": email, "password": password}})
	}
	for range 3 {
		a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "wrong password!"}}, 401)
	}
	// Three failures at this account from this IP: even the right password
	// waits now, or guessing from here could go on.
	r := login(acct.email, "correct horse battery")
	assertProblem(t, r, 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Other accounts from the same IP still pass until the IP limit.
	if r := login("other@example.com", "wrong password!"); r.status != 401 {
		t.Fatalf("other account: %d", r.status)
	}
	assertProblem(t, login("third@example.com", "wrong password!"), 429, "too_many_requests")

	// Registering the same email again and again is limited too.
	body := map[string]string{"email": "same@example.com", "password": "x", "handle": "h", "display_name": ""}
	a.expect(req{method: "POST", path: "/api/v1/auth/register", body: body}, 422)
	a.expect(req{method: "POST", path: "/api/v1/auth/register", body: body}, 422)
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/register", body: body}), 429, "too_many_requests")
}

func TestStrangersCannotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withLimits(api.Limits{
		LoginPerIP:        ratelimit.Limit{Rate: 1000, Period: time.Minute},
		LoginPerAccountIP: ratelimit.Limit{Rate: 3, Period: time.Hour},
		LoginPerAccount:   ratelimit.Limit{Rate: 5, Period: time.Hour},
	}))
	ada, bob := a.signUp("ada"), a.signUp("bob")
	adaDevice, bobDevice := deviceCookie(t, ada.login), deviceCookie(t, bob.login)
	base := a.listen()
	login := func(from, password, cookie string) int {
		t.Helper()
		return loginFrom(t, base, from, ada.email, password, cookie)
	}

	// Brute force from one address stops at the per-address limit...
	for range 3 {
		if st := login("127.0.0.2", "wrong password!", ""); st != 401 {
			t.Fatalf("stranger's guess: %d, want 401", st)
		}
	}
	if st := login("127.0.0.2", "wrong password!", ""); st != 429 {
		t.Fatalf("fourth guess from one address: %d, want 429", st)
	}
	// ...and does not keep the owner, elsewhere, out.
	if st := login("127.0.0.3", "correct horse battery", ""); st != 200 {
		t.Fatalf("the owner from another address: %d, want 200", st)
	}
	// Guesses spread over addresses meet the per-account ceiling, which
	// holds even for the right password from a browser never seen...
	login("127.0.0.4", "wrong password!", "")
	login("127.0.0.4", "wrong password!", "")
	if st := login("127.0.0.5", "wrong password!", ""); st != 429 {
		t.Fatalf("guess past the account's ceiling: %d, want 429", st)
	}
	if st := login("127.0.0.6", "correct horse battery", ""); st != 429 {
		t.Fatalf("right password from an unknown browser past the ceiling: %d, want 429", st)
	}
	if st := login("127.0.0.6", "correct horse battery", bobDevice); st != 429 {
		t.Fatalf("another account's device cookie passed the ceiling: %d, want 429", st)
	}
	// ...but not for a browser that logged in to the account before.
	if st := login("127.0.0.6", "correct horse battery", adaDevice); st != 200 {
		t.Fatalf("the owner's own browser past the ceiling: %d, want 200", st)
	}
	if st := login("127.0.0.6", "wrong password!", adaDevice); st != 401 {
		t.Fatalf("a wrong password from the owner's browser: %d, want 401", st)
	}
}

// deviceCookie is the "name=value" of the device cookie a login set.
func deviceCookie(t *testing.T, login response) string {
	t.Helper()
	for _, c := range (&http.Response{Header: login.header}).Cookies() {
		if c.Name == "folio_device" {
			if !c.HttpOnly || c.Path != "/api/v1/auth/login" || !strings.HasPrefix(c.Value, "fd_") {
				t.Errorf("device cookie %v: want HttpOnly, only for the login path", c)
			}
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("login set no device cookie: %v", login.header.Values("Set-Cookie"))
	return ""
}

// loginFrom logs in over a real socket from the loopback address from, so
// that the server sees that client IP, and returns the status.
func loginFrom(t *testing.T, base, from, email, password, cookie string) int {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true}}
	raw, _ := json.Marshal(map[string]string{"email": email, "password": password})
	hr, _ := http.NewRequest("POST", base+"/api/v1/auth/login", bytes.NewReader(raw))
	hr.Header.Set("Content-Type", "application/json")
	if cookie != "" {
		hr.Header.Set("Cookie", cookie)
	}
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatalf("login from %s: %v", from, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRateLimitHoldsAcrossReplicas(t *testing.T) {
	t.Parallel()
	// Two servers sharing one Redis count together, as two API replicas do.
	a := newAPI(t, withLimits(api.Limits{
		LoginPerIP: ratelimit.Limit{Rate: 100, Period: time.Minute}, LoginPerAccount: ratelimit.Limit{Rate: 2, Period: time.Minute},
		RegisterPerIP: ratelimit.Limit{Rate: 100, Period: time.Minute}, RegisterPerAccount: ratelimit.Limit{Rate: 100, Period: time.Minute},
	}))
	body := map[string]string{"email": "x@example.com", "password": "wrong password!"}
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: body}, 401)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: body}, 401)
	// A fresh Server on the same Redis would see the same counter; the
	// limiter keeps no state in the process, so a third call here is 429.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login", body: body}), 429, "too_many_requests")
}
