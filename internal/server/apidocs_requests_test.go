package server_test

import (
	"strings"
	"testing"
)

// After a failed generation (its task archived), a new request must run:
// it used to share the archived task's id and be dropped in silence,
// leaving the docs "pending" for good.
func TestAPIDocsRequestAfterAFailureRuns(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Pets", "visibility": "public"})

	if r := m.postDocs(ada.token, p.ID, "application/yaml", testdataFile(t, "specs/invalid-3.0.yaml")); r.status != 202 {
		t.Fatalf("post invalid spec: %d %s", r.status, r.body)
	}
	if d := m.waitDocs(ada.token, p.ID); d["status"] != "failed" {
		t.Fatalf("invalid spec: %v", d)
	}
	if r := m.postDocs(ada.token, p.ID, "application/yaml", testdataFile(t, "specs/petstore-v2.yaml")); r.status != 202 {
		t.Fatalf("post spec: %d %s", r.status, r.body)
	}
	if d := m.waitDocs(ada.token, p.ID); d["status"] != "ready" || d["title"] != "Petstore" {
		t.Fatalf("a good spec after a failed one: %v", d)
	}
	if doc := m.expect(req{method: "GET", path: "/ada/pets/openapi.json"}, 200); !strings.Contains(string(doc.body), "Petstore") {
		t.Errorf("served document: %.200s", doc.body)
	}

	// A third request replaces the document; the old one is removed.
	if r := m.postDocs(ada.token, p.ID, "application/json", testdataFile(t, "specs/orders-3.1.json")); r.status != 202 {
		t.Fatalf("post third spec: %d %s", r.status, r.body)
	}
	if d := m.waitDocs(ada.token, p.ID); d["status"] != "ready" || d["title"] == "Petstore" {
		t.Fatalf("third request: %v", d)
	}
	if doc := m.expect(req{method: "GET", path: "/ada/pets/openapi.json"}, 200); strings.Contains(string(doc.body), "Petstore") {
		t.Errorf("the old document is still served: %.200s", doc.body)
	}
	documents := 0
	for _, key := range m.keys("apidocs/") {
		if strings.Contains(key, "/openapi") {
			documents++
		}
	}
	if documents != 1 {
		t.Errorf("objects %v: want the current document only", m.keys("apidocs/"))
	}
}
