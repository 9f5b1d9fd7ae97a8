package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestProjectCRUD(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{
		"title": "Café Orders API!", "tagline": "Idempotent order intake",
		"description": "## How\nIt *works*.", "pitch": map[string]string{"problem": "P", "approach": "A", "result": "R"},
		"tech_tags": []string{"Go", "go", " PostgreSQL "}, "demo_url": "https://orders.example.com",
		"repository_url": "https://github.com/ada/orders",
	})
	if p.Slug != "cafe-orders-api" || p.Visibility != "draft" || p.FeaturedRank != nil {
		t.Errorf("created %v", p)
	}
	if tags := fmt.Sprint(p.TechTags); tags != "[Go PostgreSQL]" {
		t.Errorf("tags %s, want [Go PostgreSQL]", tags)
	}
	path := "/api/v1/projects/" + itoa(p.ID)
	got := a.expect(req{method: "GET", path: path, token: ada.token}, 200).json(t)
	if got["title"] != "Café Orders API!" || got["pitch"].(map[string]any)["result"] != "R" {
		t.Errorf("get %v", got)
	}
	patched := a.expect(req{method: "PATCH", path: path, token: ada.token, body: map[string]any{"tagline": "New", "visibility": "public"}}, 200).json(t)
	if patched["tagline"] != "New" || patched["title"] != "Café Orders API!" || patched["visibility"] != "public" {
		t.Errorf("patch changed the wrong fields: %v", patched)
	}
	// Same title again: the slug gets a suffix.
	if again := a.createProject(ada, map[string]any{"title": "Cafe orders API"}); again.Slug != "cafe-orders-api-2" {
		t.Errorf("second slug %v", again.Slug)
	}
	r := a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: map[string]any{"title": "X", "slug": "cafe-orders-api"}})
	assertProblem(t, r, 409, "conflict")
	a.expect(req{method: "DELETE", path: path, token: ada.token}, 204)
	assertProblem(t, a.do(req{method: "GET", path: path, token: ada.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/projects/abc", token: ada.token}), 404, "not_found")
}

func TestAnotherOwnersProjectIs404(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	p := a.createProject(ada, map[string]any{"title": "Secret", "visibility": "public"})
	path := "/api/v1/projects/" + itoa(p.ID)
	for _, r := range []req{
		{method: "GET", path: path, token: bob.token},
		{method: "PATCH", path: path, token: bob.token, body: map[string]any{"title": "mine"}},
		{method: "DELETE", path: path, token: bob.token},
	} {
		assertProblem(t, a.do(r), 404, "not_found")
	}
	list := a.expect(req{method: "GET", path: "/api/v1/projects", token: bob.token}, 200).json(t)
	if n := len(list["items"].([]any)); n != 0 {
		t.Errorf("bob lists %d of ada's projects", n)
	}
	if a.expect(req{method: "GET", path: path, token: ada.token}, 200).json(t)["title"] != "Secret" {
		t.Error("bob changed ada's project")
	}
}

func TestProjectValidation(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	tests := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no title", map[string]any{"tagline": "x"}, "title"},
		{"blank title", map[string]any{"title": "   "}, "title"},
		{"long title", map[string]any{"title": strings.Repeat("t", 101)}, "title"},
		{"bad slug", map[string]any{"title": "t", "slug": "Not A Slug"}, "slug"},
		{"long tagline", map[string]any{"title": "t", "tagline": strings.Repeat("x", 161)}, "tagline"},
		{"javascript demo", map[string]any{"title": "t", "demo_url": "javascript:alert(1)"}, "demo_url"},
		{"relative repo", map[string]any{"title": "t", "repository_url": "/ada/orders"}, "repository_url"},
		{"ftp repo", map[string]any{"title": "t", "repository_url": "ftp://example.com/x"}, "repository_url"},
		{"credentials in url", map[string]any{"title": "t", "demo_url": "https://user:pw@example.com"}, "demo_url"},
		{"bad visibility", map[string]any{"title": "t", "visibility": "secret"}, "visibility"},
		{"too many tags", map[string]any{"title": "t", "tech_tags": strings.Split("a b c d e f g h i j k l m", " ")}, "tech_tags"},
		{"long tag", map[string]any{"title": "t", "tech_tags": []string{strings.Repeat("x", 31)}}, "tech_tags"},
		{"long pitch", map[string]any{"title": "t", "pitch": map[string]string{"problem": strings.Repeat("p", 1001)}}, "pitch.problem"},
		{"control character", map[string]any{"title": "a\x00b"}, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: tt.body})
			assertProblem(t, r, 422, "invalid")
			if _, ok := r.fieldErrors(t)[tt.field]; !ok {
				t.Errorf("errors %v do not name %s", r.fieldErrors(t), tt.field)
			}
		})
	}
	r := a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: map[string]any{"title": "", "demo_url": "x", "visibility": "y"}})
	if n := len(r.fieldErrors(t)); n != 3 {
		t.Errorf("want all 3 bad fields listed, got %v", r.fieldErrors(t))
	}
}

func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	r := a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: map[string]any{"title": "t", "colour": "red"}})
	assertProblem(t, r, 400, "bad_request")
	if _, ok := r.fieldErrors(t)["colour"]; !ok {
		t.Errorf("unknown field not named: %s", r.body)
	}
	r = a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: map[string]any{"title": 42}})
	assertProblem(t, r, 400, "bad_request")
	if _, ok := r.fieldErrors(t)["title"]; !ok {
		t.Errorf("wrongly typed field not named: %s", r.body)
	}
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: `{"title": "t"`}), 400, "bad_request")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: `{"title": "t"} {}`}), 400, "bad_request")
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: ``}), 400, "bad_request")
	r = a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: `title=t`, headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	assertProblem(t, r, 415, "unsupported_media_type")
}

