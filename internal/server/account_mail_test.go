package server_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/testenv"
)

// mailLink is the link to path in a delivered message's text, which the
// HTML must carry too.
func mailLink(t *testing.T, m testenv.Mail, path string) string {
	t.Helper()
	link := regexp.MustCompile(`http://localhost:8080/` + path + `\?token=fa_[A-Za-z0-9_-]+`).FindString(m.Text)
	if link == "" || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Fatalf("message %q has no /%s link in both parts:\n%s\n%s", m.Subject, path, m.Text, m.HTML)
	}
	if strings.Contains(strings.ToLower(m.HTML), "<img") {
		t.Errorf("message %q has an image", m.Subject)
	}
	return link
}

// TestAccountMailThroughMailpit runs the flows end to end: the outbox is
// delivered by the worker's Deliverer over SMTP to the stack's Mailpit,
// and every link is read out of the delivered mail.
func TestAccountMailThroughMailpit(t *testing.T) {
	t.Parallel()
	mp := testenv.Mailpit(t)
	a := newAPI(t)
	cfg, err := mail.ParseURL(mp.SMTPURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From, cfg.Timeout = "Folio <folio@folio.test>", 5*time.Second
	base, _ := url.Parse("http://localhost:8080")
	d := &notify.Deliverer{Store: outbox.New(a.db), Mailer: mail.New(cfg), BaseURL: base}
	deliver := func() {
		t.Helper()
		if err := d.Run(context.Background(), 20*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	post := func(path, token string, body any, status int) response {
		t.Helper()
		return a.expect(req{method: "POST", path: path, token: token, body: body}, status)
	}
	pathOf := func(link string) string { u, _ := url.Parse(link); return u.Query().Get("token") }

	addr := mp.Address("owner")
	post("/api/v1/auth/register", "", map[string]string{"email": addr, "password": "correct horse battery", "handle": "mailee", "display_name": "Mai Lee"}, 201)
	deliver()
	verify := mp.WaitForMail(t, addr, 1, 15*time.Second)[0]
	if verify.Subject != "Verify your email address for Folio" || !strings.Contains(verify.Text, "Hi Mai Lee") {
		t.Errorf("verification mail %q:\n%s", verify.Subject, verify.Text)
	}
	if verify.Header("List-Unsubscribe") != "" {
		t.Error("account mail offers to unsubscribe")
	}
	post("/api/v1/auth/verify-email", "", map[string]string{"token": pathOf(mailLink(t, verify, "verify-email"))}, 204)

	session := post("/api/v1/auth/login", "", map[string]string{"email": addr, "password": "correct horse battery"}, 200).json(t)["token"].(string)
	post("/api/v1/auth/password-reset", "", map[string]string{"email": addr}, 202)
	deliver()
	reset := mp.WaitForMail(t, addr, 2, 15*time.Second)[0]
	if reset.Subject != "Reset your Folio password" || !strings.Contains(reset.Text, "30 minutes") {
		t.Errorf("reset mail %q:\n%s", reset.Subject, reset.Text)
	}
	tok := pathOf(mailLink(t, reset, "reset-password"))
	post("/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "password": "a brand new password"}, 204)
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: session}), 401, "unauthorized")
	session = post("/api/v1/auth/login", "", map[string]string{"email": addr, "password": "a brand new password"}, 200).json(t)["token"].(string)
	deliver()
	if changed := mp.WaitForMail(t, addr, 3, 15*time.Second)[0]; changed.Subject != "Your Folio password was reset" {
		t.Errorf("after the reset: %q", changed.Subject)
	}

	newAddr := mp.Address("moved")
	post("/api/v1/me/email", session, map[string]string{"password": "a brand new password", "new_email": newAddr}, 202)
	deliver()
	confirm := mp.WaitForMail(t, newAddr, 1, 15*time.Second)[0]
	notice := mp.WaitForMail(t, addr, 4, 15*time.Second)[0]
	if !strings.Contains(notice.Text, newAddr) || strings.Contains(notice.Text, "token=") || strings.Contains(notice.HTML, "token=") {
		t.Errorf("notice to the old address %q:\n%s", notice.Subject, notice.Text)
	}
	post("/api/v1/auth/email-change/confirm", "", map[string]string{"token": pathOf(mailLink(t, confirm, "confirm-email"))}, 204)
	if me := a.me(session); me["email"] != newAddr || me["email_verified"] != true {
		t.Errorf("after the change: %v", me)
	}
}
