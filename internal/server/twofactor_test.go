package server_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pquerna/otp/totp"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/postgres/mfastore"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/wire"
)

// enableTOTP turns two-factor authentication on for acct with a code of
// now and returns the secret and the recovery codes.
func (a *harness) enableTOTP(acct account) (string, []string) {
	a.t.Helper()
	secret := a.expect(req{method: "POST", path: "/api/v1/me/two-factor/totp", token: acct.token}, 200).json(a.t)["secret"].(string)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		a.t.Fatal(err)
	}
	body := a.expect(req{method: "POST", path: "/api/v1/me/two-factor/totp/confirm", token: acct.token, body: map[string]string{"code": code}}, 200).json(a.t)
	var codes []string
	for _, c := range body["recovery_codes"].([]any) {
		codes = append(codes, c.(string))
	}
	if len(codes) != mfa.RecoveryCodeCount {
		a.t.Fatalf("%d recovery codes, want %d", len(codes), mfa.RecoveryCodeCount)
	}
	return secret, codes
}

// pendingLogin logs acct in with the password and returns the pending
// login of its 202 answer.
func (a *harness) pendingLogin(acct account) string {
	a.t.Helper()
	r := a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": acct.email, "password": "correct horse battery"}}, 202)
	m := r.json(a.t)
	if m["second_factor_required"] != true || m["token"] != nil {
		a.t.Fatalf("a pending login must say so and carry no session: %s", r.body)
	}
	return m["pending_token"].(string)
}

// codeAt is the TOTP code of secret at now+offset.
func codeAt(t *testing.T, secret string, offset time.Duration) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(offset))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestTOTPLoginNeedsTheSecondStepAndRefusesReplays(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	apiToken := a.expect(req{method: "POST", path: "/api/v1/tokens", token: ada.token, body: map[string]string{"name": "ci"}}, 201).json(t)["token"].(string)
	secret, _ := a.enableTOTP(ada)
	st := a.expect(req{method: "GET", path: "/api/v1/me/two-factor", token: ada.token}, 200).json(t)
	if st["totp_enabled"] != true || st["recovery_codes_left"] != float64(10) {
		t.Fatalf("status after enabling: %v", st)
	}

	pending := a.pendingLogin(ada)
	// The pending login is no session.
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: pending}), 401, "unauthorized")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": pending, "code": "000000"}}), 401, "unauthorized")
	// The enrolment used the current step: the next one signs in.
	code := codeAt(t, secret, 30*time.Second)
	r := a.expect(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": pending, "code": code}}, 200)
	var login api.LoginResponse
	if err := json.Unmarshal(r.body, &login); err != nil {
		t.Fatal(err)
	}
	a.expect(req{method: "GET", path: "/api/v1/me", token: login.Token}, 200)
	// The pending login was used up.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": pending, "code": code}}), 401, "unauthorized")

	// The same code, within its window, on a new pending login: a replay.
	again := a.pendingLogin(ada)
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": again, "code": code}}), 401, "unauthorized")
	// An earlier step's code is refused too, however valid its window.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": again, "code": codeAt(t, secret, 0)}}), 401, "unauthorized")

	// API tokens are not affected by two-factor authentication, and
	// cannot change it.
	a.expect(req{method: "GET", path: "/api/v1/me", token: apiToken}, 200)
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/me/two-factor/totp", token: apiToken}), 403, "forbidden")
}

func TestRecoveryCodesWorkOnceEach(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	_, codes := a.enableTOTP(ada)
	use := func(code string) response {
		return a.do(req{method: "POST", path: "/api/v1/auth/login/recovery", body: map[string]string{"pending_token": a.pendingLogin(ada), "code": code}})
	}
	if r := use(codes[0]); r.status != 200 {
		t.Fatalf("first use of a recovery code: %d %s", r.status, r.body)
	}
	assertProblem(t, use(codes[0]), 401, "unauthorized")
	// Typed in capitals without dashes, the next code still works once.
	upper := strings.ToUpper(strings.ReplaceAll(codes[1], "-", ""))
	if r := use(upper); r.status != 200 {
		t.Fatalf("recovery code %q as %q: %d %s", codes[1], upper, r.status, r.body)
	}
	assertProblem(t, use(codes[1]), 401, "unauthorized")
	st := a.expect(req{method: "GET", path: "/api/v1/me/two-factor", token: ada.token}, 200).json(t)
	if st["recovery_codes_left"] != float64(8) {
		t.Errorf("recovery codes left: %v, want 8", st["recovery_codes_left"])
	}
	// New codes replace the old ones.
	fresh := a.expect(req{method: "POST", path: "/api/v1/me/two-factor/recovery-codes", token: ada.token}, 200).json(t)["recovery_codes"].([]any)
	assertProblem(t, use(codes[2]), 401, "unauthorized")
	if r := use(fresh[0].(string)); r.status != 200 {
		t.Fatalf("a new recovery code: %d %s", r.status, r.body)
	}
}

