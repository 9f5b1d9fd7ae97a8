package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/testenv"
)

// prefer stores lang as acct's dashboard language (the switch's form).
func (a *harness) prefer(acct account, lang string) {
	a.t.Helper()
	a.expect(req{method: "POST", path: "/language", body: "lang=" + lang, headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + acct.token}}, 303)
}

var pageTitle = regexp.MustCompile(`<title>([^<]*)</title>`)

// titleOf is r's <title>.
func titleOf(t *testing.T, r response) string {
	t.Helper()
	m := pageTitle.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("no <title> in %d %.200s", r.status, r.body)
	}
	return string(m[1])
}

// An account that prefers German gets its dashboard pages' titles, error
// pages and the text the handlers write (notices, refusals, labels, theme
// descriptions) in German, whatever its browser says; an English account
// the same pages in English.
func TestDashboardPagesInAccountLanguage(t *testing.T) {
	t.Parallel()
	dns := testenv.StartChallTestSrv(t)
	a := newAPI(t, withLanguages, withDomains(dns.DNSAddr))
	chief, ada, bob := a.signUp("chief"), a.signUp("ada"), a.signUp("bob") // the first account administers
	a.prefer(chief, "de")
	a.prefer(ada, "de")
	a.loginAgain(ada, firefoxUA)
	get := func(acct account, path string) response {
		return a.do(req{method: "GET", path: path, headers: map[string]string{"Cookie": "folio_session=" + acct.token, "Accept-Language": "es"}})
	}

	for path, want := range map[string]string{
		"/dashboard/appearance":         "Erscheinungsbild · Folio",
		"/dashboard/domain":             "Eigene Domain · Folio",
		"/dashboard/security":           "Anmeldesicherheit · Folio",
		"/dashboard/sessions":           "Sitzungen und Aktivität · Folio",
		"/dashboard/connected-accounts": "Verbundene Konten · Folio",
		"/admin/invitations":            "Nicht gefunden · Folio", // not an administrator: the 404 page
		"/admin/users":                  "Nicht gefunden · Folio",
	} {
		r := get(ada, path)
		if got := titleOf(t, r); got != want {
			t.Errorf("%s: title %q, want %q", path, got, want)
		}
		if !strings.Contains(string(r.body), `<html lang="de"`) {
			t.Errorf("%s: not a German page", path)
		}
	}
	for path, want := range map[string]string{"/admin/invitations": "Einladungen · Folio", "/admin/users": "Konten · Folio",
		"/admin/users/" + itoa(ada.id): "ada · Folio"} {
		if got := titleOf(t, get(chief, path)); got != want {
			t.Errorf("admin %s: title %q, want %q", path, got, want)
		}
	}
	// The same pages for an English account (its browser asks Spanish:
	// the account has no preference, so Spanish it is).
	if got := titleOf(t, get(bob, "/dashboard/domain")); got != "Dominio propio · Folio" {
		t.Errorf("bob's domain page: %q", got)
	}
	if got := titleOf(t, a.page(bob, "/dashboard/domain")); got != "Custom domain · Folio" {
		t.Errorf("bob's domain page, no Accept-Language: %q", got)
	}

	// A form without the session's token: the form-expired page, German,
	// from each package that guards forms.
	formExpired := func(acct account, path string, body url.Values) {
		t.Helper()
		r := a.do(req{method: "POST", path: path, body: body.Encode(), headers: map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + acct.token}})
		if r.status != 403 || titleOf(t, r) != "Formular abgelaufen · Folio" {
			t.Errorf("POST %s without a token: %d %q", path, r.status, titleOf(t, r))
		}
		contains(t, "POST "+path+" without a token", r, "<h1>Formular abgelaufen</h1>", "laden Sie die Seite neu")
	}
	formExpired(ada, "/dashboard/domain", url.Values{"domain": {"ada.test"}})
	formExpired(ada, "/dashboard/appearance", url.Values{"theme": {"editorial"}})
	formExpired(ada, "/dashboard/security/totp", url.Values{"code": {"123456"}})
	formExpired(ada, "/dashboard/sessions/sessions/revoke-others", nil)
	formExpired(chief, "/admin/invitations", url.Values{"emails": {"x@example.com"}})

	// What the handlers write: a refused domain, a failed check, theme
	// and font names, the sessions list and the log.
	csrf := csrfOf(t, ada)
	r := a.form(ada, "/dashboard/domain", url.Values{"_csrf": {csrf}, "domain": {"jane"}})
	contains(t, "refused domain", r, "Die Domain muss ein vollständiger Domainname sein")
	if r = a.form(ada, "/dashboard/domain", url.Values{"_csrf": {csrf}, "domain": {"ada.test"}}); r.status != 303 {
		t.Fatalf("adding a domain: %d", r.status)
	}
	contains(t, "added domain", get(ada, "/dashboard/domain?done=added"), "Domain hinzugefügt", "Noch nicht bestätigt.")
	r = a.form(chief, "/dashboard/domain", url.Values{"_csrf": {csrfOf(t, chief)}, "domain": {"https://ADA.test/"}})
	if r.status != 422 {
		t.Errorf("a taken domain: %d", r.status)
	}
	contains(t, "taken domain", r, "ada.test ist bereits mit einem Portfolio verbunden.")
	domainID := regexp.MustCompile(`/dashboard/domain/([0-9]+)/verify`).FindSubmatch(get(ada, "/dashboard/domain").body)
	if domainID == nil {
		t.Fatal("no verify form")
	}
	if r = a.form(ada, "/dashboard/domain/"+string(domainID[1])+"/verify", url.Values{"_csrf": {csrf}}); r.status != 303 {
		t.Fatalf("verify: %d", r.status)
	}
	page := get(ada, "/dashboard/domain")
	contains(t, "failed check", page, "TXT-Eintrag", "_folio-challenge.ada.test")
	if strings.Contains(string(page.body), "No TXT record") || strings.Contains(string(page.body), "DNS lookup") {
		t.Errorf("the check's reason is English: %s", page.body)
	}
	contains(t, "appearance", get(ada, "/dashboard/appearance"), "Klar und ausgewogen", "Inter (serifenlos)", "Die Systemschrift der Besucher")
	r = a.form(ada, "/dashboard/appearance", url.Values{"_csrf": {csrf}, "theme": {"studio"}, "color_mode": {"auto"}, "accent": {"red"}})
	contains(t, "refused appearance", r, "Die Akzentfarbe ist eine Hex-Farbe")
	contains(t, "sessions", get(ada, "/dashboard/sessions"), "Firefox 128 unter Linux", "Angemeldet")

	// The invitations page: the TTL, and what the form did, from counts.
	contains(t, "invitations", get(chief, "/admin/invitations"), "innerhalb von 7 Tagen")
	r = a.form(chief, "/admin/invitations", url.Values{"_csrf": {csrfOf(t, chief)}, "emails": {"new@example.com, " + bob.email}})
	if loc := r.header.Get("Location"); r.status != 303 || loc != "/admin/invitations?sent=1&skipped=1" {
		t.Fatalf("inviting: %d %q", r.status, loc)
	}
	contains(t, "sent", get(chief, "/admin/invitations?sent=1&skipped=1"), "1 Einladung gesendet.", "1 Adresse übersprungen")
	r = a.form(chief, "/admin/invitations", url.Values{"_csrf": {csrfOf(t, chief)}, "emails": {"not an address"}})
	contains(t, "no address", r, "Die Liste enthält keine E-Mail-Adresse.")
	if body := string(get(chief, "/admin/invitations?sent=99999&message=Call+us").body); strings.Contains(body, "99999") || strings.Contains(body, "Call us") {
		t.Error("the invitations page shows text from its link")
	}

	// An administrator's refused buttons, and another account's session.
	chiefCSRF := csrfOf(t, chief)
	r = a.form(chief, "/admin/users/"+itoa(chief.id)+"/revoke", url.Values{"_csrf": {chiefCSRF}})
	if r.status != 409 {
		t.Errorf("the last administrator stepping down: %d", r.status)
	}
	contains(t, "last administrator", r, "Dies ist die letzte Administratorrolle")
	r = a.form(chief, "/admin/users/"+itoa(chief.id)+"/suspend", url.Values{"_csrf": {chiefCSRF}})
	contains(t, "own account", r, "Das können Sie hier nicht mit Ihrem eigenen Konto tun.")
	r = a.form(chief, "/dashboard/sessions/tokens/999999999/revoke", url.Values{"_csrf": {chiefCSRF}})
	if r.status != 404 || titleOf(t, r) != "Nicht gefunden · Folio" {
		t.Errorf("revoking an unknown token: %d %q", r.status, titleOf(t, r))
	}

	// Signing in, anonymous, with a German browser: the refusals too.
	de := map[string]string{"Accept-Language": "de-DE,de;q=0.9"}
	for path, want := range map[string]string{"/login": "Anmelden · Folio", "/register": "Erstellen Sie Ihr Portfolio · Folio"} {
		if got := titleOf(t, a.expect(req{method: "GET", path: path, headers: de}, 200)); got != want {
			t.Errorf("%s: title %q, want %q", path, got, want)
		}
	}
	r = a.do(req{method: "GET", path: "/auth/sso/nope", headers: de})
	if r.status != 404 || titleOf(t, r) != "Anmeldung nicht möglich · Folio" {
		t.Errorf("an unknown provider: %d %q", r.status, titleOf(t, r))
	}
	contains(t, "unknown provider", r, "Dieser Anmeldedienst ist bei diesem Folio nicht eingerichtet.")
	r = a.do(req{method: "GET", path: "/auth/sso/nope/callback?error=access_denied&state=x", headers: de})
	if r.status != 400 || titleOf(t, r) != "Anmeldung abgebrochen · Folio" {
		t.Errorf("a cancelled sign-in: %d %q", r.status, titleOf(t, r))
	}
	contains(t, "cancelled", r, "Der Anmeldedienst hat Sie nicht angemeldet (access_denied).")
}
