package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/postgres/auditstore"
)

// TestSSOEventsAreAudited: sign-ins through a provider, refused ones
// (without the address the provider gave), identities connected and
// disconnected, invitations sent and used are in the audit log; a
// suspended account cannot sign in through a provider.
func TestSSOEventsAreAudited(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	admin := e.signUp("operator")

	e.addUser("newcomer", "newcomer@example.com", true)
	session := e.login("newcomer")
	me := e.expect(req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": "folio_session=" + session}}, 200).json(t)
	newcomer := id(me)
	if got := e.lastAudit(newcomer); got.Kind != audit.SSOLogin || got.Detail["provider"] != "oidc" || got.Detail["account"] != "created" {
		t.Errorf("first sign-in entry %+v", got)
	}

	e.addUser("unsure", "unsure@example.com", false)
	refused(t, e.finish(e.begin("/auth/sso/oidc", "unsure", nil), ""), 403, "has not verified")
	p, err := auditstore.New(e.db).Entries(context.Background(), audit.Query{Kind: audit.LoginFailed, Limit: 1})
	if err != nil || len(p.Entries) != 1 {
		t.Fatalf("failed sign-ins: %v %v", p, err)
	}
	if got := p.Entries[0]; got.UserID != 0 || got.Detail["reason"] != "email_unverified" || got.Detail["method"] != "sso" {
		t.Errorf("refused sign-in entry %+v", got)
	}
	for _, v := range p.Entries[0].Detail {
		if strings.Contains(v, "@") {
			t.Errorf("the refused sign-in's entry keeps an address: %v", p.Entries[0].Detail)
		}
	}

	e.addUser("admin-idp", admin.email, true)
	refused(t, e.finish(e.begin("/auth/sso/oidc", "admin-idp", nil), ""), 409, "exists already")
	b := browserOf(t, admin)
	e.finish(e.beginLink(b.session, b.csrf, "admin-idp"), "folio_session="+b.session)
	if got := e.lastAudit(admin.id); got.Kind != audit.IdentityLinked || got.Detail["provider"] != "oidc" {
		t.Errorf("link entry %+v", got)
	}
	ids := e.expect(req{method: "GET", path: "/api/v1/me/identities", token: admin.token}, 200).json(t)["items"].([]any)
	e.expect(req{method: "DELETE", path: "/api/v1/me/identities/" + itoa(id(ids[0].(map[string]any))), token: admin.token}, 204)
	if got := e.lastAudit(admin.id); got.Kind != audit.IdentityUnlinked {
		t.Errorf("unlink entry %+v", got)
	}

	e.expect(req{method: "POST", path: "/api/v1/admin/invitations", token: admin.token, body: map[string]any{"emails": []string{"a@school.test", "b@school.test"}}}, 201)
	if got := e.lastAudit(admin.id); got.Kind != audit.InvitationSent || got.Detail["count"] != "2" || strings.Contains(got.Detail["invitation_ids"], "@") {
		t.Errorf("invitation entry %+v", got)
	}

	// Suspended: refused, and recorded against the account.
	if _, err := e.db.NewRaw(`UPDATE users SET suspended_at = now() WHERE id = ?`, newcomer).Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	resp := e.finish(e.begin("/auth/sso/oidc", "newcomer", nil), "")
	refused(t, resp, http.StatusForbidden, "suspended")
	if got := e.lastAudit(newcomer); got.Kind != audit.LoginFailed || got.Detail["reason"] != "suspended" {
		t.Errorf("suspended sign-in entry %+v", got)
	}
}
