package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// csrfOf is the session's CSRF token, from the login's cookie.
func csrfOf(t *testing.T, acct account) string {
	t.Helper()
	for _, c := range (&http.Response{Header: acct.login.header}).Cookies() {
		if c.Name == "folio_csrf" {
			return c.Value
		}
	}
	t.Fatal("login set no folio_csrf cookie")
	return ""
}

// form posts a urlencoded form with acct's session cookie.
func (a *harness) form(acct account, path string, values url.Values) response {
	a.t.Helper()
	return a.do(req{method: "POST", path: path, body: values.Encode(), headers: map[string]string{
		"Cookie": "folio_session=" + acct.token, "Content-Type": "application/x-www-form-urlencoded"}})
}

func (a *harness) page(acct account, path string) response {
	a.t.Helper()
	return a.do(req{method: "GET", path: path, headers: map[string]string{"Cookie": "folio_session=" + acct.token}})
}

var applicationPath = regexp.MustCompile(`^/dashboard/applications/([0-9]+)$`)

func TestApplicationPagesWorkWithoutJavaScript(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	csrf := csrfOf(t, ada)
	orders := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	feeds := a.createProject(ada, map[string]any{"title": "Feeds", "visibility": "unlisted"})
	draft := a.createProject(ada, map[string]any{"title": "Secret draft"})

	if r := a.do(req{method: "GET", path: "/dashboard/applications"}); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("anonymous board: %d %q, want 303 to /login", r.status, r.header.Get("Location"))
	}

	today := time.Now().UTC().Format(time.DateOnly)
	fields := url.Values{"_csrf": {csrf}, "company": {"Acme"}, "role": {"Backend engineer"}, "status": {"applied"},
		"applied_on": {today}, "next_step": {"Follow up with Wile"}, "next_step_due": {today},
		"contact_name": {"Wile E.", ""}, "contact_email": {"wile@acme.example", ""}, "contact_url": {"", ""},
		"project": {itoa(orders.ID)}, "notes": {"**Remote** ok"}}
	// Without the form's CSRF token nothing is created.
	noToken := url.Values{}
	for k, v := range fields {
		if k != "_csrf" {
			noToken[k] = v
		}
	}
	if r := a.form(ada, "/dashboard/applications", noToken); r.status != 403 {
		t.Fatalf("form without CSRF token: %d, want 403", r.status)
	}
	// A bad date comes back with what was typed.
	bad := url.Values{}
	for k, v := range fields {
		bad[k] = v
	}
	bad.Set("next_step_due", "next friday")
	r := a.form(ada, "/dashboard/applications", bad)
	if r.status != 422 || !strings.Contains(string(r.body), "next_step_due") || !strings.Contains(string(r.body), `value="Follow up with Wile"`) {
		t.Fatalf("bad date: %d, body lacks the error or the typed values:\n%s", r.status, r.body)
	}

	r = a.form(ada, "/dashboard/applications", fields)
	m := applicationPath.FindStringSubmatch(r.header.Get("Location"))
	if r.status != 303 || m == nil {
		t.Fatalf("create: %d to %q, want 303 to the application", r.status, r.header.Get("Location"))
	}
	appID := m[1]
	detail := string(a.expect(req{method: "GET", path: "/dashboard/applications/" + appID, headers: map[string]string{"Cookie": "folio_session=" + ada.token}}, 200).body)
	for _, want := range []string{"Acme", "Backend engineer", "wile@acme.example", "Added to the pipeline"} {
		if !strings.Contains(detail, want) {
			t.Errorf("application page lacks %q", want)
		}
	}

	board := string(a.page(ada, "/dashboard/applications").body)
	applied := board[strings.Index(board, `data-status="applied"`):strings.Index(board, `data-status="screening"`)]
	if !strings.Contains(applied, "Acme") {
		t.Errorf("Acme is not in the board's Applied column")
	}
	due := board[strings.Index(board, `data-testid="due"`):]
	if !strings.Contains(due[:strings.Index(due, "</section>")], "Follow up with Wile") {
		t.Errorf("the due-today list lacks the next step")
	}

	// The board's status form moves the card and writes the timeline.
	r = a.form(ada, "/dashboard/applications/"+appID+"/status", url.Values{"_csrf": {csrf}, "status": {"interview"}, "return": {"/dashboard/applications"}})
	if r.status != 303 || r.header.Get("Location") != "/dashboard/applications" {
		t.Fatalf("status form: %d to %q", r.status, r.header.Get("Location"))
	}
	board = string(a.page(ada, "/dashboard/applications?view=table").body)
	if !strings.Contains(board, `<option value="interview" selected>`) {
		t.Errorf("the table does not show the new status")
	}
	a.form(ada, "/dashboard/applications/"+appID+"/notes", url.Values{"_csrf": {csrf}, "note": {"Called *Wile*"}})
	detail = string(a.page(ada, "/dashboard/applications/"+appID).body)
	if !strings.Contains(detail, "Moved from Applied to Interview") || !strings.Contains(detail, "<em>Wile</em>") {
		t.Errorf("timeline lacks the status change or the rendered note:\n%s", detail)
	}

	// A share link features the projects by position; a draft cannot be one.
	r = a.form(ada, "/dashboard/applications/"+appID+"/share-links", url.Values{"_csrf": {csrf}, "label": {"Hiring manager"},
		"note": {"Hello Acme team"}, "position_" + itoa(feeds.ID): {"1"}, "position_" + itoa(orders.ID): {"2"}})
	if r.status != 303 {
		t.Fatalf("share link: %d %s", r.status, r.body)
	}
	detail = string(a.page(ada, "/dashboard/applications/"+appID).body)
	if !strings.Contains(detail, "Shows Feeds, Orders API") || !regexp.MustCompile(`/s/[A-Za-z0-9_-]{22,}`).MatchString(detail) {
		t.Errorf("the share link is not listed with its projects in order and its URL")
	}
	if r := a.form(ada, "/dashboard/applications/"+appID+"/share-links", url.Values{"_csrf": {csrf}, "position_" + itoa(draft.ID): {"1"}}); r.status != 422 {
		t.Errorf("a share link featuring a draft: %d, want 422", r.status)
	}
	linkID := regexp.MustCompile(`/share-links/([0-9]+)/revoke`).FindStringSubmatch(detail)
	if linkID == nil {
		t.Fatal("no revoke form")
	}

	// Another owner sees and changes nothing: every route is a 404.
	bob := a.signUp("bob")
	bobCSRF := csrfOf(t, bob)
	if r := a.page(bob, "/dashboard/applications/"+appID); r.status != 404 {
		t.Errorf("bob reads ada's application: %d", r.status)
	}
	for _, path := range []string{"", "/status", "/notes", "/delete", "/share-links", "/share-links/" + linkID[1] + "/revoke"} {
		if r := a.form(bob, "/dashboard/applications/"+appID+path, url.Values{"_csrf": {bobCSRF}, "status": {"rejected"}, "note": {"x"}, "company": {"x"}}); r.status != 404 {
			t.Errorf("bob posts to ada's %s: %d, want 404", path, r.status)
		}
	}
	if board := string(a.page(bob, "/dashboard/applications").body); strings.Contains(board, "Acme") {
		t.Error("bob's board shows ada's application")
	}

	a.form(ada, "/dashboard/applications/"+appID+"/share-links/"+linkID[1]+"/revoke", url.Values{"_csrf": {csrf}})
	if detail := string(a.page(ada, "/dashboard/applications/"+appID).body); !strings.Contains(detail, `data-state="revoked"`) {
		t.Error("the revoked link is not shown as revoked")
	}

	// The calendar address is shown once, right after it is made.
	r = a.form(ada, "/dashboard/calendar", url.Values{"_csrf": {csrf}})
	if r.status != 200 || !regexp.MustCompile(`/calendar/[A-Za-z0-9_-]+\.ics`).Match(r.body) {
		t.Fatalf("calendar: %d, no feed URL shown", r.status)
	}
	if later := string(a.page(ada, "/dashboard/applications").body); regexp.MustCompile(`/calendar/[A-Za-z0-9_-]+\.ics`).MatchString(later) {
		t.Error("the calendar address is shown again")
	}

	if r := a.form(ada, "/dashboard/applications/"+appID+"/delete", url.Values{"_csrf": {csrf}}); r.status != 303 {
		t.Fatalf("delete: %d", r.status)
	}
	if r := a.page(ada, "/dashboard/applications/"+appID); r.status != 404 {
		t.Errorf("deleted application: %d", r.status)
	}
}

