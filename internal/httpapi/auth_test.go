package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/httpapi"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/ratelimit"
)

func TestRegisterValidationListsEveryField(t *testing.T) {
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

func TestRegisterConflictsAreCaseInsensitive(t *testing.T) {
	a := newAPI(t)
	a.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "Ada@Example.com", "password": "correct horse battery", "handle": "ada", "display_name": "Ada"}}, 201)
	r := a.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "ada@example.COM", "password": "correct horse battery", "handle": "other", "display_name": "Ada"}})
	assertProblem(t, r, 409, "conflict")
	if _, ok := r.fieldErrors(t)["email"]; !ok {
		t.Errorf("conflict should name email: %s", r.body)
	}
	r = a.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "b@example.com", "password": "correct horse battery", "handle": "ADA", "display_name": "Ada"}})
	assertProblem(t, r, 409, "conflict")
	if _, ok := r.fieldErrors(t)["handle"]; !ok {
		t.Errorf("conflict should name handle: %s", r.body)
	}
}

func TestLoginSetsSecureCookiesAndSameErrorForUnknownEmail(t *testing.T) {
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
	a := newAPI(t)
	acct := a.signUp("ada")
	a.expect(req{method: "GET", path: "/api/v1/me", token: acct.token}, 200)
	a.expect(req{method: "POST", path: "/api/v1/auth/logout", token: acct.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: acct.token}), 401, "unauthorized")
}

func TestTokensLifecycle(t *testing.T) {
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
	a := newAPI(t)
	for _, r := range []req{
		{method: "GET", path: "/api/v1/me"}, {method: "PATCH", path: "/api/v1/me", body: map[string]any{}},
		{method: "PUT", path: "/api/v1/me/featured", body: map[string]any{"project_ids": []int{}}},
		{method: "GET", path: "/api/v1/projects"}, {method: "POST", path: "/api/v1/projects", body: map[string]any{"title": "x"}},
		{method: "GET", path: "/api/v1/projects/1"}, {method: "PATCH", path: "/api/v1/projects/1", body: map[string]any{}},
		{method: "DELETE", path: "/api/v1/projects/1"}, {method: "GET", path: "/api/v1/tokens"},
		{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "x"}}, {method: "DELETE", path: "/api/v1/tokens/1"},
		{method: "POST", path: "/api/v1/auth/logout"},
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
	a := newAPI(t, withLimits(httpapi.Limits{
		LoginPerIP:         ratelimit.Limit{Rate: 5, Period: time.Minute},
		LoginPerAccount:    ratelimit.Limit{Rate: 3, Period: time.Minute},
		RegisterPerIP:      ratelimit.Limit{Rate: 100, Period: time.Minute},
		RegisterPerAccount: ratelimit.Limit{Rate: 2, Period: time.Minute},
	}))
	acct := a.signUp("ada") // one login attempt counted
	login := func(email string) response {
		return a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": email, "password": "wrong password!"}})
	}
	login(acct.email)
	login(acct.email)
	r := login(acct.email) // the fourth attempt on this account
	assertProblem(t, r, 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Other accounts from the same IP still pass until the IP limit.
	if r := login("other@example.com"); r.status != 401 {
		t.Fatalf("other account: %d", r.status)
	}
	assertProblem(t, login("third@example.com"), 429, "too_many_requests")

	// Registering the same email again and again is limited too.
	body := map[string]string{"email": "same@example.com", "password": "x", "handle": "h", "display_name": ""}
	a.expect(req{method: "POST", path: "/api/v1/auth/register", body: body}, 422)
	a.expect(req{method: "POST", path: "/api/v1/auth/register", body: body}, 422)
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/register", body: body}), 429, "too_many_requests")
}

func TestRateLimitHoldsAcrossReplicas(t *testing.T) {
	// Two servers sharing one Redis count together, as two API replicas do.
	a := newAPI(t, withLimits(httpapi.Limits{
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
