package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/testenv"
)

var inviteLink = regexp.MustCompile(`http://localhost:8080/register\?invite=(fi_[A-Za-z0-9_-]+)`)

// invitationOf delivers the outbox through Mailpit and returns the
// invitation token mailed to addr, which the HTML carries too.
func (e *ssoEnv) invitationOf(mp *testenv.MailpitServer, addr string) string {
	e.t.Helper()
	cfg, err := mail.ParseURL(mp.SMTPURL)
	if err != nil {
		e.t.Fatal(err)
	}
	cfg.From, cfg.Timeout = "Folio <folio@folio.test>", 5*time.Second
	base, _ := url.Parse("http://localhost:8080")
	d := &notify.Deliverer{Store: outbox.New(e.db), Mailer: mail.New(cfg), BaseURL: base}
	if err := d.Run(context.Background(), 20*time.Second); err != nil {
		e.t.Fatal(err)
	}
	m := mp.WaitForMail(e.t, addr, 1, 15*time.Second)[0]
	link := inviteLink.FindStringSubmatch(m.Text)
	if link == nil || !strings.Contains(m.HTML, `href="`+link[0]+`"`) || m.Subject != "You are invited to Folio" {
		e.t.Fatalf("invitation to %s has no link in both parts: %q\n%s\n%s", addr, m.Subject, m.Text, m.HTML)
	}
	return link[1]
}

func register(email, handle, token string) req {
	return req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
		"email": email, "password": "correct horse battery", "handle": handle, "display_name": handle, "invite": token}}
}