// Over a real socket: a body above the limit is refused with 413 whether
// it announces its length or arrives chunked.
func TestOversizedBodyIs413(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	base := a.listen()
	huge := `{"title": "t", "description": "` + strings.Repeat("x", 70<<10) + `"}`
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(huge)
		if chunked {
			body = io.MultiReader(strings.NewReader(huge)) // hides the length
		}
		hr, _ := http.NewRequest("POST", base+"/api/v1/projects", body)
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Authorization", "Bearer "+ada.token)
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatalf("chunked=%v: %v", chunked, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assertProblem(t, response{status: resp.StatusCode, header: resp.Header, body: b}, 413, "too_large")
	}
}

func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	key := map[string]string{"Idempotency-Key": "create-orders-1"}
	body := map[string]any{"title": "Orders"}
	first := a.expect(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: body, headers: key}, 201)
	again := a.expect(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: body, headers: key}, 201)
	if string(first.body) != string(again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay differs:\n%s\n%s", first.body, again.body)
	}
	list := a.expect(req{method: "GET", path: "/api/v1/projects", token: ada.token}, 200).json(t)
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("%d projects after a replay, want 1", n)
	}
	r := a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: map[string]any{"title": "Other"}, headers: key})
	assertProblem(t, r, 422, "invalid")
	// Keys belong to their caller: bob's same key is a new request.
	a.expect(req{method: "POST", path: "/api/v1/projects", token: bob.token, body: body, headers: key}, 201)

	// Concurrent duplicates (a double click) create exactly one project.
	dup := map[string]string{"Idempotency-Key": "double-click"}
	var wg sync.WaitGroup
	statuses := make([]int, 5)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token, body: map[string]any{"title": "Twice"}, headers: dup}).status
		}()
	}
	wg.Wait()
	var twice int
	if err := a.db.QueryRow("SELECT count(*) FROM projects WHERE title = 'Twice'").Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 1 {
		t.Errorf("%d projects from 5 concurrent requests with one key (statuses %v)", twice, statuses)
	}
	for _, s := range statuses {
		if s != 201 && s != 409 {
			t.Errorf("concurrent duplicate answered %d, want 201 or 409", s)
		}
	}
}

func TestPaginationIsStableUnderInserts(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	want := map[string]bool{}
	for i := range 25 {
		p := a.createProject(ada, map[string]any{"title": fmt.Sprintf("Project %02d", i)})
		want[p.Slug] = true
	}
	seen := map[string]int{}
	cursor, pages := "", 0
	for {
		path := "/api/v1/projects?limit=10"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		page := a.expect(req{method: "GET", path: path, token: ada.token}, 200).json(t)
		pages++
		for _, it := range page["items"].([]any) {
			seen[it.(map[string]any)["slug"].(string)]++
		}
		// Someone adds projects while we page.
		a.createProject(ada, map[string]any{"title": fmt.Sprintf("Inserted during page %d", pages)})
		next, _ := page["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if pages != 3 {
		t.Errorf("%d pages of 10 for 25 projects, want 3", pages)
	}
	for slug := range want {
		if seen[slug] != 1 {
			t.Errorf("%s seen %d times, want once", slug, seen[slug])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %d projects, want the %d that existed when paging began", len(seen), len(want))
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=bogus", "cursor=" + "cDE6LTE"} {
		r := a.do(req{method: "GET", path: "/api/v1/projects?" + q, token: ada.token})
		assertProblem(t, r, 400, "bad_request")
	}
}

func TestETagAnswers304(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	for _, r := range []req{
		{method: "GET", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token},
		{method: "GET", path: "/api/v1/projects", token: ada.token},
		{method: "GET", path: "/api/v1/me", token: ada.token},
		{method: "GET", path: "/api/v1/portfolios/ada"},
	} {
		first := a.expect(r, 200)
		etag := first.header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", r.path)
		}
		r.headers = map[string]string{"If-None-Match": etag}
		if again := a.do(r); again.status != 304 || len(again.body) != 0 {
			t.Errorf("%s with If-None-Match: %d %q, want empty 304", r.path, again.status, again.body)
		}
	}
	// A change gives a new ETag.
	before := a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).header.Get("ETag")
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"headline": "changed"}}, 200)
	r := a.do(req{method: "GET", path: "/api/v1/portfolios/ada", headers: map[string]string{"If-None-Match": before}})
	if r.status != 200 {
		t.Errorf("after a change, stale ETag answered %d, want 200", r.status)
	}
}

func TestProfilePatch(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	a.signUp("bob")
	me := a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{
		"headline": "Backend engineer", "bio": "I **build**.", "location": "London",
		"links": map[string]any{"github": "https://github.com/ada", "show_email": true},
	}}, 200).json(t)
	links := me["links"].(map[string]any)
	if me["headline"] != "Backend engineer" || links["github"] != "https://github.com/ada" || links["show_email"] != true || me["display_name"] != "ADA" {
		t.Errorf("patched profile %v", me)
	}
	r := a.do(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"handle": "bob"}})
	assertProblem(t, r, 409, "conflict")
	r = a.do(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"handle": "admin", "links": map[string]any{"website": "javascript:alert(1)"}}})
	assertProblem(t, r, 422, "invalid")
	if f := r.fieldErrors(t); f["handle"] == "" || f["website_url"] == "" {
		t.Errorf("errors %v should name handle and website_url", f)
	}
	me = a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"handle": "Ada-L"}}, 200).json(t)
	if me["handle"] != "ada-l" {
		t.Errorf("handle %v, want ada-l", me["handle"])
	}
}