func TestApplicationPagesImportCSVAllOrNothing(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	csrf := csrfOf(t, ada)
	upload := func(csv string) response {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("_csrf", csrf)
		fw, _ := w.CreateFormFile("file", "applications.csv")
		_, _ = fw.Write([]byte(csv))
		_ = w.Close()
		return a.do(req{method: "POST", path: "/dashboard/applications/import", body: body.Bytes(), headers: map[string]string{
			"Cookie": "folio_session=" + ada.token, "Content-Type": w.FormDataContentType()}})
	}
	r := upload("\ufeffCompany name,Role,Date applied\nAcme,Engineer,2026-11-02\nInitech,SRE,not a date\n")
	if r.status != 422 || !strings.Contains(string(r.body), "Line 3, Date applied") {
		t.Fatalf("bad file: %d, want 422 naming line 3:\n%s", r.status, r.body)
	}
	if board := string(a.page(ada, "/dashboard/applications").body); strings.Contains(board, "Acme") {
		t.Fatal("a refused file imported its good rows")
	}
	r = upload("Company name,Role,Date applied\nAcme,Engineer,25/11/2026\nInitech,SRE,02/11/2026\n")
	if r.status != 303 || r.header.Get("Location") != "/dashboard/applications?imported=2" {
		t.Fatalf("good file: %d to %q", r.status, r.header.Get("Location"))
	}
	board := string(a.page(ada, "/dashboard/applications?view=table&imported=2").body)
	for _, want := range []string{"Imported 2 applications", "Acme", "Initech", "2026-11-02"} {
		if !strings.Contains(board, want) {
			t.Errorf("after the import the table lacks %q", want)
		}
	}
}
