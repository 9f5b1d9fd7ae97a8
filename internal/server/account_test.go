package server_test

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	accountflows "github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
)

func withAccountLimits(l accountflows.Limits) apiOption {
	return func(o *server.Options, _ *bun.DB) { o.Accounts.Limits = l }
}

// mailed returns the links of the account mail of kind to addr in the
// outbox, oldest first.
func (a *harness) mailed(kind, addr string) []string {
	a.t.Helper()
	var links []string
	if err := a.db.NewRaw(`SELECT coalesce(payload->>'url', '') FROM notifications WHERE kind = ? AND target = ? ORDER BY id`, kind, addr).
		Scan(context.Background(), &links); err != nil {
		a.t.Fatal(err)
	}
	return links
}

// linkToken is the token in a mailed link.
func linkToken(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("link %q has no token", link)
	}
	return u.Query().Get("token")
}

func (a *harness) me(token string) map[string]any {
	a.t.Helper()
	return a.expect(req{method: "GET", path: "/api/v1/me", token: token}, 200).json(a.t)
}

func TestEmailVerificationLinkIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withAccountLimits(accountflows.Limits{ResetPerAddress: servertest.Plenty, ResetPerIP: servertest.Plenty,
		ResendPerAccount: ratelimit.Limit{Rate: 1, Period: time.Hour}, EmailChangePerAccount: servertest.Plenty}))
	ada := a.signUp("ada")
	if v := a.me(ada.token)["email_verified"]; v != false {
		t.Fatalf("a new account's email_verified = %v, want false", v)
	}
	links := a.mailed("verify_email", ada.email)
	if len(links) != 1 || !strings.HasPrefix(links[0], "http://localhost:8080/verify-email?token=fa_") {
		t.Fatalf("verification mail links %v, want one absolute /verify-email link", links)
	}
	tok := linkToken(t, links[0])
	// The token is stored hashed, never as sent.
	var stored int
	if err := a.db.NewRaw(`SELECT count(*) FROM account_tokens WHERE token_hash = convert_to(?, 'UTF8')`, tok).Scan(context.Background(), &stored); err != nil || stored != 0 {
		t.Fatalf("the raw token is stored (%d rows, %v)", stored, err)
	}

	// Another account's session does not change whom the link verifies.
	bob := a.signUp("bob")
	a.expect(req{method: "POST", path: "/api/v1/auth/verify-email", token: bob.token, body: map[string]string{"token": tok}}, 204)
	if a.me(ada.token)["email_verified"] != true || a.me(bob.token)["email_verified"] != false {
		t.Fatal("the link verified the wrong account")
	}
	r := a.do(req{method: "POST", path: "/api/v1/auth/verify-email", body: map[string]string{"token": tok}})
	assertProblem(t, r, 422, "invalid")
	if _, ok := r.fieldErrors(t)["token"]; !ok {
		t.Errorf("a used link should name the token: %s", r.body)
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/me/email/verification", token: ada.token}), 422, "invalid")

	// Bob resends once (the limit), and his links expire.
	a.expect(req{method: "POST", path: "/api/v1/me/email/verification", token: bob.token}, 202)
	r = a.do(req{method: "POST", path: "/api/v1/me/email/verification", token: bob.token})
	assertProblem(t, r, 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	bobLinks := a.mailed("verify_email", bob.email)
	if len(bobLinks) != 2 {
		t.Fatalf("%d verification mails to bob, want 2", len(bobLinks))
	}
	if _, err := a.db.ExecContext(context.Background(), `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = ?`, bob.id); err != nil {
		t.Fatal(err)
	}
	for _, l := range bobLinks {
		assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/verify-email", body: map[string]string{"token": linkToken(t, l)}}), 422, "invalid")
	}
	for _, junk := range []string{"", "fa_nope", strings.Repeat("x", 10000)} {
		assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/verify-email", body: map[string]string{"token": junk}}), 422, "invalid")
	}
}

func TestPasswordResetRevokesEverySessionAndTokenOnce(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	other := a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "correct horse battery"}}, 200).json(t)["token"].(string)
	apiToken := a.expect(req{method: "POST", path: "/api/v1/tokens", token: ada.token, body: map[string]string{"name": "ci"}}, 201).json(t)["token"].(string)
	bob := a.signUp("bob")

	known := a.expect(req{method: "POST", path: "/api/v1/auth/password-reset", body: map[string]string{"email": strings.ToUpper(ada.email)}}, 202)
	unknown := a.expect(req{method: "POST", path: "/api/v1/auth/password-reset", body: map[string]string{"email": "nobody-" + ada.email}}, 202)
	if string(known.body) != string(unknown.body) {
		t.Fatalf("known and unknown addresses answer differently:\n%s\n%s", known.body, unknown.body)
	}
	if n := len(a.mailed("password_reset", "nobody-"+ada.email)); n != 0 {
		t.Fatalf("%d reset mails to an address without an account", n)
	}
	links := a.mailed("password_reset", ada.email)
	if len(links) != 1 || !strings.HasPrefix(links[0], "http://localhost:8080/reset-password?token=fa_") {
		t.Fatalf("reset links %v", links)
	}
	tok := linkToken(t, links[0])

	r := a.do(req{method: "POST", path: "/api/v1/auth/password-reset/confirm", body: map[string]string{"token": tok, "password": "short"}})
	assertProblem(t, r, 422, "invalid")
	if _, ok := r.fieldErrors(t)["password"]; !ok {
		t.Errorf("a short password should name password: %s", r.body)
	}
	a.expect(req{method: "POST", path: "/api/v1/auth/password-reset/confirm", body: map[string]string{"token": tok, "password": "a brand new password"}}, 204)
	for _, tk := range []string{ada.token, other, apiToken} {
		assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: tk}), 401, "unauthorized")
	}
	a.expect(req{method: "GET", path: "/api/v1/me", token: bob.token}, 200)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "correct horse battery"}}, 401)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "a brand new password"}}, 200)
	if n := len(a.mailed("password_changed", ada.email)); n != 1 {
		t.Errorf("%d password_changed notices, want 1", n)
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/password-reset/confirm", body: map[string]string{"token": tok, "password": "yet another password"}}), 422, "invalid")

	// A link past its 30 minutes does not work.
	a.expect(req{method: "POST", path: "/api/v1/auth/password-reset", body: map[string]string{"email": ada.email}}, 202)
	links = a.mailed("password_reset", ada.email)
	var ttl float64
	if err := a.db.NewRaw(`SELECT extract(epoch FROM max(expires_at - created_at)) FROM account_tokens WHERE user_id = ? AND purpose = 'password_reset'`, ada.id).Scan(context.Background(), &ttl); err != nil || ttl < 1799 || ttl > 1801 {
		t.Errorf("reset links live %v s (%v), want 1800", ttl, err)
	}
	if _, err := a.db.ExecContext(context.Background(), `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = ?`, ada.id); err != nil {
		t.Fatal(err)
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/password-reset/confirm", body: map[string]string{"token": linkToken(t, links[1]), "password": "yet another password"}}), 422, "invalid")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/password-reset", body: map[string]string{"email": "not an address"}}), 422, "invalid")
}

