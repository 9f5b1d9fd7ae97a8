package server_test

import (
	"context"
	"slices"
	"testing"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/postgres/auditstore"
)

// auditKinds is the kinds of userID's audit entries, oldest first.
func (a *harness) auditKinds(userID int64) []audit.Kind {
	a.t.Helper()
	p, err := auditstore.New(a.db).Entries(context.Background(), audit.Query{UserID: userID, Limit: 100})
	if err != nil {
		a.t.Fatal(err)
	}
	out := make([]audit.Kind, 0, len(p.Entries))
	for i := len(p.Entries) - 1; i >= 0; i-- {
		out = append(out, p.Entries[i].Kind)
	}
	return out
}

func (a *harness) lastAudit(userID int64) audit.Entry {
	a.t.Helper()
	p, err := auditstore.New(a.db).Entries(context.Background(), audit.Query{UserID: userID, Limit: 1})
	if err != nil || len(p.Entries) == 0 {
		a.t.Fatalf("no audit entry for user %d (%v)", userID, err)
	}
	return p.Entries[0]
}

func TestSecurityEventsAreAudited(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	firefox := map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
	ada := a.signUp("ada")
	if e := a.lastAudit(ada.id); e.Kind != audit.Login || e.Detail["method"] != "password" {
		t.Fatalf("sign-in entry %+v", e)
	}

	a.expect(req{method: "POST", path: "/api/v1/auth/login", headers: firefox,
		body: map[string]string{"email": ada.email, "password": "wrong password!"}}, 401)
	if e := a.lastAudit(ada.id); e.Kind != audit.LoginFailed || e.Detail["reason"] != "wrong_password" || e.Device != "Firefox 128 on Linux" {
		t.Fatalf("failed sign-in entry %+v", e)
	}
	for k := range a.lastAudit(ada.id).Detail {
		if k == "ip" || k == "email" {
			t.Errorf("the entry keeps %s", k)
		}
	}

	// An email no account has: recorded, linked to nobody, email not kept.
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "whatever it is"}}, 401)
	p, err := auditstore.New(a.db).Entries(context.Background(), audit.Query{Kind: audit.LoginFailed, Limit: 1})
	if err != nil || len(p.Entries) != 1 {
		t.Fatal(err)
	}
	if e := p.Entries[0]; e.UserID != 0 || e.Detail["reason"] != "unknown_account" || len(e.Detail) != 1 {
		t.Fatalf("unknown account's entry %+v", e)
	}

	tok := a.expect(req{method: "POST", path: "/api/v1/tokens", token: ada.token, body: map[string]any{"name": "CI"}}, 201).json(t)
	if e := a.lastAudit(ada.id); e.Kind != audit.TokenCreated || e.Detail["name"] != "CI" || e.Detail["token_id"] != itoa(id(tok)) {
		t.Fatalf("token entry %+v", e)
	}
	a.expect(req{method: "DELETE", path: "/api/v1/tokens/" + itoa(id(tok)), token: ada.token}, 204)
	if e := a.lastAudit(ada.id); e.Kind != audit.TokenRevoked || e.Detail["token_id"] != itoa(id(tok)) {
		t.Fatalf("revoke entry %+v", e)
	}

	a.expect(req{method: "POST", path: "/api/v1/me/password", token: ada.token,
		body: map[string]any{"current_password": "correct horse battery", "new_password": "a new long password"}}, 204)
	if e := a.lastAudit(ada.id); e.Kind != audit.PasswordChanged {
		t.Fatalf("password entry %+v", e)
	}

	a.expect(req{method: "POST", path: "/api/v1/auth/logout", token: ada.token}, 204)
	if e := a.lastAudit(ada.id); e.Kind != audit.Logout {
		t.Fatalf("logout entry %+v", e)
	}
	second := a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada.email, "password": "a new long password"}}, 200).json(t)
	a.expect(req{method: "POST", path: "/api/v1/auth/logout-all", token: second["token"].(string)}, 204)
	if e := a.lastAudit(ada.id); e.Kind != audit.Logout || e.Detail["sessions"] != "all" {
		t.Fatalf("logout-all entry %+v", e)
	}

	want := []audit.Kind{audit.Login, audit.LoginFailed, audit.TokenCreated, audit.TokenRevoked, audit.PasswordChanged, audit.Logout, audit.Login, audit.Logout}
	if got := a.auditKinds(ada.id); !slices.Equal(got, want) {
		t.Fatalf("ada's log %v, want %v", got, want)
	}
}