func TestSecondFactorIsRateLimited(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withLimits(api.Limits{LoginPerAccountIP: ratelimit.Limit{Rate: 3, Period: time.Hour}}))
	ada := a.signUp("ada")
	secret, _ := a.enableTOTP(ada)
	pending := a.pendingLogin(ada)
	for range 3 {
		assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": pending, "code": "000000"}}), 401, "unauthorized")
	}
	// The limit is the account's: a new pending login does not reset it,
	// and even the right code waits.
	r := a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": a.pendingLogin(ada), "code": codeAt(t, secret, 30*time.Second)}})
	assertProblem(t, r, 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestPendingLoginEndsAfterFiveWrongCodes(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	secret, _ := a.enableTOTP(ada)
	pending := a.pendingLogin(ada)
	for range mfa.MaxPendingFailures {
		a.expect(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": pending, "code": "000000"}}, 401)
	}
	r := a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": pending, "code": codeAt(t, secret, 30*time.Second)}})
	assertProblem(t, r, 401, "unauthorized")
}

// makeStale moves the sign-in of every session of userID past the
// re-authentication window.
func (a *harness) makeStale(userID int64) {
	a.t.Helper()
	if _, err := a.db.ExecContext(context.Background(), `UPDATE sessions SET authenticated_at = now() - interval '11 minutes' WHERE user_id = ?`, userID); err != nil {
		a.t.Fatal(err)
	}
}

func TestSensitiveChangesNeedARecentSignIn(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	// Fresh from the login: allowed.
	secret, _ := a.enableTOTP(ada)

	a.makeStale(ada.id)
	for _, r := range []req{
		{method: "DELETE", path: "/api/v1/me/two-factor/totp"},
		{method: "POST", path: "/api/v1/me/two-factor/recovery-codes"},
		{method: "POST", path: "/api/v1/me/passkeys/begin"},
		{method: "DELETE", path: "/api/v1/me/passkeys/1"},
		{method: "POST", path: "/api/v1/me/password", body: map[string]string{"current_password": "correct horse battery", "new_password": "another good password"}},
	} {
		r.token = ada.token
		assertProblem(t, a.do(r), 403, "reauthentication_required")
	}
	// Reading is not sensitive.
	if st := a.expect(req{method: "GET", path: "/api/v1/me/two-factor", token: ada.token}, 200).json(t); st["recent_sign_in"] != false {
		t.Errorf("recent_sign_in of a stale session: %v", st["recent_sign_in"])
	}

	// Re-authentication needs the password and, with 2FA on, a code.
	reauth := func(password, code string) response {
		return a.do(req{method: "POST", path: "/api/v1/auth/reauthenticate", token: ada.token, body: map[string]string{"password": password, "code": code}})
	}
	assertProblem(t, reauth("wrong password!", codeAt(t, secret, 30*time.Second)), 422, "invalid")
	assertProblem(t, reauth("correct horse battery", ""), 422, "invalid")
	assertProblem(t, reauth("correct horse battery", "000000"), 401, "unauthorized")
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/me/two-factor/totp", token: ada.token}), 403, "reauthentication_required")
	a.expect(req{method: "POST", path: "/api/v1/auth/reauthenticate", token: ada.token,
		body: map[string]string{"password": "correct horse battery", "code": codeAt(t, secret, 30*time.Second)}}, 204)
	a.expect(req{method: "DELETE", path: "/api/v1/me/two-factor/totp", token: ada.token}, 204)
	// Off: the password alone signs in again.
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "correct horse battery"}}, 200)

	// The site sends a stale page to the re-authentication page, which
	// brings the owner back.
	a.makeStale(ada.id)
	r := a.do(req{method: "GET", path: "/dashboard/security/totp", headers: map[string]string{"Cookie": "folio_session=" + ada.token}})
	if r.status != 303 || r.header.Get("Location") != "/reauth?next=%2Fdashboard%2Fsecurity%2Ftotp" {
		t.Fatalf("stale security page: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestPasskeysOfAnotherAccountAreNotFound(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	store := mfastore.New(a.db)
	key := &mfa.Passkey{UserID: bob.id, CredentialID: []byte("bob's credential"), Name: "Bob's key", Data: []byte(`{}`)}
	if err := store.AddPasskey(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/me/passkeys/" + strconv.FormatInt(key.ID, 10)
	assertProblem(t, a.do(req{method: "PATCH", path: path, token: ada.token, body: map[string]string{"name": "mine"}}), 404, "not_found")
	assertProblem(t, a.do(req{method: "DELETE", path: path, token: ada.token}), 404, "not_found")
	if items := a.expect(req{method: "GET", path: "/api/v1/me/passkeys", token: ada.token}, 200).json(t)["items"].([]any); len(items) != 0 {
		t.Errorf("ada sees passkeys: %v", items)
	}
	// Bob renames and removes his own.
	assertProblem(t, a.do(req{method: "PATCH", path: path, token: bob.token, body: map[string]string{"name": string(make([]byte, 101))}}), 422, "invalid")
	a.expect(req{method: "PATCH", path: path, token: bob.token, body: map[string]string{"name": "Laptop"}}, 204)
	items := a.expect(req{method: "GET", path: "/api/v1/me/passkeys", token: bob.token}, 200).json(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["name"] != "Laptop" {
		t.Fatalf("bob's passkeys: %v", items)
	}
	a.expect(req{method: "DELETE", path: path, token: bob.token}, 204)
	assertProblem(t, a.do(req{method: "DELETE", path: path, token: bob.token}), 404, "not_found")
	// A ceremony that was never begun does not sign anyone in.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/passkey/finish", body: map[string]any{"ceremony": "fc_nothing", "credential": map[string]string{}}}), 401, "unauthorized")
}

func TestTwoFactorEventsAreAudited(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	secret, codes := a.enableTOTP(ada)
	a.do(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": a.pendingLogin(ada), "code": "000000"}})
	a.expect(req{method: "POST", path: "/api/v1/auth/login/totp", body: map[string]string{"pending_token": a.pendingLogin(ada), "code": codeAt(t, secret, 30*time.Second)}}, 200)
	a.expect(req{method: "POST", path: "/api/v1/auth/login/recovery", body: map[string]string{"pending_token": a.pendingLogin(ada), "code": codes[0]}}, 200)
	key := &mfa.Passkey{UserID: ada.id, CredentialID: []byte("ada's credential"), Name: "Key", Data: []byte(`{}`)}
	if err := mfastore.New(a.db).AddPasskey(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/me/passkeys/" + strconv.FormatInt(key.ID, 10)
	a.expect(req{method: "PATCH", path: path, token: ada.token, body: map[string]string{"name": "Laptop"}}, 204)
	a.expect(req{method: "DELETE", path: path, token: ada.token}, 204)
	a.expect(req{method: "DELETE", path: "/api/v1/me/two-factor/totp", token: ada.token}, 204)

	page, err := wire.AuditLog(wire.Pools{DB: a.db, Logger: quietLogger}).Entries(context.Background(), audit.Query{UserID: ada.id, Limit: audit.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range page.Entries {
		got[string(e.Kind)+" "+e.Detail["method"]+e.Detail["reason"]] = true
	}
	for _, want := range []string{"2fa_enabled ", "login_failed totpsecond_factor", "login totp", "login recovery",
		"recovery_code_used ", "passkey_renamed ", "passkey_removed ", "2fa_disabled "} {
		if !got[want] {
			t.Errorf("no %q in the audit log: %v", want, got)
		}
	}
}

func TestTwoFactorEndpointsAreDocumented(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	doc, err := openapi3.NewLoader().LoadFromData(a.expect(req{method: "GET", path: "/api/openapi.json"}, 200).body)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/auth/login/totp", "/api/v1/auth/login/recovery", "/api/v1/auth/passkey/begin", "/api/v1/auth/passkey/finish",
		"/api/v1/auth/reauthenticate", "/api/v1/auth/reauthenticate/passkey/begin", "/api/v1/auth/reauthenticate/passkey/finish",
		"/api/v1/me/two-factor", "/api/v1/me/two-factor/totp", "/api/v1/me/two-factor/totp/confirm", "/api/v1/me/two-factor/recovery-codes",
		"/api/v1/me/passkeys", "/api/v1/me/passkeys/begin", "/api/v1/me/passkeys/{id}"} {
		if doc.Paths.Find(path) == nil {
			t.Errorf("document lacks %s", path)
		}
	}
	if doc.Paths.Find("/api/v1/auth/login").Post.Responses.Status(202) == nil {
		t.Error("the login's 202 (a second factor is needed) is not documented")
	}
}
