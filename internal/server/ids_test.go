package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/server"
)

// nonCanonical spells id in the ways strconv would accept but a path must
// not: each would be one more name for the row.
func nonCanonical(id int64) []string {
	s := itoa(id)
	return []string{"0" + s, "00" + s, "+" + s, "%20" + s, s + "%20", "-0" + s, "0x" + s}
}

func TestPathIDsAreCanonicalOr404(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders"})
	a.expect(req{method: "GET", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token}, 200)
	bad := append(nonCanonical(p.ID), "0", "-1", "9223372036854775808", "99999999999999999999", "1e3")
	for _, s := range bad {
		for _, r := range []req{
			{method: "GET", path: "/api/v1/projects/" + s},
			{method: "PATCH", path: "/api/v1/projects/" + s, body: map[string]any{"title": "Renamed"}},
			{method: "DELETE", path: "/api/v1/projects/" + s},
			{method: "GET", path: "/api/v1/projects/" + s + "/demo"},
			{method: "DELETE", path: "/api/v1/tokens/" + s},
			{method: "GET", path: "/api/v1/media/" + s},
		} {
			r.token = ada.token
			if got := a.do(r); got.status != 404 {
				t.Errorf("%s %s: %d, want 404; %s", r.method, r.path, got.status, got.body)
			}
		}
	}
	for _, s := range nonCanonical(p.ID) {
		hr := httptest.NewRequest("GET", "/dashboard/projects/"+s, nil)
		hr.AddCookie(&http.Cookie{Name: "folio_session", Value: ada.token})
		resp, err := a.srv.App().Test(hr, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("dashboard page for %q: %d, want 404", s, resp.StatusCode)
		}
	}
	if got := a.do(req{method: "GET", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token}); got.json(t)["title"] != "Orders" {
		t.Errorf("the project changed through a non-canonical id: %s", got.body)
	}
}

// "Check now" fetches a URL on a public host: its limit must hold for the
// project however its id is spelt.
func TestCheckNowLimitIsPerProjectNotPerSpelling(t *testing.T) {
	t.Parallel()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	defer up.Close()
	a := newAPI(t, func(o *server.Options, db *bun.DB) {
		o.API.Demos = postgres.NewDemoService(db)
		o.API.DemoChecker = &demo.Monitor{Demos: o.API.Demos, Projects: o.API.Projects, Checker: demo.NewChecker(2*time.Second, true)}
	})
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders", "visibility": "public", "demo_url": up.URL})
	check := func(s string) response {
		return a.do(req{method: "POST", path: "/api/v1/projects/" + s + "/demo/check", token: ada.token})
	}
	for range 3 {
		if got := check(itoa(p.ID)); got.status != 200 {
			t.Fatalf("check now: %d %s", got.status, got.body)
		}
	}
	for _, s := range nonCanonical(p.ID) {
		if got := check(s); got.status != 404 {
			t.Errorf("check now as %q: %d, want 404 (a spelling must not buy a new budget); %s", s, got.status, got.body)
		}
	}
	assertProblem(t, check(itoa(p.ID)), 429, "too_many_requests")
}
