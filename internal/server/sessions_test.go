package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/ratelimit"
)

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withLimits(api.Limits{LoginPerAccountIP: ratelimit.Limit{Rate: 3, Period: time.Hour}}))
	acct := a.signUp("ada")
	other := a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "correct horse battery"}}, 200).json(t)["token"].(string)
	apiToken := a.expect(req{method: "POST", path: "/api/v1/tokens", token: acct.token, body: map[string]string{"name": "ci"}}, 201).json(t)["token"].(string)
	change := func(token, current, next string, revoke bool) response {
		return a.do(req{method: "POST", path: "/api/v1/me/password", token: token,
			body: map[string]any{"current_password": current, "new_password": next, "revoke_api_tokens": revoke}})
	}

	r := change(acct.token, "wrong password!", "a new password!", false)
	assertProblem(t, r, 422, "invalid")
	if _, ok := r.fieldErrors(t)["current_password"]; !ok {
		t.Errorf("wrong current password should name current_password: %s", r.body)
	}
	r = change(acct.token, "correct horse battery", "short", false)
	if _, ok := r.fieldErrors(t)["new_password"]; r.status != 422 || !ok {
		t.Errorf("short new password: %d %s", r.status, r.body)
	}
	a.expect(req{method: "GET", path: "/api/v1/me", token: other}, 200)

	a.expect(req{method: "POST", path: "/api/v1/me/password", token: acct.token,
		body: map[string]any{"current_password": "correct horse battery", "new_password": "a new password!"}}, 204)
	a.expect(req{method: "GET", path: "/api/v1/me", token: acct.token}, 200)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: other}), 401, "unauthorized")
	a.expect(req{method: "GET", path: "/api/v1/me", token: apiToken}, 200)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "correct horse battery"}}, 401)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "a new password!"}}, 200)

	// revoke_api_tokens takes the tokens too.
	a.expect(req{method: "POST", path: "/api/v1/me/password", token: acct.token,
		body: map[string]any{"current_password": "a new password!", "new_password": "a third password", "revoke_api_tokens": true}}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: apiToken}), 401, "unauthorized")

	// A stolen session cannot guess the password: wrong current passwords
	// are limited (one is spent above).
	change(acct.token, "guess one!!", "whatever password", false)
	change(acct.token, "guess two!!", "whatever password", false)
	assertProblem(t, change(acct.token, "a third password", "whatever password", false), 429, "too_many_requests")
}

func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	other := a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "correct horse battery"}}, 200).json(t)["token"].(string)
	apiToken := a.expect(req{method: "POST", path: "/api/v1/tokens", token: acct.token, body: map[string]string{"name": "ci"}}, 201).json(t)["token"].(string)
	bob := a.signUp("bob")

	a.expect(req{method: "POST", path: "/api/v1/auth/logout-all", token: other}, 204)
	for _, tok := range []string{acct.token, other} {
		assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: tok}), 401, "unauthorized")
	}
	// API tokens are not sessions, and other accounts are untouched.
	a.expect(req{method: "GET", path: "/api/v1/me", token: apiToken}, 200)
	a.expect(req{method: "GET", path: "/api/v1/me", token: bob.token}, 200)
}

func TestTokenCreationNeedsASessionOrTheScope(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	create := func(token string, scopes ...string) response {
		return a.do(req{method: "POST", path: "/api/v1/tokens", token: token, body: map[string]any{"name": "t", "scopes": scopes}})
	}
	plain := a.expect(req{method: "POST", path: "/api/v1/tokens", token: acct.token, body: map[string]string{"name": "plain"}}, 201).json(t)
	if scopes, _ := plain["scopes"].([]any); scopes == nil || len(scopes) != 0 {
		t.Errorf("a token made without scopes lists scopes %v, want []", plain["scopes"])
	}
	assertProblem(t, create(plain["token"].(string)), 403, "forbidden")
	assertProblem(t, create(acct.token, "everything"), 422, "invalid")

	minter := create(acct.token, "tokens:write", "tokens:write")
	if minter.status != 201 {
		t.Fatalf("session granting tokens:write: %d %s", minter.status, minter.body)
	}
	if scopes := minter.json(t)["scopes"].([]any); len(scopes) != 1 || scopes[0] != "tokens:write" {
		t.Errorf("scopes %v", scopes)
	}
	// A token with the scope may mint tokens, with or without the scope.
	a.expect(req{method: "POST", path: "/api/v1/tokens", token: minter.json(t)["token"].(string), body: map[string]any{"name": "child"}}, 201)
	a.expect(req{method: "POST", path: "/api/v1/tokens", token: minter.json(t)["token"].(string), body: map[string]any{"name": "heir", "scopes": []string{"tokens:write"}}}, 201)
	list := a.expect(req{method: "GET", path: "/api/v1/tokens", token: acct.token}, 200).json(t)["items"].([]any)
	if len(list) != 4 {
		t.Errorf("%d tokens, want 4", len(list))
	}
}

func TestSessionsExpireWhenIdleAndAtMostAfterThirtyDays(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	acct := a.signUp("ada")
	ctx := context.Background()
	hash := auth.HashToken(acct.token)
	expiry := func() (created, expires time.Time) {
		t.Helper()
		if err := a.db.QueryRowContext(ctx, "SELECT created_at, expires_at FROM sessions WHERE token_hash = ?", hash).Scan(&created, &expires); err != nil {
			t.Fatal(err)
		}
		return created, expires
	}
	set := func(createdAgo, expiresIn time.Duration) {
		t.Helper()
		if _, err := a.db.ExecContext(ctx, "UPDATE sessions SET created_at = now() - ?::interval, expires_at = now() + ?::interval WHERE token_hash = ?",
			createdAgo.String(), expiresIn.String(), hash); err != nil {
			t.Fatal(err)
		}
	}
	near := func(got, want time.Time) bool { return got.Sub(want).Abs() < time.Minute }

	if _, exp := expiry(); !near(exp, time.Now().Add(auth.SessionIdleTTL)) {
		t.Errorf("a new session expires at %v, want in %v", exp, auth.SessionIdleTTL)
	}
	// Use slides the idle expiry forward...
	set(13*24*time.Hour, 24*time.Hour)
	a.expect(req{method: "GET", path: "/api/v1/me", token: acct.token}, 200)
	if _, exp := expiry(); !near(exp, time.Now().Add(auth.SessionIdleTTL)) {
		t.Errorf("after use the session expires at %v, want in %v", exp, auth.SessionIdleTTL)
	}
	// ...but never past thirty days after login.
	set(29*24*time.Hour, time.Hour)
	a.expect(req{method: "GET", path: "/api/v1/me", token: acct.token}, 200)
	if created, exp := expiry(); !near(exp, created.Add(auth.SessionMaxAge)) {
		t.Errorf("a 29-day-old session now expires at %v, want %v", exp, created.Add(auth.SessionMaxAge))
	}
	set(31*24*time.Hour, time.Hour)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: acct.token}), 401, "unauthorized")
	set(time.Hour, -time.Second)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: acct.token}), 401, "unauthorized")
}
