package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func slugs(items any) string {
	var out []string
	for _, it := range items.([]any) {
		out = append(out, it.(map[string]any)["slug"].(string))
	}
	return strings.Join(out, ",")
}

func TestFeaturedOrderLimitAndOwnership(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	var ids []int64
	for i := range 6 {
		ids = append(ids, a.createProject(ada, map[string]any{"title": fmt.Sprintf("p%d", i), "visibility": "public"}).ID)
	}
	draft := a.createProject(ada, map[string]any{"title": "draft"}).ID
	unlisted := a.createProject(ada, map[string]any{"title": "unlisted", "visibility": "unlisted"}).ID
	bobs := a.createProject(bob, map[string]any{"title": "bobs", "visibility": "public"}).ID

	put := func(ids ...int64) response {
		if ids == nil {
			ids = []int64{}
		}
		return a.do(req{method: "PUT", path: "/api/v1/me/featured", token: ada.token, body: map[string]any{"project_ids": ids}})
	}
	r := put(ids[3], ids[0], ids[4])
	if r.status != 200 || slugs(r.json(t)["items"]) != "p3,p0,p4" {
		t.Fatalf("featured %d %s", r.status, r.body)
	}
	pf := a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).json(t)
	if got := slugs(pf["featured"]); got != "p3,p0,p4" {
		t.Errorf("portfolio featured %s, want p3,p0,p4", got)
	}
	if got := slugs(pf["projects"]); strings.Contains(got, "draft") || strings.Contains(got, "unlisted") || len(strings.Split(got, ",")) != 3 {
		t.Errorf("portfolio others %s: want the 3 other public projects, no draft or unlisted", got)
	}

	assertProblem(t, put(ids...), 422, "invalid") // six
	r = put(ids[0], draft, bobs, unlisted, 999999)
	assertProblem(t, r, 422, "invalid")
	fields := r.fieldErrors(t)
	for i, want := range []int64{draft, bobs, unlisted, 999999} {
		key := fmt.Sprintf("project_ids[%d]", i+1)
		if !strings.Contains(fields[key], fmt.Sprint(want)) {
			t.Errorf("%s = %q, want it to name %d", key, fields[key], want)
		}
	}
	if _, ok := fields["project_ids[0]"]; ok {
		t.Errorf("a valid id was reported: %v", fields)
	}
	assertProblem(t, put(ids[0], ids[0]), 422, "invalid")
	// A refused change leaves the previous order intact (atomic).
	if got := slugs(a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).json(t)["featured"]); got != "p3,p0,p4" {
		t.Errorf("after refused updates featured is %s", got)
	}
	// Reordering within the same set, then unpublishing one, which unfeatures it.
	if r := put(ids[4], ids[3], ids[0]); slugs(r.json(t)["items"]) != "p4,p3,p0" {
		t.Errorf("reorder: %s", r.body)
	}
	a.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(ids[3]), token: ada.token, body: map[string]any{"visibility": "draft"}}, 200)
	if got := slugs(a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).json(t)["featured"]); got != "p4,p0" {
		t.Errorf("after unpublishing p3, featured is %s, want p4,p0", got)
	}
	if r := put(); r.status != 200 || slugs(r.json(t)["items"]) != "" {
		t.Errorf("empty list: %d %s", r.status, r.body)
	}
	assertProblem(t, a.do(req{method: "PUT", path: "/api/v1/me/featured", token: ada.token, body: map[string]any{}}), 422, "invalid")
}

func TestPortfolioIsPublicAndHidesPrivateData(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	a.createProject(ada, map[string]any{"title": "Hidden draft"})
	pf := a.expect(req{method: "GET", path: "/api/v1/portfolios/ADA"}, 200)
	body := string(pf.body)
	for _, secret := range []string{ada.email, "Hidden draft", "is_admin", `"id"`} {
		if strings.Contains(body, secret) {
			t.Errorf("public portfolio leaks %q: %s", secret, body)
		}
	}
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"links": map[string]any{"show_email": true}}}, 200)
	if !strings.Contains(string(a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).body), ada.email) {
		t.Error("email not shown after show_email")
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/portfolios/nobody"}), 404, "not_found")
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/no-such-endpoint"}), 404, "not_found")
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	raw := a.expect(req{method: "GET", path: "/api/openapi.json"}, 200).body
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served OpenAPI document is invalid: %v", err)
	}
	for _, path := range []string{"/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/auth/logout-all", "/api/v1/me/password", "/api/v1/tokens", "/api/v1/tokens/{id}",
		"/api/v1/me", "/api/v1/me/featured", "/api/v1/projects", "/api/v1/projects/{id}", "/api/v1/portfolios/{handle}", "/readyz", "/healthz"} {
		if doc.Paths.Find(path) == nil {
			t.Errorf("document lacks %s", path)
		}
	}
	if yaml := a.expect(req{method: "GET", path: "/api/openapi.yaml"}, 200).body; !strings.Contains(string(yaml), "openapi: 3.") {
		t.Errorf("YAML document does not declare OpenAPI 3")
	}
	page := string(a.expect(req{method: "GET", path: "/api/docs"}, 200).body)
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || !strings.Contains(page, "/api/docs/swagger-ui-bundle.js") {
		t.Errorf("docs page must load only its own assets: %s", page)
	}
	a.expect(req{method: "GET", path: "/api/docs/swagger-ui-bundle.js"}, 200)
	a.expect(req{method: "GET", path: "/api/docs/apidocs-init.js"}, 200)
	a.expect(req{method: "GET", path: "/api/docs/../../etc/passwd"}, 404)
}
