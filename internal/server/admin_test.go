package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
)

var firefoxUA = map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}

// loginAgain opens another session of acct with headers (a User-Agent).
func (a *harness) loginAgain(acct account, headers map[string]string) string {
	a.t.Helper()
	r := a.expect(req{method: "POST", path: "/api/v1/auth/login", headers: headers,
		body: map[string]string{"email": acct.email, "password": "correct horse battery"}}, 200)
	return r.json(a.t)["token"].(string)
}

func items(t *testing.T, r response) []map[string]any {
	t.Helper()
	raw, _ := r.json(t)["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

func TestSessionsAreListedWithDeviceAndRevoked(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	laptop := a.loginAgain(ada, firefoxUA)
	a.expect(req{method: "GET", path: "/api/v1/me", token: laptop, headers: firefoxUA}, 200)

	list := items(t, a.expect(req{method: "GET", path: "/api/v1/me/sessions", token: ada.token}, 200))
	if len(list) != 2 {
		t.Fatalf("%d sessions listed, want 2: %v", len(list), list)
	}
	var laptopID, currentID int64
	for _, s := range list {
		if s["current"] == true {
			currentID = id(s)
		} else {
			laptopID = id(s)
			if s["device"] != "Firefox 128 on Linux" || s["last_seen_at"] == nil {
				t.Errorf("the laptop's session shows %v", s)
			}
		}
		for _, k := range []string{"ip", "token", "token_hash"} {
			if _, ok := s[k]; ok {
				t.Errorf("a session shows its %s", k)
			}
		}
	}
	if currentID == 0 || laptopID == 0 {
		t.Fatalf("current session not marked: %v", list)
	}

	// Last seen is written at most once a minute, however busy the session.
	var before string
	if err := a.db.NewRaw("SELECT last_seen_at::text FROM sessions WHERE id = ?", laptopID).Scan(context.Background(), &before); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		a.expect(req{method: "GET", path: "/api/v1/me", token: laptop, headers: firefoxUA}, 200)
	}
	var after string
	_ = a.db.NewRaw("SELECT last_seen_at::text FROM sessions WHERE id = ?", laptopID).Scan(context.Background(), &after)
	if after != before {
		t.Errorf("last seen moved from %s to %s within a minute", before, after)
	}

	// IDOR: another account's session is a 404, and stays alive.
	bobList := items(t, a.expect(req{method: "GET", path: "/api/v1/me/sessions", token: bob.token}, 200))
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/me/sessions/" + itoa(id(bobList[0])), token: ada.token}), 404, "not_found")
	a.expect(req{method: "GET", path: "/api/v1/me", token: bob.token}, 200)
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/me/sessions/abc", token: ada.token}), 404, "not_found")

	a.expect(req{method: "DELETE", path: "/api/v1/me/sessions/" + itoa(laptopID), token: ada.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: laptop}), 401, "unauthorized")
	if e := a.lastAudit(ada.id); e.Kind != audit.SessionRevoked || e.Detail["session_id"] != itoa(laptopID) {
		t.Fatalf("revocation entry %+v", e)
	}

	phone, tablet := a.loginAgain(ada, nil), a.loginAgain(ada, nil)
	r := a.expect(req{method: "POST", path: "/api/v1/me/sessions/revoke-others", token: ada.token}, 200).json(t)
	if r["revoked"] != float64(2) {
		t.Errorf("revoked %v, want 2", r["revoked"])
	}
	for _, tok := range []string{phone, tablet} {
		assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: tok}), 401, "unauthorized")
	}
	a.expect(req{method: "GET", path: "/api/v1/me", token: ada.token}, 200)
	if e := a.lastAudit(ada.id); e.Kind != audit.SessionRevoked || e.Detail["count"] != "2" {
		t.Fatalf("revoke-others entry %+v", e)
	}

	// The owner reads their own log, paginated; never another's.
	page := a.expect(req{method: "GET", path: "/api/v1/me/audit?limit=2", token: ada.token}, 200).json(t)
	if got := page["items"].([]any); len(got) != 2 || page["next_cursor"] == nil {
		t.Fatalf("first page %v", page)
	}
	next := a.expect(req{method: "GET", path: "/api/v1/me/audit?limit=2&cursor=" + page["next_cursor"].(string), token: ada.token}, 200).json(t)
	if len(next["items"].([]any)) != 2 {
		t.Fatalf("second page %v", next)
	}
	for _, e := range items(t, a.expect(req{method: "GET", path: "/api/v1/me/audit?limit=200", token: bob.token}, 200)) {
		if e["kind"] == string(audit.SessionRevoked) {
			t.Errorf("bob's log shows ada's entry %v", e)
		}
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me/audit?cursor=nope", token: ada.token}), 400, "bad_request")
}

