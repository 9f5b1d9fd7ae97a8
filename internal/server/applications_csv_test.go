package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/foliohq/folio/internal/api/applications"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/jobsearch"
)

// exportCSV downloads acct's export.
func exportCSV(a *harness, acct account) string {
	a.t.Helper()
	r := a.expect(req{method: "GET", path: "/api/v1/applications/export.csv", token: acct.token}, 200)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		a.t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="applications-`) {
		a.t.Fatalf("Content-Disposition %q", cd)
	}
	return string(r.body)
}

func TestApplicationsCSVRoundTripBetweenAccounts(t *testing.T) {
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	orders := a.createProject(ada, map[string]any{"title": "Orders API", "slug": "orders"})
	a.createProject(bob, map[string]any{"title": "My orders", "slug": "orders"})
	a.createApplication(ada, map[string]any{"company": "=cmd|' /C calc'!A0", "role": "+Staff", "posting_url": "https://acme.example/jobs?a=1;b=2",
		"applied_on": "2026-11-02", "status": "interview", "next_step": "@Jo: send the take-home", "next_step_due": "2026-11-30",
		"interview_at": "2026-12-01T14:30:00Z", "notes": "- payments team\n- Go, Kafka\n\n\"quoted\", commas; semicolons",
		"contacts":   []map[string]string{{"name": "Jo Ann", "email": "jo@acme.example", "url": "https://in.example/jo"}, {"email": "hr@acme.example"}},
		"salary_min": 80000, "salary_max": 95000, "salary_currency": "EUR", "project_ids": []int64{orders.ID}})
	a.createApplication(ada, map[string]any{"company": "Globex", "status": "wishlist"})
	a.createApplication(ada, map[string]any{"company": "Initech — Zürich", "role": "-1 engineer", "status": "rejected", "notes": "\tindented"})

	exported := exportCSV(a, ada)
	for _, cell := range []string{`'=cmd|`, `'+Staff`, `'@Jo`, `"'- payments`, `'-1 engineer`, "'\tindented"} {
		if !strings.Contains(exported, cell) {
			t.Errorf("export lacks the escaped cell %q", cell)
		}
	}
	for _, raw := range []string{",=cmd", ",+Staff", ",@Jo", ",-1 engineer"} {
		if strings.Contains(exported, raw) {
			t.Errorf("export has the unescaped cell %q", raw)
		}
	}
	r := a.expect(csvReq(bob, exported), 201)
	if n := r.json(t)["imported"]; n != float64(3) {
		t.Fatalf("imported %v", n)
	}
	if again := exportCSV(a, bob); again != exported {
		t.Fatalf("bob's export differs from ada's:\n%s\n---\n%s", again, exported)
	}
	// The same applications, field by field, through the JSON API.
	strip := func(l applications.ApplicationList) []applications.ApplicationResponse {
		for i := range l.Items {
			l.Items[i].ID, l.Items[i].CreatedAt, l.Items[i].UpdatedAt, l.Items[i].ProjectIDs = 0, time.Time{}, time.Time{}, nil
		}
		return l.Items
	}
	adas, bobs := strip(a.listApplications(ada, "")), strip(a.listApplications(bob, ""))
	if ja, jb := mustJSON(t, adas), mustJSON(t, bobs); ja != jb {
		t.Fatalf("applications differ:\n%s\n%s", ja, jb)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestApplicationsCSVImportWithBOMAndSpreadsheetHeaders(t *testing.T) {
	a := newAPI(t)
	ada := a.signUp("ada")
	file := "\uFEFFCompany name,Position,Date applied,Next steps,Link\r\n" +
		"Acme,Backend engineer,25/11/2026,Call Jo,https://acme.example/jobs/1\r\n" +
		"Globex,SRE,\"Nov 3, 2026\",,\r\n"
	ct, body := multipartCSV(t, file)
	r := a.expect(req{method: "POST", path: "/api/v1/applications/import", token: ada.token, body: body,
		headers: map[string]string{"Content-Type": ct}}, 201)
	if r.json(t)["imported"] != float64(2) {
		t.Fatalf("imported %s", r.body)
	}
	list := a.listApplications(ada, "")
	if len(list.Items) != 2 {
		t.Fatalf("%d applications", len(list.Items))
	}
	acme := list.Items[1]
	if acme.Company != "Acme" || acme.Role != "Backend engineer" || *acme.AppliedOn != "2026-11-25" || acme.NextStep != "Call Jo" ||
		acme.PostingURL != "https://acme.example/jobs/1" || acme.Status != "applied" {
		t.Fatalf("acme %+v", acme)
	}
	var tl applications.Timeline
	_ = json.Unmarshal(a.expect(req{method: "GET", path: "/api/v1/applications/" + itoa(acme.ID) + "/timeline", token: ada.token}, 200).body, &tl)
	if len(tl.Items) != 1 || tl.Items[0].Kind != "created" {
		t.Fatalf("an imported application's timeline: %+v", tl.Items)
	}
	// Dates that could be day/month or month/day need the order said.
	ambiguous := "Company;Date applied\nAmbiguous;03/04/2026\n"
	r = a.do(csvReq(ada, ambiguous))
	if r.status != 422 || !strings.Contains(string(r.body), `"line":2`) || !strings.Contains(string(r.body), "date_order") {
		t.Fatalf("ambiguous dates: %d %s", r.status, r.body)
	}
	dmy := csvReq(ada, ambiguous)
	dmy.path += "?date_order=dmy"
	a.expect(dmy, 201)
	if got := a.listApplications(ada, "limit=1").Items[0]; got.Company != "Ambiguous" || *got.AppliedOn != "2026-04-03" {
		t.Fatalf("read with date_order=dmy: %+v", got)
	}
	// A file over the import's limit is refused by its declared length.
	assertProblem(t, a.do(csvReq(ada, "Company\n"+strings.Repeat("x", jobsearch.MaxImportBytes))), 413, folio.ETOOLARGE)
	// A body that is not CSV is refused by type.
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/applications/import", token: ada.token, body: `{"company":"x"}`}), 415, folio.EUNSUPPORTED)
}

func TestApplicationsCSVBadDateOnLine7ImportsNothing(t *testing.T) {
	a := newAPI(t)
	ada := a.signUp("ada")
	var b strings.Builder
	b.WriteString("Company,Date applied\n")
	for line := 2; line <= 9; line++ {
		if line == 7 {
			b.WriteString("Bad Date Inc,2026-02-30\n")
		} else {
			fmt.Fprintf(&b, "Company %d,2026-11-%02d\n", line, line)
		}
	}
	r := a.do(csvReq(ada, b.String()))
	assertProblem(t, r, 422, folio.EINVALID)
	var p applications.ImportProblem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Total != 1 || len(p.Errors) != 1 || p.Errors[0].Line != 7 || p.Errors[0].Field != "Date applied" || !strings.Contains(p.Errors[0].Reason, "2026-02-30") {
		t.Fatalf("problem %+v", p)
	}
	if list := a.listApplications(ada, ""); len(list.Items) != 0 {
		t.Fatalf("%d applications imported from a refused file", len(list.Items))
	}
}

// TestApplicationsCSVImportsTenThousandRows checks correctness at the
// size the issue names; bench/csvimport measures the time.
func TestApplicationsCSVImportsTenThousandRows(t *testing.T) {
	a := newAPI(t)
	ada := a.signUp("ada")
	var b strings.Builder
	b.WriteString("Company,Role,Date applied,Status,Next step,Next step due,Notes\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "Company %d,Engineer %d,2026-%02d-%02d,applied,Follow up,2026-12-%02d,\"Note %d, with a comma\"\n", i, i, 1+i%12, 1+i%28, 1+i%28, i)
	}
	r := a.expect(csvReq(ada, b.String()), 201)
	if r.json(t)["imported"] != float64(10000) {
		t.Fatalf("imported %s", r.body)
	}
	var apps, created int
	if err := a.db.NewRaw(`SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM application_events e WHERE e.application_id = a.id AND e.kind = 'created'))
		FROM applications a WHERE owner_id = ? AND company LIKE 'Company %' AND notes LIKE 'Note %, with a comma'`, ada.id).Scan(context.Background(), &apps, &created); err != nil {
		t.Fatal(err)
	}
	if apps != 10000 || created != 10000 {
		t.Fatalf("%d applications, %d with a created entry", apps, created)
	}
}

var dtstart = regexp.MustCompile(`DTSTART;VALUE=DATE:(\d{8})`)

func TestApplicationsCalendarFeed(t *testing.T) {
	a := newAPI(t)
	ada := a.signUp("ada")
	first := a.createApplication(ada, map[string]any{"company": "Acme", "next_step": "Send the take-home", "next_step_due": "2026-11-27"})
	a.createApplication(ada, map[string]any{"company": "Globex", "role": "SRE", "next_step_due": "2026-12-02", "interview_at": "2026-12-04T09:00:00Z"})
	a.createApplication(ada, map[string]any{"company": "Initech", "next_step_due": "2026-12-10", "notes": "secret salary talk"})
	a.createApplication(ada, map[string]any{"company": "No dates"})

	assertProblem(t, a.do(req{method: "GET", path: "/calendar/" + strings.Repeat("x", 43) + ".ics"}), 404, folio.ENOTFOUND)
	if got := a.expect(req{method: "GET", path: "/api/v1/me/calendar", token: ada.token}, 200).json(t); got["enabled"] != false {
		t.Fatalf("calendar status %v", got)
	}
	var feed applications.CalendarFeed
	if err := json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/me/calendar", token: ada.token}, 201).body, &feed); err != nil {
		t.Fatal(err)
	}
	path := pathOfURL(t, feed.URL)
	if !strings.HasPrefix(path, "/calendar/") || !strings.HasSuffix(path, ".ics") {
		t.Fatalf("feed URL %q", feed.URL)
	}
	get := func() (string, *ics.Calendar) {
		t.Helper()
		r := a.expect(req{method: "GET", path: path}, 200)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("Content-Type %q", ct)
		}
		if r.header.Get("Set-Cookie") != "" || !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
			t.Fatalf("headers %v", r.header)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(r.body)))
		if err != nil {
			t.Fatalf("the feed does not parse: %v\n%s", err, r.body)
		}
		return string(r.body), cal
	}
	raw, cal := get()
	var steps, interviews int
	for _, e := range cal.Events() {
		switch {
		case strings.HasSuffix(e.Id(), "-next-step@localhost"):
			steps++
		case strings.HasSuffix(e.Id(), "-interview@localhost"):
			interviews++
		default:
			t.Errorf("unexpected event %q", e.Id())
		}
	}
	if steps != 3 || interviews != 1 {
		t.Fatalf("%d step events and %d interviews; want 3 and 1:\n%s", steps, interviews, raw)
	}
	if strings.Contains(raw, "secret salary") || strings.Contains(raw, "\n") && !strings.Contains(raw, "\r\n") {
		t.Fatal("the feed carries notes, or its lines are not CRLF")
	}
	uid := fmt.Sprintf("application-%d-next-step@localhost", first.ID)
	a.expect(req{method: "PATCH", path: "/api/v1/applications/" + itoa(first.ID), token: ada.token, body: map[string]any{"next_step_due": "2026-11-29"}}, 200)
	raw2, cal2 := get()
	if raw2 == raw {
		t.Fatal("the feed did not change with a due date")
	}
	for _, e := range cal2.Events() {
		if e.Id() == uid {
			if d, err := e.GetAllDayStartAt(); err != nil || d.Format(time.DateOnly) != "2026-11-29" {
				t.Fatalf("the moved step starts %v, %v", d, err)
			}
		}
	}
	if n := len(dtstart.FindAllString(raw2, -1)); n != 3 {
		t.Fatalf("%d all-day events after the change", n)
	}

	// Renewing revokes the old URL; turning the feed off revokes the new one.
	var renewed applications.CalendarFeed
	_ = json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/me/calendar", token: ada.token}, 201).body, &renewed)
	assertProblem(t, a.do(req{method: "GET", path: path}), 404, folio.ENOTFOUND)
	a.expect(req{method: "GET", path: pathOfURL(t, renewed.URL)}, 200)
	a.expect(req{method: "DELETE", path: "/api/v1/me/calendar", token: ada.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: pathOfURL(t, renewed.URL)}), 404, folio.ENOTFOUND)
}