func TestPasswordResetIsLimitedPerAddressAndPerIP(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withAccountLimits(accountflows.Limits{ResetPerAddress: ratelimit.Limit{Rate: 2, Period: time.Hour}, ResetPerIP: ratelimit.Limit{Rate: 6, Period: time.Hour},
		ResendPerAccount: servertest.Plenty, EmailChangePerAccount: servertest.Plenty}))
	ada := a.signUp("ada")
	reset := func(email string) response {
		return a.do(req{method: "POST", path: "/api/v1/auth/password-reset", body: map[string]string{"email": email}})
	}
	// Per address, counted alike whether or not it has an account.
	for _, addr := range []string{ada.email, "ghost@example.com"} {
		for range 2 {
			if r := reset(addr); r.status != 202 {
				t.Fatalf("reset %s: %d %s", addr, r.status, r.body)
			}
		}
		r := reset(strings.ToUpper(addr))
		assertProblem(t, r, 429, "too_many_requests")
		if r.header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if n := len(a.mailed("password_reset", ada.email)); n != 2 {
		t.Errorf("%d reset mails, want 2", n)
	}
	// Per IP: six requests came from this one; a fresh address is refused.
	assertProblem(t, reset("third@example.com"), 429, "too_many_requests")
}

// TestPasswordResetTakesTheSameTimeForUnknownAddresses compares the
// median answer times of a known and an unknown address. The work is the
// same by design (the same round trips, no mail sent inline); the bound
// is far above scheduling noise and far below what a lookup-dependent
// step (a bcrypt hash, an SMTP session) would add.
func TestPasswordResetTakesTheSameTimeForUnknownAddresses(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	timed := func(email string) time.Duration {
		start := time.Now()
		a.expect(req{method: "POST", path: "/api/v1/auth/password-reset", body: map[string]string{"email": email}}, 202)
		return time.Since(start)
	}
	timed(ada.email) // warm up
	timed("nobody@example.com")
	// Known and unknown alternate, and the median of the pairs' differences
	// is compared, so that a busy machine slowing down one stretch of the
	// run (as a parallel test can) weighs on both sides alike.
	var diffs []time.Duration
	for range 15 {
		diffs = append(diffs, timed(ada.email)-timed("nobody@example.com"))
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i] < diffs[j] })
	d := diffs[len(diffs)/2]
	t.Logf("median difference known - unknown: %s", d)
	if d > 40*time.Millisecond || d < -40*time.Millisecond {
		t.Errorf("known vs unknown address differ by %s at the median: the timing tells whether an account exists", d)
	}
}