// TestInviteOnlyRegistration: the first account (the operator) needs no
// invitation; then only an invitation link registers its address, once,
// before it expires; an admin invites a cohort's list at once, by the API
// or the page; others cannot see or send invitations.
func TestInviteOnlyRegistration(t *testing.T) {
	t.Parallel()
	mp := testenv.Mailpit(t)
	e := newSSO(t, ssoSetup{mode: invite.InviteOnly})
	admin := e.signUp("operator")

	assertProblem(t, e.do(register(mp.Address("stranger"), "stranger", "")), 403, "forbidden")
	page := e.expect(req{method: "GET", path: "/register"}, 200)
	if !strings.Contains(string(page.body), "invite-only") || strings.Contains(string(page.body), "data-form=") {
		t.Errorf("register page without an invitation shows the form:\n%s", page.body)
	}

	ada, bob := mp.Address("ada"), mp.Address("bob")
	cohort := "name,email\nAda Lovelace," + ada + "\nBob," + strings.ToUpper(bob[:1]) + bob[1:] + "\n"
	sent := e.expect(req{method: "POST", path: "/api/v1/admin/invitations", token: admin.token,
		body: map[string]any{"text": cohort, "emails": []string{bob, admin.email}}}, 201).json(t)
	if inv, sk := sent["invited"].([]any), sent["skipped"].([]any); len(inv) != 2 || len(sk) != 1 || sk[0].(map[string]any)["email"] != admin.email {
		t.Fatalf("sent = %v, want ada and bob invited (once each) and the admin skipped", sent)
	}
	adaToken := e.invitationOf(mp, ada)
	bobToken := e.invitationOf(mp, bob)

	page = e.expect(req{method: "GET", path: "/register?invite=" + adaToken}, 200)
	if !strings.Contains(string(page.body), `value="`+ada+`" readonly`) || !strings.Contains(string(page.body), `name="invite" value="`+adaToken+`"`) {
		t.Errorf("register page does not carry the invitation:\n%s", page.body)
	}
	// The link registers its own address only, and a refusal does not use it up.
	assertProblem(t, e.do(register(mp.Address("not-ada"), "not-ada", adaToken)), 403, "forbidden")
	e.expect(register(ada, "ada", adaToken), 201)
	login := e.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada, "password": "correct horse battery"}}, 200).json(t)
	if user := login["user"].(map[string]any); user["email_verified"] != true {
		t.Errorf("an invited account is not verified: %v", user)
	}
	if kinds := e.auditKinds(int64(login["user"].(map[string]any)["id"].(float64))); !slices.Contains(kinds, audit.InvitationUsed) {
		t.Errorf("the invited account's audit log is %v, without invitation_used", kinds)
	}
	// Used twice: refused.
	assertProblem(t, e.do(register(ada, "ada-again", adaToken)), 403, "forbidden")
	e.expect(req{method: "GET", path: "/register?invite=" + adaToken}, 404)

	// Expired: refused.
	if _, err := e.db.NewRaw(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE lower(email) = lower(?)`, bob).Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertProblem(t, e.do(register(bob, "bob", bobToken)), 403, "forbidden")

	// Admins only: the API is 403 for others, the page a 404.
	adaToken2 := e.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": ada, "password": "correct horse battery"}}, 200).json(t)["token"].(string)
	assertProblem(t, e.do(req{method: "GET", path: "/api/v1/admin/invitations", token: adaToken2}), 403, "forbidden")
	assertProblem(t, e.do(req{method: "POST", path: "/api/v1/admin/invitations", token: adaToken2, body: map[string]any{"emails": []string{"x@example.com"}}}), 403, "forbidden")
	e.expect(req{method: "GET", path: "/admin/invitations", headers: map[string]string{"Authorization": "Bearer " + adaToken2}}, 404)
	assertProblem(t, e.do(req{method: "GET", path: "/api/v1/admin/invitations"}), 401, "unauthorized")

	// The admin's page: the list, a pasted list sent, a revocation.
	b := browserOf(t, admin)
	list := string(e.expect(req{method: "GET", path: "/admin/invitations", headers: b.cookie()}, 200).body)
	for _, want := range []string{ada, "used", "expired"} {
		if !strings.Contains(list, want) {
			t.Errorf("invitations page lacks %q", want)
		}
	}
	carol := mp.Address("carol")
	e.expect(form("/admin/invitations", url.Values{"_csrf": {b.csrf}, "emails": {carol + "; " + mp.Address("dan")}}, b.cookie()), http.StatusSeeOther)
	all := e.expect(req{method: "GET", path: "/api/v1/admin/invitations", token: admin.token}, 200).json(t)["items"].([]any)
	if len(all) != 4 || all[0].(map[string]any)["status"] != "pending" {
		t.Fatalf("invitations = %v", all)
	}
	var carolID int64
	for _, i := range all {
		if m := i.(map[string]any); m["email"] == carol {
			carolID = id(m)
		}
	}
	carolToken := e.invitationOf(mp, carol)
	e.expect(form("/admin/invitations/"+itoa(carolID)+"/revoke", url.Values{"_csrf": {b.csrf}}, b.cookie()), http.StatusSeeOther)
	assertProblem(t, e.do(register(carol, "carol", carolToken)), 403, "forbidden")
	e.expect(req{method: "DELETE", path: "/api/v1/admin/invitations/" + itoa(carolID), token: admin.token}, 404)
}

// TestInviteOnlySingleSignOn: in invite-only mode a new person signs up
// through the provider only with an invitation sent to their address.
func TestInviteOnlySingleSignOn(t *testing.T) {
	t.Parallel()
	mp := testenv.Mailpit(t)
	e := newSSO(t, ssoSetup{mode: invite.InviteOnly})
	admin := e.signUp("operator")
	eve := mp.Address("eve")
	e.addUser("eve", eve, true)
	refused(t, e.finish(e.begin("/auth/sso/oidc", "eve", nil), ""), 403, "invite-only")

	e.expect(req{method: "POST", path: "/api/v1/admin/invitations", token: admin.token, body: map[string]any{"emails": []string{eve}}}, 201)
	token := e.invitationOf(mp, eve)
	page := e.expect(req{method: "GET", path: "/register?invite=" + token}, 200)
	if !strings.Contains(string(page.body), `href="/auth/sso/oidc?invite=`+token+`"`) {
		t.Errorf("register page has no sign-up button carrying the invitation:\n%s", page.body)
	}
	resp := e.finish(e.begin("/auth/sso/oidc?invite="+token, "eve", nil), "")
	if resp.status != http.StatusSeeOther {
		t.Fatalf("sign-up with the invitation: status %d; body %s", resp.status, resp.body)
	}
	if n := e.countUsers(); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}
	// The invitation is used.
	assertProblem(t, e.do(register(eve, "eve-again", token)), 403, "forbidden")
}

// TestSSOOnlyRegistration: password sign-up is refused and single sign-on
// makes accounts; an account from before keeps its password until it
// connects an identity, and then signs in through it alone.
func TestSSOOnlyRegistration(t *testing.T) {
	t.Parallel()
	e := newSSO(t, ssoSetup{})
	before := e.signUp("before") // made while registration was open
	e.gate.Mode = invite.SSOOnly

	assertProblem(t, e.do(register("new@example.com", "newbie", "")), 403, "forbidden")
	page := string(e.expect(req{method: "GET", path: "/register"}, 200).body)
	if strings.Contains(page, "data-form=") || !strings.Contains(page, `href="/auth/sso/oidc"`) {
		t.Errorf("register page in SSO-only mode:\n%s", page)
	}
	e.addUser("newbie", "newbie@example.com", true)
	e.login("newbie")
	if n := e.countUsers(); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}

	pw := map[string]string{"email": before.email, "password": "correct horse battery"}
	e.expect(req{method: "POST", path: "/api/v1/auth/login", body: pw}, 200)
	e.addUser("before-idp", before.email, true)
	b := browserOf(t, before)
	e.finish(e.beginLink(b.session, b.csrf, "before-idp"), "folio_session="+b.session)
	assertProblem(t, e.do(req{method: "POST", path: "/api/v1/auth/login", body: pw}), 403, "forbidden")
	e.login("before-idp")
}