func TestAdminRoutesAreNotFoundToOthers(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	root, ada := a.signUp("chief"), a.signUp("ada")
	paths := []req{
		{method: "GET", path: "/api/v1/admin/users"},
		{method: "GET", path: "/api/v1/admin/users/" + itoa(ada.id)},
		{method: "POST", path: "/api/v1/admin/users/" + itoa(root.id) + "/suspend"},
		{method: "PUT", path: "/api/v1/admin/users/" + itoa(ada.id) + "/admin"},
		{method: "DELETE", path: "/api/v1/admin/users/" + itoa(root.id)},
		{method: "GET", path: "/api/v1/admin/audit"},
	}
	for _, r := range paths {
		assertProblem(t, a.do(r), 404, "not_found")
		r.token = ada.token
		assertProblem(t, a.do(r), 404, "not_found")
	}
	if a.lastAudit(root.id).Kind != audit.Login {
		t.Error("a refused admin action was carried out or recorded")
	}
	list := a.expect(req{method: "GET", path: "/api/v1/admin/users?q=ADA", token: root.token}, 200)
	if got := items(t, list); len(got) != 1 || got[0]["handle"] != "ada" {
		t.Fatalf("search for ada: %v", got)
	}
	all := items(t, a.expect(req{method: "GET", path: "/api/v1/admin/users?limit=1", token: root.token}, 200))
	if len(all) != 1 {
		t.Fatalf("limit 1 gave %d", len(all))
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/admin/users?q=" + strings.Repeat("a", 101), token: root.token}), 422, "invalid")
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/admin/users/999999", token: root.token}), 404, "not_found")
}

func TestAdminRoleGrantRevokeAndTheLastAdmin(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	root, ada := a.signUp("chief"), a.signUp("ada")
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/admin/users/" + itoa(root.id) + "/admin", token: root.token}), 409, "conflict")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/admin/users/" + itoa(root.id) + "/suspend", token: root.token}), 409, "conflict")

	r := a.expect(req{method: "PUT", path: "/api/v1/admin/users/" + itoa(ada.id) + "/admin", token: root.token}, 200).json(t)
	if r["is_admin"] != true {
		t.Fatalf("grant: %v", r)
	}
	if e := a.lastAudit(ada.id); e.Kind != audit.AdminGrant || e.ActorID != root.id {
		t.Fatalf("grant entry %+v", e)
	}
	// An administrator is not suspended or deleted before losing the role.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/admin/users/" + itoa(ada.id) + "/suspend", token: root.token}), 409, "conflict")
	// Now root may step down: ada is left.
	a.expect(req{method: "DELETE", path: "/api/v1/admin/users/" + itoa(root.id) + "/admin", token: root.token}, 200)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/admin/users", token: root.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/admin/users/" + itoa(ada.id) + "/admin", token: ada.token}), 409, "conflict")
	a.expect(req{method: "GET", path: "/api/v1/admin/audit?user_id=" + itoa(root.id), token: ada.token}, 200)
}