func TestEmailChangeIsConfirmedFromTheNewAddress(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	bob := a.signUp("bob")
	newAddr := "ada-new-" + ada.email
	change := func(token, password, email string) response {
		return a.do(req{method: "POST", path: "/api/v1/me/email", token: token, body: map[string]string{"password": password, "new_email": email}})
	}
	r := change(ada.token, "wrong password", newAddr)
	if _, ok := r.fieldErrors(t)["password"]; r.status != 422 || !ok {
		t.Fatalf("wrong password: %d %s", r.status, r.body)
	}
	assertProblem(t, change(ada.token, "correct horse battery", "nope"), 422, "invalid")
	assertProblem(t, change(ada.token, "correct horse battery", strings.ToUpper(ada.email)), 422, "invalid")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/me/email", body: map[string]string{"password": "x", "new_email": newAddr}}), 401, "unauthorized")

	a.expect(req{method: "POST", path: "/api/v1/me/email", token: ada.token, body: map[string]string{"password": "correct horse battery", "new_email": newAddr}}, 202)
	if got := a.me(ada.token)["email"]; got != ada.email {
		t.Fatalf("the address changed before confirmation: %v", got)
	}
	links := a.mailed("email_change", newAddr)
	if len(links) != 1 || !strings.HasPrefix(links[0], "http://localhost:8080/confirm-email?token=fa_") {
		t.Fatalf("confirmation links to the new address: %v", links)
	}
	if n := len(a.mailed("email_change", ada.email)); n != 0 {
		t.Fatal("the confirmation link went to the old address")
	}
	// The old address is told, with no link that acts.
	var notice string
	if err := a.db.NewRaw(`SELECT payload::text FROM notifications WHERE kind = 'email_change_notice' AND target = ?`, ada.email).Scan(context.Background(), &notice); err != nil {
		t.Fatalf("no notice to the old address: %v", err)
	}
	if !strings.Contains(notice, newAddr) || strings.Contains(notice, "fa_") {
		t.Errorf("notice payload %s: want the new address and no token", notice)
	}
	// A session of another account cannot hijack the link into its own account.
	a.expect(req{method: "POST", path: "/api/v1/auth/email-change/confirm", token: bob.token, body: map[string]string{"token": linkToken(t, links[0])}}, 204)
	me := a.me(ada.token) // sessions stay: the change needed the password and the new mailbox
	if me["email"] != newAddr || me["email_verified"] != true {
		t.Fatalf("after confirmation: %v", me)
	}
	if a.me(bob.token)["email"] != bob.email {
		t.Fatal("bob's address changed")
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/email-change/confirm", body: map[string]string{"token": linkToken(t, links[0])}}), 422, "invalid")
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "correct horse battery"}}, 401)
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": newAddr, "password": "correct horse battery"}}, 200)

	// Asking for bob's address is accepted (no account is revealed); the
	// link then fails.
	a.expect(req{method: "POST", path: "/api/v1/me/email", token: ada.token, body: map[string]string{"password": "correct horse battery", "new_email": bob.email}}, 202)
	taken := a.mailed("email_change", bob.email)
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/email-change/confirm", body: map[string]string{"token": linkToken(t, taken[0])}}), 409, "conflict")

	// Changing the password cancels a pending change.
	third := "ada-third-" + ada.email
	a.expect(req{method: "POST", path: "/api/v1/me/email", token: ada.token, body: map[string]string{"password": "correct horse battery", "new_email": third}}, 202)
	a.expect(req{method: "POST", path: "/api/v1/me/password", token: ada.token, body: map[string]any{"current_password": "correct horse battery", "new_password": "another good password"}}, 204)
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/email-change/confirm", body: map[string]string{"token": linkToken(t, a.mailed("email_change", third)[0])}}), 422, "invalid")
	if slices.Contains([]any{third}, a.me(ada.token)["email"]) {
		t.Fatal("a cancelled change took effect")
	}
}

func TestSignUpWithATakenAddressTellsItsOwnerOncePerHour(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	register := func(handle string) response {
		return a.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
			"email": strings.ToUpper(ada.email), "password": "another password!", "handle": handle, "display_name": "Eve"}}, 201)
	}
	fresh := a.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
		"email": "fresh@example.com", "password": "another password!", "handle": "fresh", "display_name": "Eve"}}, 201)
	taken := register("eve")
	if strings.ReplaceAll(string(taken.body), "eve", "fresh") != strings.ReplaceAll(string(fresh.body), "fresh@example.com", strings.ToUpper(ada.email)) {
		t.Errorf("a taken address answers differently:\n%s\n%s", taken.body, fresh.body)
	}
	register("eve2")
	if n := len(a.mailed("signup_attempt", ada.email)); n != 1 {
		t.Errorf("%d notices of sign-up attempts, want 1 (at most one an hour)", n)
	}
	if n := len(a.mailed("verify_email", strings.ToUpper(ada.email))) + len(a.mailed("verify_email", ada.email)); n != 1 {
		t.Errorf("%d verification mails to the taken address, want only its own sign-up's", n)
	}
}
