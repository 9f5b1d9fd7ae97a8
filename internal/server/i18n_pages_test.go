package server_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/testenv"
)

// chooseLanguage makes lang acct's dashboard language, as the switch does.
func (a *harness) chooseLanguage(acct account, lang string) {
	a.t.Helper()
	a.expect(req{method: "POST", path: "/language", body: "lang=" + lang, headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "folio_session=" + acct.token}}, 303)
}

// An owner who chose German reads the application pages' Go-made text in
// German: the page titles, the timeline's entries with the statuses'
// names, a share link's expiry, and the pages' refusals. An owner who
// did not still reads English.
func TestApplicationPagesInTheOwnersLanguage(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t), withLanguages)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	a.chooseLanguage(ada, "de")
	csrf := csrfOf(t, ada)

	if board := a.page(ada, "/dashboard/applications"); !strings.Contains(string(board.body), "<title>Bewerbungen · Folio</title>") {
		t.Errorf("German board (%d) is not titled Bewerbungen", board.status)
	}
	contains(t, "German new application", a.page(ada, "/dashboard/applications/new"), "<title>Neue Bewerbung · Folio</title>")
	contains(t, "English board", a.page(bob, "/dashboard/applications"), "<title>Applications · Folio</title>")

	today := time.Now().UTC()
	r := a.form(ada, "/dashboard/applications", url.Values{"_csrf": {csrf}, "company": {"Acme"}, "status": {"applied"},
		"applied_on": {today.Format(time.DateOnly)}, "next_step_due": {"nächsten Freitag"}})
	contains(t, "German form error", r, "next_step_due: muss ein Datum wie 2026-11-25 sein")
	r = a.form(ada, "/dashboard/applications", url.Values{"_csrf": {csrf}, "company": {"Acme"}, "status": {"applied"},
		"applied_on": {today.Format(time.DateOnly)}})
	m := applicationPath.FindStringSubmatch(r.header.Get("Location"))
	if r.status != 303 || m == nil {
		t.Fatalf("create: %d to %q", r.status, r.header.Get("Location"))
	}
	app := "/dashboard/applications/" + m[1]
	if r := a.form(ada, app+"/status", url.Values{"_csrf": {csrf}, "status": {"interview"}}); r.status != 303 {
		t.Fatalf("status form: %d", r.status)
	}
	r = a.form(ada, app+"/status", url.Values{"_csrf": {csrf}, "status": {"hired?"}})
	if r.status != 422 {
		t.Errorf("an unknown status: %d, want 422", r.status)
	}
	contains(t, "unknown status", r, "<title>Unbekannter Status · Folio</title>", "<h1>Unbekannter Status · Folio</h1>")
	contains(t, "expired form", a.form(ada, app+"/status", url.Values{"status": {"offer"}}), "<title>Formular abgelaufen · Folio</title>")

	// A link that works through the day three days from now.
	last := today.AddDate(0, 0, 3)
	r = a.form(ada, app+"/share-links", url.Values{"_csrf": {csrf}, "label": {"Personalabteilung"}, "expires_on": {last.Format(time.DateOnly)}})
	if r.status != 303 {
		t.Fatalf("share link: %d %s", r.status, r.body)
	}
	detail := a.page(ada, app)
	contains(t, "German application", detail, `<html lang="de"`,
		"Mit dem Status „Beworben“ in die Pipeline aufgenommen",
		"Von „Beworben“ nach „Vorstellungsgespräch“ verschoben",
		`<option value="interview" selected>Vorstellungsgespräch</option>`,
		"bis "+i18n.For("de").Date(last, "short")+" (noch 3 Tage)")
	if strings.Contains(string(detail.body), "Moved from") || strings.Contains(string(detail.body), "Added to the pipeline") {
		t.Error("the German timeline has English entries")
	}
	// Another owner's application is the 404 page, in that owner's language.
	if r := a.page(bob, app); r.status != 404 || !strings.Contains(string(r.body), "<title>Not found · Folio</title>") {
		t.Errorf("bob reads ada's application: %d", r.status)
	}
	if r := a.page(ada, "/dashboard/applications/999999"); r.status != 404 || !strings.Contains(string(r.body), "<title>Nicht gefunden · Folio</title>") {
		t.Errorf("an unknown application for ada: %d", r.status)
	}

	// The CSV import's own refusals.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "applications.csv")
	_, _ = fw.Write([]byte("Company name,Date applied\nInitech,not a date\n"))
	_ = mw.Close()
	r = a.do(req{method: "POST", path: "/dashboard/applications/import", body: body.Bytes(), headers: map[string]string{
		"Cookie": "folio_session=" + ada.token, "Content-Type": mw.FormDataContentType()}})
	if r.status != 422 {
		t.Errorf("a bad CSV file: %d, want 422", r.status)
	}
	contains(t, "German CSV refusal", r, "Nichts wurde importiert: 1 Problem in der Datei.", "Zeile 2, Date applied")
}

