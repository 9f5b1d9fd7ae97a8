package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres/langstore"
	"github.com/foliohq/folio/internal/server"
)

func withLanguages(o *server.Options, db *bun.DB) { o.Site.Languages = &langstore.Store{DB: db} }

func contains(t *testing.T, what string, r response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.body), w) {
			t.Errorf("%s: no %q in the page", what, w)
		}
	}
}

// Pages but the public ones follow the browser's Accept-Language, then
// the switch: a cookie for an anonymous visitor, the account's preference
// for a signed-in one, which outranks both.
func TestLanguageNegotiationAndSwitch(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t), withLanguages)
	de := map[string]string{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}

	en := a.expect(req{method: "GET", path: "/login"}, 200)
	contains(t, "no header", en, `<html lang="en"`, "<h1>Log in</h1>", "Forgot password?")
	r := a.expect(req{method: "GET", path: "/login", headers: de}, 200)
	contains(t, "German browser", r, `<html lang="de"`, "<h1>Anmelden</h1>", "Passwort vergessen?")
	if !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
		t.Errorf("a negotiated page has Vary %q", r.header.Get("Vary"))
	}
	home := a.expect(req{method: "GET", path: "/", headers: map[string]string{"Accept-Language": "es"}}, 200)
	contains(t, "Spanish home", home, `<html lang="es"`, "Muestra el trabajo, no solo el currículum.", `data-testid="language-switch"`)

	// The anonymous switch: a cookie, then back where the form was.
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://example.com/login?x=1"}
	sw := a.expect(req{method: "POST", path: "/language", body: "lang=es", headers: form}, 303)
	if loc := sw.header.Get("Location"); loc != "/login?x=1" {
		t.Errorf("the switch goes back to %q", loc)
	}
	if ck := sw.header.Get("Set-Cookie"); !strings.Contains(ck, "folio_lang=es") || !strings.Contains(ck, "HttpOnly") {
		t.Errorf("the switch set %q", ck)
	}
	r = a.expect(req{method: "GET", path: "/login", headers: map[string]string{"Cookie": "folio_lang=es", "Accept-Language": "de"}}, 200)
	contains(t, "chosen Spanish", r, `<html lang="es"`, "<h1>Iniciar sesión</h1>")
	// Bad input and another site's form are refused; an outside Referer
	// goes home.
	a.expect(req{method: "POST", path: "/language", body: "lang=xx", headers: form}, 400)
	a.expect(req{method: "POST", path: "/language", body: "lang=de", headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}}, 403)
	out := a.expect(req{method: "POST", path: "/language", body: "lang=de", headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Referer": "https://evil.example/x"}}, 303)
	if out.header.Get("Location") != "/" {
		t.Errorf("an outside Referer sends to %q", out.header.Get("Location"))
	}

	// Signed in: the choice is the account's, whatever the browser says.
	ada := a.signUp("ada")
	page := a.page(ada, "/dashboard")
	contains(t, "dashboard, English", page, "<h1>Your portfolio</h1>")
	a.expect(req{method: "POST", path: "/language", body: "lang=de", headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + ada.token}}, 303)
	r = a.do(req{method: "GET", path: "/dashboard", headers: map[string]string{"Cookie": "folio_session=" + ada.token, "Accept-Language": "es"}})
	contains(t, "dashboard, German", r, `<html lang="de"`, "<h1>Ihr Portfolio</h1>", "Hervorhebungen speichern", "Dashboard · Folio")
	var stored string
	if err := a.db.NewRaw(`SELECT language FROM account_preferences WHERE user_id = ?`, ada.id).Scan(t.Context(), &stored); err != nil || stored != "de" {
		t.Errorf("stored preference %q, %v", stored, err)
	}
	// Back to the browser's language.
	a.expect(req{method: "POST", path: "/language", body: "lang=", headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + ada.token}}, 303)
	r = a.do(req{method: "GET", path: "/dashboard", headers: map[string]string{"Cookie": "folio_session=" + ada.token, "Accept-Language": "es"}})
	contains(t, "dashboard, Spanish browser", r, `<html lang="es"`, "<h1>Tu portafolio</h1>")
}

// A public page speaks its owner's language whoever visits, sets no
// cookie, and its cached copy follows a change of language.
func TestPublicPageInOwnersLanguage(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t), withLanguages)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	p := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public", "demo_url": "https://example.com"})
	a.createProject(ada, map[string]any{"title": "Other", "visibility": "public"})
	a.expect(req{method: "PUT", path: "/api/v1/me/featured", token: ada.token, body: map[string]any{"project_ids": []int64{p.ID}}}, 200)
	de := map[string]string{"Accept-Language": "de"}

	r := a.expect(req{method: "GET", path: "/ada", headers: de}, 200)
	contains(t, "default language", r, `<html lang="en"`, "More projects", "Live demo")
	csrf := csrfOf(t, ada)
	a.expect(req{method: "POST", path: "/dashboard/page-language", body: url.Values{"_csrf": {csrf}, "lang": {"xx"}}.Encode(), headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + ada.token}}, 400)
	a.expect(req{method: "POST", path: "/dashboard/page-language", body: url.Values{"lang": {"es"}}.Encode(), headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + ada.token}}, 403)
	if r := a.form(ada, "/dashboard/page-language", url.Values{"_csrf": {csrf}, "lang": {"es"}}); r.status != 303 {
		t.Fatalf("saving the page language: %d %s", r.status, r.body)
	}
	contains(t, "dashboard form", a.page(ada, "/dashboard"), `<option value="es" lang="es" selected>`)

	for _, h := range []map[string]string{de, {"Accept-Language": "en"}, nil, {"Cookie": "folio_lang=de"}} {
		r = a.expect(req{method: "GET", path: "/ada", headers: h}, 200)
		contains(t, "Spanish page", r, `<html lang="es"`, "Más proyectos", "Demo en vivo")
		if r.header.Get("Set-Cookie") != "" || strings.Contains(string(r.body), `data-testid="language-switch"`) {
			t.Errorf("a public page sets a cookie (%q) or shows the switch", r.header.Get("Set-Cookie"))
		}
	}
	r = a.expect(req{method: "GET", path: "/ada/" + p.Slug, headers: de}, 200)
	contains(t, "Spanish project page", r, `<html lang="es"`, "Demo en vivo")
	// Another account's form changes its own page only.
	if r := a.form(bob, "/dashboard/page-language", url.Values{"_csrf": {csrfOf(t, bob)}, "lang": {"de"}}); r.status != 303 {
		t.Fatalf("bob's page language: %d", r.status)
	}
	contains(t, "ada's page after bob's change", a.expect(req{method: "GET", path: "/ada"}, 200), `<html lang="es"`)
	contains(t, "bob's page", a.expect(req{method: "GET", path: "/bob"}, 200), `<html lang="de"`, "Noch keine hervorgehobenen Projekte.")
}
