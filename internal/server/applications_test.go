package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/api/applications"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/server"
)

func (a *harness) createApplication(acct account, body map[string]any) applications.ApplicationResponse {
	a.t.Helper()
	var out applications.ApplicationResponse
	if err := json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/applications", token: acct.token, body: body}, 201).body, &out); err != nil {
		a.t.Fatal(err)
	}
	return out
}

func (a *harness) listApplications(acct account, query string) applications.ApplicationList {
	a.t.Helper()
	var out applications.ApplicationList
	if err := json.Unmarshal(a.expect(req{method: "GET", path: "/api/v1/applications?" + query, token: acct.token}, 200).body, &out); err != nil {
		a.t.Fatal(err)
	}
	return out
}

func csvReq(acct account, file string) req {
	return req{method: "POST", path: "/api/v1/applications/import", token: acct.token, body: file,
		headers: map[string]string{"Content-Type": "text/csv"}}
}

func TestApplicationsCRUDFiltersAndPagination(t *testing.T) {
	a := newAPI(t)
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders API"})

	bad := a.do(req{method: "POST", path: "/api/v1/applications", token: ada.token, body: map[string]any{
		"company": "", "applied_on": "25/11/2026", "status": "lost", "project_ids": []int64{p.ID + 1000}}})
	assertProblem(t, bad, 422, folio.EINVALID)
	if f := bad.fieldErrors(t); f["applied_on"] == "" {
		t.Fatalf("fields = %v; want applied_on named", f)
	}

	created := a.createApplication(ada, map[string]any{"company": "Acme", "role": "Backend", "applied_on": "2026-11-20",
		"next_step": "Send the take-home", "next_step_due": "2026-11-27", "interview_at": "2026-12-01T14:00:00Z",
		"contacts": []map[string]string{{"name": "Jo", "email": "jo@acme.example"}}, "salary_min": 80000, "salary_max": 95000,
		"salary_currency": "eur", "project_ids": []int64{p.ID}})
	if created.Status != "applied" || *created.AppliedOn != "2026-11-20" || created.SalaryCurrency != "EUR" || *created.SalaryMin != 80000 ||
		created.InterviewAt == nil || len(created.ProjectIDs) != 1 {
		t.Fatalf("created %+v", created)
	}
	path := "/api/v1/applications/" + itoa(created.ID)
	var patched applications.ApplicationResponse
	body := a.expect(req{method: "PATCH", path: path, token: ada.token, body: map[string]any{
		"status": "interview", "salary_min": nil, "next_step_due": ""}}, 200).body
	if err := json.Unmarshal(body, &patched); err != nil {
		t.Fatal(err)
	}
	if patched.Status != "interview" || patched.SalaryMin != nil || *patched.SalaryMax != 95000 || patched.NextStepDue != nil || patched.Role != "Backend" {
		t.Fatalf("patched %s", body)
	}
	a.expect(req{method: "POST", path: path + "/notes", token: ada.token, body: map[string]string{"body": "Called Jo"}}, 201)
	var tl applications.Timeline
	if err := json.Unmarshal(a.expect(req{method: "GET", path: path + "/timeline", token: ada.token}, 200).body, &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.Items) != 3 || tl.Items[0].Kind != "created" || tl.Items[1].Kind != "status" || tl.Items[1].ToStatus != "interview" ||
		tl.Items[2].Body != "Called Jo" {
		t.Fatalf("timeline %+v", tl.Items)
	}

	// Six more; pages of two, newest first, and a status filter.
	for i, st := range []string{"wishlist", "offer", "offer", "rejected", "offer", "applied"} {
		a.createApplication(ada, map[string]any{"company": fmt.Sprintf("Co %d", i), "status": st})
	}
	var names []string
	q := "limit=2&status=offer,interview"
	for pages := 0; ; pages++ {
		page := a.listApplications(ada, q)
		for _, it := range page.Items {
			names = append(names, it.Company)
		}
		if page.NextCursor == "" {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		q = "limit=2&status=offer&status=interview&cursor=" + url.QueryEscape(page.NextCursor)
	}
	if fmt.Sprint(names) != "[Co 4 Co 2 Co 1 Acme]" {
		t.Fatalf("offers and interviews, newest first = %v", names)
	}
	if all := a.listApplications(ada, ""); len(all.Items) != 7 || all.NextCursor != "" {
		t.Fatalf("list of all = %d items, cursor %q", len(all.Items), all.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=101", "status=lost", "cursor=nope"} {
		assertProblem(t, a.do(req{method: "GET", path: "/api/v1/applications?" + q, token: ada.token}), 400, "bad_request")
	}

	a.expect(req{method: "DELETE", path: path, token: ada.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: path, token: ada.token}), 404, folio.ENOTFOUND)
}

func TestApplicationsShareLinks(t *testing.T) {
	a := newAPI(t)
	ada := a.signUp("ada")
	pub := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	draft := a.createProject(ada, map[string]any{"title": "Secret"})
	app := a.createApplication(ada, map[string]any{"company": "Acme"})
	links := "/api/v1/applications/" + itoa(app.ID) + "/share-links"

	r := a.do(req{method: "POST", path: links, token: ada.token, body: map[string]any{"project_ids": []int64{pub.ID, draft.ID}}})
	assertProblem(t, r, 422, folio.EINVALID)
	if f := r.fieldErrors(t)["project_ids"]; !strings.Contains(f, itoa(draft.ID)) {
		t.Fatalf("the draft project is not named: %q", f)
	}
	var l applications.ShareLinkResponse
	if err := json.Unmarshal(a.expect(req{method: "POST", path: links, token: ada.token, body: map[string]any{
		"label": "Acme", "note": "Hello Acme team", "project_ids": []int64{pub.ID}}}, 201).body, &l); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.URL, "http://localhost:8080/s/") || len(strings.TrimPrefix(l.URL, "http://localhost:8080/s/")) != 43 || !l.Active {
		t.Fatalf("link %+v", l)
	}
	a.expect(req{method: "PATCH", path: "/api/v1/share-links/" + itoa(l.ID), token: ada.token, body: map[string]any{
		"note": "Hi", "expires_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}}, 200)
	var list applications.ShareLinkList
	if err := json.Unmarshal(a.expect(req{method: "GET", path: links, token: ada.token}, 200).body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Note != "Hi" || list.Items[0].ExpiresAt == nil || list.Items[0].URL != l.URL {
		t.Fatalf("links %+v", list.Items)
	}
	var revoked applications.ShareLinkResponse
	if err := json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/share-links/" + itoa(l.ID) + "/revoke", token: ada.token}, 200).body, &revoked); err != nil {
		t.Fatal(err)
	}
	if revoked.Active || revoked.RevokedAt == nil {
		t.Fatalf("revoked %+v", revoked)
	}
}

// fakeActivity is what the analytics store would say about share links.
type fakeActivity []folio.ShareActivity

func (f fakeActivity) ShareActivity(context.Context, int64, int64) ([]folio.ShareActivity, error) {
	return f, nil
}

func TestApplicationTimelineMergesShareActivity(t *testing.T) {
	at := time.Now().Add(time.Minute).UTC().Truncate(time.Second)
	activity := fakeActivity{{ShareLinkID: 9, Day: at, ProjectID: 3, Kind: folio.EventPlay, Events: 2, Visitors: 1, MaxProgress: 75, First: at, Last: at}}
	a := newAPI(t, func(o *server.Options, _ *bun.DB) { o.API.JobSearch.ShareActivity = activity })
	ada := a.signUp("ada")
	app := a.createApplication(ada, map[string]any{"company": "Acme"})
	var tl applications.Timeline
	if err := json.Unmarshal(a.expect(req{method: "GET", path: "/api/v1/applications/" + itoa(app.ID) + "/timeline", token: ada.token}, 200).body, &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.Items) != 2 || tl.Items[0].Kind != "created" || tl.Items[1].Kind != "share_play" || tl.Items[1].MaxProgress != 75 || tl.Items[1].ProjectID != 3 {
		t.Fatalf("timeline %+v", tl.Items)
	}
}

// TestApplicationsIDOR: every endpoint answers 404 for another owner's
// application, share link or feed, and changes nothing.
func TestApplicationsIDOR(t *testing.T) {
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	pub := a.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	app := a.createApplication(ada, map[string]any{"company": "Acme", "next_step_due": "2026-12-01"})
	var l applications.ShareLinkResponse
	if err := json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/applications/" + itoa(app.ID) + "/share-links", token: ada.token,
		body: map[string]any{"note": "for Acme"}}, 201).body, &l); err != nil {
		t.Fatal(err)
	}
	appPath, linkPath := "/api/v1/applications/"+itoa(app.ID), "/api/v1/share-links/"+itoa(l.ID)
	for _, r := range []req{
		{method: "GET", path: appPath},
		{method: "PATCH", path: appPath, body: map[string]any{"status": "rejected"}},
		{method: "DELETE", path: appPath},
		{method: "POST", path: appPath + "/notes", body: map[string]any{"body": "mine now"}},
		{method: "GET", path: appPath + "/timeline"},
		{method: "GET", path: appPath + "/share-links"},
		{method: "POST", path: appPath + "/share-links", body: map[string]any{}},
		{method: "GET", path: linkPath},
		{method: "PATCH", path: linkPath, body: map[string]any{"note": "hijacked"}},
		{method: "POST", path: linkPath + "/revoke"},
	} {
		r.token = bob.token
		assertProblem(t, a.do(r), 404, folio.ENOTFOUND)
	}
	// Bob's own application cannot name Ada's project, by id or by slug.
	r := a.do(req{method: "POST", path: "/api/v1/applications", token: bob.token, body: map[string]any{"company": "X", "project_ids": []int64{pub.ID}}})
	assertProblem(t, r, 422, folio.EINVALID)
	bobApp := a.createApplication(bob, map[string]any{"company": "Bob's"})
	r = a.do(req{method: "POST", path: "/api/v1/applications/" + itoa(bobApp.ID) + "/share-links", token: bob.token,
		body: map[string]any{"project_ids": []int64{pub.ID}}})
	assertProblem(t, r, 422, folio.EINVALID)
	r = a.do(csvReq(bob, "Company,Projects\nX,"+pub.Slug+"\n"))
	if r.status != 422 || !strings.Contains(string(r.body), `"line":2`) {
		t.Fatalf("import naming another owner's project: %d %s", r.status, r.body)
	}
	// Lists, exports and feeds show only the caller's own.
	if list := a.listApplications(bob, ""); len(list.Items) != 1 || list.Items[0].ID != bobApp.ID {
		t.Fatalf("bob's list %+v", list.Items)
	}
	if exp := a.expect(req{method: "GET", path: "/api/v1/applications/export.csv", token: bob.token}, 200); strings.Contains(string(exp.body), "Acme") {
		t.Fatal("bob's export holds ada's application")
	}
	var feed applications.CalendarFeed
	if err := json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/me/calendar", token: bob.token}, 201).body, &feed); err != nil {
		t.Fatal(err)
	}
	if cal := a.expect(req{method: "GET", path: pathOfURL(t, feed.URL)}, 200); strings.Contains(string(cal.body), "Acme") {
		t.Fatal("bob's feed holds ada's next step")
	}
	a.expect(req{method: "DELETE", path: "/api/v1/me/calendar", token: bob.token}, 204)

	// Nothing of Ada's changed.
	got := a.expect(req{method: "GET", path: appPath, token: ada.token}, 200).json(t)
	if got["status"] != "applied" {
		t.Fatalf("ada's application changed: %v", got)
	}
	link := a.expect(req{method: "GET", path: linkPath, token: ada.token}, 200).json(t)
	if link["note"] != "for Acme" || link["active"] != true {
		t.Fatalf("ada's link changed: %v", link)
	}
	var tl applications.Timeline
	_ = json.Unmarshal(a.expect(req{method: "GET", path: appPath + "/timeline", token: ada.token}, 200).body, &tl)
	if len(tl.Items) != 1 {
		t.Fatalf("ada's timeline gained entries: %+v", tl.Items)
	}
	// Anonymous callers get 401 on the API, 404 on a feed without a token.
	a.expect(req{method: "GET", path: appPath}, 401)
	assertProblem(t, a.do(req{method: "GET", path: "/calendar/" + strings.Repeat("A", 43) + ".ics"}), 404, folio.ENOTFOUND)
}

func pathOfURL(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func multipartCSV(t *testing.T, file string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "applications.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(file))
	_ = mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}