func TestSuspendedAccountCannotSignInAndItsPortfolioIsGone(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	a := newAPI(t, withPages(t), func(o *server.Options, _ *bun.DB) { o.Site.PageCache = rdb })
	root, ada := a.signUp("chief"), a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	tok := a.expect(req{method: "POST", path: "/api/v1/tokens", token: ada.token, body: map[string]any{"name": "CI"}}, 201).json(t)["token"].(string)
	public := []string{"/ada", "/ada/" + p.Slug, "/api/v1/portfolios/ada"}
	for _, path := range public {
		a.expect(req{method: "GET", path: path}, 200)
		a.expect(req{method: "GET", path: path}, 200) // now in the memo and Redis
	}
	if s := string(a.expect(req{method: "GET", path: "/sitemap-1.xml"}, 200).body); !strings.Contains(s, "/ada<") {
		t.Fatalf("ada is not in the sitemap before: %s", s)
	}
	if s := string(a.expect(req{method: "GET", path: "/explore"}, 200).body); !strings.Contains(s, `href="/ada"`) {
		t.Fatal("ada is not in explore before")
	}

	r := a.expect(req{method: "POST", path: "/api/v1/admin/users/" + itoa(ada.id) + "/suspend", token: root.token}, 200).json(t)
	if r["suspended_at"] == nil || r["sessions"] != float64(0) || r["api_tokens"] != float64(0) {
		t.Fatalf("suspended account %v", r)
	}
	if e := a.lastAudit(ada.id); e.Kind != audit.AdminSuspend || e.ActorID != root.id {
		t.Fatalf("suspension entry %+v", e)
	}
	// Its session and token end; it cannot sign in, and is told why.
	for _, t2 := range []string{ada.token, tok} {
		assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: t2}), 401, "unauthorized")
	}
	login := a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "correct horse battery"}})
	assertProblem(t, login, 403, "forbidden")
	if !strings.Contains(string(login.body), "suspended") {
		t.Errorf("the refusal does not say why: %s", login.body)
	}
	// Only with the right password: a wrong one is the usual answer.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "not the password"}}), 401, "unauthorized")
	if e := a.lastAudit(ada.id); e.Kind != audit.LoginFailed || e.Detail["reason"] != "wrong_password" {
		t.Fatalf("failed sign-in entry %+v", e)
	}
	// Public pages are 404, from this process and from one that only has
	// the Redis cache; the sitemap and explore leave it out.
	other := secondProcess(t, a, rdb)
	for _, h := range []*harness{a, other} {
		for _, path := range public {
			h.expect(req{method: "GET", path: path}, 404)
		}
	}
	// A process keeps its sitemap five minutes; a fresh one shows the change.
	if s := string(other.expect(req{method: "GET", path: "/sitemap-1.xml"}, 200).body); strings.Contains(s, "/ada<") || !strings.Contains(s, "/explore<") {
		t.Errorf("the sitemap lists a suspended portfolio: %s", s)
	}
	if s := string(a.expect(req{method: "GET", path: "/explore"}, 200).body); strings.Contains(s, `href="/ada"`) {
		t.Error("explore lists a suspended portfolio")
	}
	// The database refuses a session for it whatever path tries.
	if _, err := a.db.ExecContext(context.Background(), `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
		VALUES ('\x00', ?, 'x', now() + interval '1 day')`, ada.id); err == nil || !strings.Contains(err.Error(), "suspended") {
		t.Errorf("a session was stored for a suspended account: %v", err)
	}

	a.expect(req{method: "POST", path: "/api/v1/admin/users/" + itoa(ada.id) + "/unsuspend", token: root.token}, 200)
	a.loginAgain(ada, nil)
	for _, path := range public {
		other.expect(req{method: "GET", path: path}, 200)
	}
	if e := a.lastAudit(ada.id); e.Kind != audit.Login {
		t.Fatalf("after unsuspension: %+v", e)
	}
	kinds := a.auditKinds(ada.id)
	if !containsKinds(kinds, audit.AdminSuspend, audit.AdminUnsuspend) {
		t.Errorf("ada's log %v lacks the suspension and its lifting", kinds)
	}
}

func containsKinds(have []audit.Kind, want ...audit.Kind) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestAdminDeletesAnAccountAndTheLogKeepsItWithoutTheID(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	chief, ada := a.signUp("chief"), a.signUp("ada")
	assertProblem(t, a.do(req{method: "DELETE", path: "/api/v1/admin/users/" + itoa(chief.id), token: chief.token}), 409, "conflict")
	a.expect(req{method: "DELETE", path: "/api/v1/admin/users/" + itoa(ada.id), token: chief.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/admin/users/" + itoa(ada.id), token: chief.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "correct horse battery"}}), 401, "unauthorized")
	log := items(t, a.expect(req{method: "GET", path: "/api/v1/admin/audit?kind=admin_delete", token: chief.token}, 200))
	if len(log) != 1 || log[0]["user_id"] != float64(0) || log[0]["actor_id"] != float64(chief.id) {
		t.Fatalf("deletion entry %v: the account's id must be gone, the actor kept", log)
	}
	var left int
	if err := a.db.NewRaw("SELECT count(*) FROM audit_events WHERE user_id = ? OR target_id = ?", ada.id, ada.id).Scan(context.Background(), &left); err != nil || left != 0 {
		t.Fatalf("%d audit rows still name the deleted account (%v)", left, err)
	}
}
