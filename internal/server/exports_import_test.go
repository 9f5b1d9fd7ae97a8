package server_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"os"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/api/exportapi"
)

func sampleResume(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile("../resume/testdata/full.resume.json")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestResumeImportAPI: the sample maps into the caller's account alone,
// as drafts, with every skipped field listed; an invalid file is refused
// with the validator's reasons; size and type are bounded.
func TestResumeImportAPI(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	zoe, eve := a.signUp("zoe"), a.signUp("eve")
	eveProject := a.createProject(eve, map[string]any{"title": "Eve's own", "visibility": "public"})

	r := a.expect(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: sampleResume(t)}, 200)
	var rep exportapi.ImportResponse
	if err := json.Unmarshal(r.body, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Projects) != 2 || rep.Projects[0].Title != "Orders API" || len(rep.Profile) != 7 {
		t.Fatalf("report: %s", r.body)
	}
	skipped := map[string]string{}
	for _, s := range rep.Skipped {
		skipped[s.Field] = s.Reason
	}
	for _, f := range []string{"basics.email", "work[0].position", "education[0].institution", "skills[0].name", "projects[0].startDate"} {
		if skipped[f] == "" {
			t.Errorf("%s not reported as skipped", f)
		}
	}
	me := a.expect(req{method: "GET", path: "/api/v1/me", token: zoe.token}, 200).json(t)
	if me["display_name"] != "Zoë Łukasiewicz" || me["email"] != zoe.email {
		t.Errorf("profile after import: %v", me)
	}
	got := a.expect(req{method: "GET", path: "/api/v1/projects/" + itoa(rep.Projects[0].ID), token: zoe.token}, 200).json(t)
	if got["visibility"] != "draft" || got["repository_url"] != "https://github.com/zoel/orders" {
		t.Errorf("imported project: %v", got)
	}
	// Only the caller's account changed: another owner's project is
	// still a 404 to the caller, and theirs is untouched.
	a.expect(req{method: "GET", path: "/api/v1/projects/" + itoa(eveProject.ID), token: zoe.token}, 404)
	a.expect(req{method: "GET", path: "/api/v1/projects/" + itoa(rep.Projects[0].ID), token: eve.token}, 404)
	if list := a.expect(req{method: "GET", path: "/api/v1/projects", token: eve.token}, 200); strings.Contains(string(list.body), "Orders API") {
		t.Error("the import reached another account")
	}
	if eveMe := a.expect(req{method: "GET", path: "/api/v1/me", token: eve.token}, 200).json(t); eveMe["display_name"] != "EVE" {
		t.Errorf("eve's profile changed: %v", eveMe)
	}

	// Again: nothing new.
	again := a.expect(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: sampleResume(t)}, 200)
	if err := json.Unmarshal(again.body, &rep); err != nil || len(rep.Projects) != 0 {
		t.Errorf("second import: %s", again.body)
	}

	bad := a.do(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: `{"basics":{"email":"nope"},"work":[{"startDate":"soon"}]}`})
	assertProblem(t, bad, 422, "invalid")
	if fe := bad.fieldErrors(t); fe["/basics/email"] == "" || fe["/work/0/startDate"] == "" {
		t.Errorf("422 without the validator's reasons: %s", bad.body)
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: `{"basics": `}), 422, "invalid")
	huge := `{"basics":{"summary":"` + strings.Repeat("a", 1<<20) + `"}}`
	if r := a.do(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: huge}); r.status != 413 {
		t.Errorf("a file over 1 MiB: %d, want 413", r.status)
	}
	if r := a.do(req{method: "POST", path: "/api/v1/me/resume", token: zoe.token, body: "x", headers: map[string]string{"Content-Type": "image/png"}}); r.status != 415 {
		t.Errorf("an image: %d, want 415", r.status)
	}
	a.expect(req{method: "POST", path: "/api/v1/me/resume", body: sampleResume(t)}, 401)
}

// TestResumeDashboardPage: the dashboard page links the downloads and
// imports a file from its form (CSRF token required) into the signed-in
// owner's account only, showing what was skipped.
func TestResumeDashboardPage(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	zoe := a.signUp("zoe")
	if r := a.do(req{method: "GET", path: "/dashboard/resume"}); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("anonymous: %d %q", r.status, r.header.Get("Location"))
	}
	page := a.page(zoe, "/dashboard/resume")
	for _, want := range []string{`href="/zoe.pdf?paper=a4&amp;download=1"`, `href="/zoe.pdf?paper=letter"`, `href="/zoe/resume.json?download=1"`, `action="/dashboard/resume/import"`} {
		if page.status != 200 || !strings.Contains(string(page.body), want) {
			t.Errorf("dashboard page (%d) lacks %s", page.status, want)
		}
	}
	if !strings.Contains(string(a.page(zoe, "/dashboard").body), `href="/dashboard/resume"`) {
		t.Error("the dashboard does not link the page")
	}

	upload := func(csrf string, file []byte) response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile("file", "resume.json")
		fw.Write(file)
		mw.Close()
		return a.do(req{method: "POST", path: "/dashboard/resume/import", body: body.Bytes(), headers: map[string]string{
			"Cookie": "folio_session=" + zoe.token, "Content-Type": mw.FormDataContentType()}})
	}
	if r := upload("wrong", sampleResume(t)); r.status != 403 {
		t.Fatalf("without the CSRF token: %d, want 403", r.status)
	}
	if list := a.expect(req{method: "GET", path: "/api/v1/projects", token: zoe.token}, 200); strings.Contains(string(list.body), "Orders API") {
		t.Fatal("a form without the CSRF token imported")
	}
	r := upload(csrfOf(t, zoe), sampleResume(t))
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, `data-testid="import-report"`) || !strings.Contains(body, "Orders API") ||
		!strings.Contains(body, "<code>work[0].position</code>") || !strings.Contains(body, "Folio has no work history") {
		t.Fatalf("import report (%d):\n%s", r.status, body)
	}
	bad := upload(csrfOf(t, zoe), []byte(`{"basics":{"email":"nope"}}`))
	if bad.status != 422 || !strings.Contains(string(bad.body), "<code>/basics/email</code>") {
		t.Errorf("invalid file (%d):\n%s", bad.status, bad.body)
	}
	// The public page shows the imported name at once; the drafts stay private.
	pub := string(a.expect(req{method: "GET", path: "/zoe"}, 200).body)
	if !strings.Contains(pub, "Zoë Łukasiewicz") || strings.Contains(pub, "Orders API") {
		t.Error("the public page after an import shows the wrong things")
	}
}