// A Spanish reader gets the other dashboard pages' Go-made titles and
// messages in Spanish: the account data page, the JSON Resume import
// report, and the anonymous forgot-password page by the browser's
// language.
func TestDashboardPagesInSpanish(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t), withLanguages)
	zoe := a.signUp("zoe")
	a.chooseLanguage(zoe, "es")
	csrf := csrfOf(t, zoe)

	contains(t, "Spanish account data", a.page(zoe, "/dashboard/account"), `<html lang="es"`, "<title>Tus datos · Folio</title>")
	r := a.form(zoe, "/dashboard/account/delete", url.Values{"_csrf": {csrf}, "confirm": {"someone"}, "password": {"whatever"}})
	if r.status != 422 {
		t.Errorf("deletion without the handle: %d, want 422", r.status)
	}
	contains(t, "Spanish deletion refusal", r, "Escribe tu identificador, zoe, para confirmar.")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "resume.json")
	_, _ = fw.Write(sampleResume(t))
	_ = mw.Close()
	r = a.do(req{method: "POST", path: "/dashboard/resume/import", body: body.Bytes(), headers: map[string]string{
		"Cookie": "folio_session=" + zoe.token, "Content-Type": mw.FormDataContentType()}})
	contains(t, "Spanish import report", r, "<title>PDF y JSON Resume · Folio</title>", "<code>work[0].position</code>",
		"Folio no tiene historial laboral; cuéntalo en tu biografía o en un proyecto")
	// The API keeps its English reasons.
	api := a.expect(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: sampleResume(t)}, 200)
	if !strings.Contains(string(api.body), "Folio has no work history") || strings.Contains(string(api.body), `"code"`) {
		t.Errorf("the API's report changed: %s", api.body)
	}

	es := map[string]string{"Accept-Language": "es-ES,es;q=0.9"}
	contains(t, "Spanish forgot password", a.expect(req{method: "GET", path: "/forgot-password", headers: es}, 200),
		"<title>Contraseña olvidada · Folio</title>", "<h1>Contraseña olvidada</h1>")
	contains(t, "Spanish reset requested", a.expect(form("/forgot-password", url.Values{"email": {"ghost@example.com"}}, es), 200),
		"Si alguna cuenta tiene la dirección ghost@example.com, te hemos enviado un enlace")
}

// The notification settings page names the kinds, says why email does
// not arrive, and lists deliveries with their kind and status in the
// owner's language; the API's note stays English.
func TestNotificationsPageInTheOwnersLanguage(t *testing.T) {
	t.Parallel()
	var d *notify.Deliverer
	a := newAPI(t, notifications(t, testenv.Mailpit(t), &d), withLanguages)
	ada := a.signUp("ada")
	a.chooseLanguage(ada, "de")
	ctx := t.Context()
	if _, err := outbox.Add(ctx, a.db, folio.Notification{OwnerID: ada.id, Kind: folio.NotifyDemoDown, DedupeKey: "k1",
		Data: map[string]string{"project": "Orders", "error": "HTTP 502", "url": "/dashboard/projects/1"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if ds, _ := d.Store.Deliveries(ctx, ada.id, 10); len(ds) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery was recorded")
		}
	}
	page := a.page(ada, "/dashboard/notifications")
	contains(t, "German notifications", page, "<td>Eine Live-Demo fällt aus</td>", "<td>Wöchentliche Übersicht Ihrer Besucher</td>",
		"Ihre E-Mail-Adresse ist noch nicht bestätigt", `data-kind="demo_down">Eine Live-Demo fällt aus</td>`)
	m := regexp.MustCompile(`data-status="([a-z]+)">([^<]+)`).FindStringSubmatch(string(page.body))
	if m == nil || m[2] != i18n.For("de").T("dashd.notify.status."+m[1]) || m[2] == m[1] {
		t.Errorf("the delivery's status is not named in German: %v", m)
	}
	api := a.expect(req{method: "GET", path: "/api/v1/me/notifications", token: ada.token}, 200)
	if !strings.Contains(string(api.body), "not verified yet") {
		t.Errorf("the API's email note is not English: %s", api.body)
	}
}
