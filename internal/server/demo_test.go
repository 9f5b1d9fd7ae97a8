package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/server"
)

func TestDemoEndpoints(t *testing.T) {
	t.Parallel()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	defer up.Close()
	a := newAPI(t, func(o *server.Options, db *bun.DB) {
		o.API.Demos = postgres.NewDemoService(db)
		o.API.DemoChecker = &demo.Monitor{Demos: o.API.Demos, Projects: o.API.Projects, Checker: demo.NewChecker(2*time.Second, true)}
	})
	ada, bob := a.signUp("ada"), a.signUp("bob")
	p := a.createProject(ada, map[string]any{"title": "Orders", "visibility": "public", "demo_url": up.URL})
	path := "/api/v1/projects/" + itoa(p.ID) + "/demo"

	sum := a.expect(req{method: "GET", path: path, token: ada.token}, 200).json(t)
	if sum["state"] != "unknown" || sum["last_check"] != nil {
		t.Errorf("before any check: %v", sum)
	}
	pf := a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).json(t)
	if badge := pf["projects"].([]any)[0].(map[string]any)["demo"].(map[string]any); badge["state"] != "unknown" {
		t.Errorf("badge before checks: %v", badge)
	}

	check := a.expect(req{method: "POST", path: path + "/check", token: ada.token}, 200).json(t)
	if check["up"] != true || check["status_code"] != float64(200) {
		t.Errorf("check now: %v", check)
	}
	sum = a.expect(req{method: "GET", path: path, token: ada.token}, 200).json(t)
	if sum["state"] != "up" || sum["uptime_24h"] != float64(1) || len(sum["recent_checks"].([]any)) != 1 {
		t.Errorf("after a check: %v", sum)
	}
	pf = a.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200).json(t)
	if badge := pf["projects"].([]any)[0].(map[string]any)["demo"].(map[string]any); badge["state"] != "up" || badge["checked_at"] == nil {
		t.Errorf("badge after a check: %v", badge)
	}

	a.expect(req{method: "POST", path: path + "/check", token: ada.token}, 200)
	a.expect(req{method: "POST", path: path + "/check", token: ada.token}, 200)
	assertProblem(t, a.do(req{method: "POST", path: path + "/check", token: ada.token}), 429, "too_many_requests")

	assertProblem(t, a.do(req{method: "GET", path: path, token: bob.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "POST", path: path + "/check", token: bob.token}), 404, "not_found")
	noDemo := a.createProject(ada, map[string]any{"title": "No demo", "visibility": "public"})
	assertProblem(t, a.do(req{method: "POST", path: "/api/v1/projects/" + itoa(noDemo.ID) + "/demo/check", token: ada.token}), 422, "invalid")
}

func TestDemoHealthOnPages(t *testing.T) {
	t.Parallel()
	down := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if down {
			http.Error(w, "gone", http.StatusBadGateway)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	a := newAPI(t, withPages(t), func(o *server.Options, db *bun.DB) {
		o.API.DemoChecker = &demo.Monitor{Demos: o.API.Demos, Projects: o.API.Projects, Checker: demo.NewChecker(2*time.Second, true)}
	})
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "Orders", "visibility": "public", "demo_url": srv.URL})
	if page := string(a.expect(req{method: "GET", path: "/ada"}, 200).body); !strings.Contains(page, "not checked yet") {
		t.Error("before any check the badge says so")
	}
	a.expect(req{method: "POST", path: "/api/v1/projects/" + itoa(p.ID) + "/demo/check", token: ada.token}, 200)
	page := string(a.expect(req{method: "GET", path: "/ada"}, 200).body)
	if !strings.Contains(page, `class="badge up"`) || !strings.Contains(page, "checked just now") {
		t.Errorf("the public page lacks an up badge with its check time")
	}
	down = true
	a.expect(req{method: "POST", path: "/api/v1/projects/" + itoa(p.ID) + "/demo/check", token: ada.token}, 200)
	if page := string(a.expect(req{method: "GET", path: "/ada/orders"}, 200).body); !strings.Contains(page, `class="badge down"`) {
		t.Error("the project page lacks the down badge")
	}
	dash := string(a.expect(req{method: "GET", path: "/dashboard/projects/" + itoa(p.ID), headers: map[string]string{"Cookie": "folio_session=" + ada.token}}, 200).body)
	for _, want := range []string{`<svg class="spark"`, `<rect class="up"`, `<rect class="down"`, "Last error: The demo answered HTTP 502 Bad Gateway.", "uptime 24 h 50.0%"} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	// In Spanish the reason is said by its class (the stored one is English).
	es := a.expect(req{method: "GET", path: "/dashboard/projects/" + itoa(p.ID), headers: map[string]string{"Cookie": "folio_session=" + ada.token, "Accept-Language": "es"}}, 200)
	contains(t, "Spanish dashboard", es, "Último error: La demo respondió HTTP 502.")
}
