package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// form posts values as a browser's form does, from this site.
func form(path string, values url.Values, headers map[string]string) req {
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://localhost:8080"}
	for k, v := range headers {
		h[k] = v
	}
	return req{method: "POST", path: path, body: values.Encode(), headers: h}
}

func TestAccountPagesWorkWithoutJavaScript(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	cookie := map[string]string{"Cookie": "folio_session=" + ada.token}

	if login := string(a.expect(req{method: "GET", path: "/login"}, 200).body); !strings.Contains(login, `href="/forgot-password"`) {
		t.Error("the login page has no 'Forgot password?' link")
	}
	page := string(a.expect(req{method: "GET", path: "/forgot-password"}, 200).body)
	if !strings.Contains(page, `<form class="stack" method="post" action="/forgot-password">`) || strings.Contains(page, "<script") {
		t.Errorf("forgot-password is not a plain form:\n%s", page)
	}
	// Another site cannot post the form.
	assertProblem(t, a.do(form("/forgot-password", url.Values{"email": {ada.email}}, map[string]string{"Origin": "https://evil.example"})), 403, "forbidden")
	assertProblem(t, a.do(form("/forgot-password", url.Values{"email": {ada.email}}, map[string]string{"Sec-Fetch-Site": "cross-site"})), 403, "forbidden")
	done := string(a.expect(form("/forgot-password", url.Values{"email": {ada.email}}, nil), 200).body)
	ghost := string(a.expect(form("/forgot-password", url.Values{"email": {"ghost@example.com"}}, nil), 200).body)
	if !strings.Contains(done, "a link to reset its password is on its way") ||
		strings.ReplaceAll(done, ada.email, "X") != strings.ReplaceAll(ghost, "ghost@example.com", "X") {
		t.Errorf("the page tells a known address from an unknown one:\n%s\n---\n%s", done, ghost)
	}
	link := a.mailed("password_reset", ada.email)[0]
	u, _ := url.Parse(link)

	// Opening the link (as a mail scanner does) uses nothing.
	for range 2 {
		r := a.expect(req{method: "GET", path: u.RequestURI()}, 200)
		if !strings.Contains(string(r.body), `name="token" value="`+u.Query().Get("token")+`"`) || r.header.Get("Referrer-Policy") != "same-origin" {
			t.Fatalf("reset page: %s %v", r.body, r.header)
		}
	}
	tok := u.Query().Get("token")
	r := a.do(form("/reset-password", url.Values{"token": {tok}, "password": {"a brand new password"}, "confirm": {"a different one!!"}}, nil))
	if r.status != 422 || !strings.Contains(string(r.body), "The two passwords differ.") {
		t.Fatalf("mismatched passwords: %d %s", r.status, r.body)
	}
	r = a.do(form("/reset-password", url.Values{"token": {tok}, "password": {"short"}, "confirm": {"short"}}, nil))
	if r.status != 422 || !strings.Contains(string(r.body), "data-testid=\"account-error\"") {
		t.Fatalf("short password: %d %s", r.status, r.body)
	}
	r = a.expect(form("/reset-password", url.Values{"token": {tok}, "password": {"a brand new password"}, "confirm": {"a brand new password"}}, cookie), 200)
	if !strings.Contains(string(r.body), "Your password is changed") {
		t.Fatalf("reset: %s", r.body)
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: ada.token}), 401, "unauthorized")
	r = a.do(form("/reset-password", url.Values{"token": {tok}, "password": {"a third password!"}, "confirm": {"a third password!"}}, nil))
	if r.status != 422 || !strings.Contains(string(r.body), "This link is invalid, has expired or was already used.") {
		t.Fatalf("reused link: %d %s", r.status, r.body)
	}
}

func TestDashboardBannerResendsVerificationWithoutJavaScript(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	csrf := ada.login.json(t)["csrf_token"].(string)
	cookie := map[string]string{"Cookie": "folio_session=" + ada.token}
	dash := string(a.expect(req{method: "GET", path: "/dashboard", headers: cookie}, 200).body)
	if !strings.Contains(dash, `data-testid="verify-banner"`) || !strings.Contains(dash, `name="csrf" value="`+csrf+`"`) {
		t.Fatalf("no verification banner with the resend form:\n%s", dash)
	}
	// Without the session's CSRF token the button does nothing.
	assertProblem(t, a.do(form("/dashboard/verification", url.Values{"csrf": {"forged"}}, cookie)), 403, "csrf")
	r := a.expect(form("/dashboard/verification", url.Values{"csrf": {csrf}}, cookie), 303)
	if r.header.Get("Location") != "/dashboard?verification=sent" {
		t.Fatalf("resend redirects to %q", r.header.Get("Location"))
	}
	links := a.mailed("verify_email", ada.email)
	if len(links) != 2 {
		t.Fatalf("%d verification mails, want 2", len(links))
	}
	// The landing acts on its button only.
	u, _ := url.Parse(links[1])
	a.expect(req{method: "GET", path: u.RequestURI()}, 200)
	r = a.expect(form("/verify-email", url.Values{"token": {u.Query().Get("token")}}, nil), 200)
	if !strings.Contains(string(r.body), ada.email+" is verified") {
		t.Fatalf("verify landing: %s", r.body)
	}
	if dash := string(a.expect(req{method: "GET", path: "/dashboard", headers: cookie}, 200).body); strings.Contains(dash, `data-testid="verify-banner"`) {
		t.Error("the banner stays after verification")
	}
	// The older link still works until it expires, but verifies nothing more.
	u, _ = url.Parse(links[0])
	a.expect(form("/verify-email", url.Values{"token": {u.Query().Get("token")}}, nil), 200)

	// The email change landing confirms on its button too.
	newAddr := "new-" + ada.email
	a.expect(req{method: "POST", path: "/api/v1/me/email", token: ada.token, body: map[string]string{"password": "correct horse battery", "new_email": newAddr}}, 202)
	if dash := string(a.expect(req{method: "GET", path: "/dashboard", headers: cookie}, 200).body); !strings.Contains(dash, "A change to <strong>"+newAddr+"</strong> waits") {
		t.Error("the dashboard does not show the pending change")
	}
	u, _ = url.Parse(a.mailed("email_change", newAddr)[0])
	a.expect(req{method: "GET", path: u.RequestURI()}, 200)
	r = a.expect(form("/confirm-email", url.Values{"token": {u.Query().Get("token")}}, nil), 200)
	if !strings.Contains(string(r.body), "address is now "+newAddr) {
		t.Fatalf("confirm landing: %s", r.body)
	}
}
