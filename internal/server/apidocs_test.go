package server_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func (m *mediaAPI) postDocs(token string, projectID int64, contentType string, body []byte) response {
	m.t.Helper()
	return m.upload(token, fmt.Sprintf("/api/v1/projects/%d/apidocs", projectID), bytes.NewReader(body), contentType, false)
}

func (m *mediaAPI) waitDocs(token string, projectID int64) map[string]any {
	m.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		d := m.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/apidocs", projectID), token: token}, 200).json(m.t)
		if d["status"] == "ready" || d["status"] == "failed" {
			return d
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("API docs still %v after 60 s", d["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func testdataFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "apidocs", "testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func swagZip(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("svc/main.go")
	w.Write(bytes.Replace(testdataFile(t, "service/main.go"), []byte("//go:build ignore\n"), nil, 1))
	zw.Close()
	return buf.Bytes()
}

func TestAPIDocsFromSpecArchiveAndPage(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada, bob := m.signUp("ada"), m.signUp("bob")
	p := m.createProject(ada, map[string]any{"title": "Pets", "visibility": "public"})

	r := m.postDocs(ada.token, p.ID, "application/yaml", testdataFile(t, "specs/petstore-v2.yaml"))
	if r.status != 202 {
		t.Fatalf("post spec: %d %s", r.status, r.body)
	}
	d := m.waitDocs(ada.token, p.ID)
	if d["status"] != "ready" || d["title"] != "Petstore" || d["operations"] != float64(2) || !strings.HasSuffix(d["url"].(string), "/ada/pets/openapi.json") {
		t.Fatalf("docs %v", d)
	}
	doc := m.expect(req{method: "GET", path: "/ada/pets/openapi.json"}, 200)
	if !strings.Contains(string(doc.body), `"openapi": "3.`) {
		t.Errorf("the served document is not OpenAPI 3: %.200s", doc.body)
	}
	page := string(m.expect(req{method: "GET", path: "/ada/pets"}, 200).body)
	if !strings.Contains(page, `data-spec-url="/ada/pets/openapi.json"`) || !strings.Contains(page, `<script src="/static/apidocs.js" defer>`) {
		t.Error("the project page does not offer the interactive docs")
	}
	// Swagger UI (1.5 MB) loads when the visitor opens the docs, not with the page.
	if strings.Contains(page, "swagger-ui-bundle.js") || strings.Contains(page, "swagger-ui.css") {
		t.Error("the project page loads Swagger UI before the docs are opened")
	}

	// The archive replaces the spec.
	if r := m.postDocs(ada.token, p.ID, "application/zip", swagZip(t)); r.status != 202 {
		t.Fatalf("post zip: %d %s", r.status, r.body)
	}
	if d := m.waitDocs(ada.token, p.ID); d["status"] != "ready" || d["title"] != "Todo API" || d["operations"] != float64(3) {
		t.Errorf("docs from the archive: %v", d)
	}

	// An invalid spec fails with the validator's words.
	if r := m.postDocs(ada.token, p.ID, "application/yaml", testdataFile(t, "specs/invalid-3.0.yaml")); r.status != 202 {
		t.Fatal(r.status)
	}
	if d := m.waitDocs(ada.token, p.ID); d["status"] != "failed" || !strings.Contains(d["error"].(string), "the spec is not valid OpenAPI") {
		t.Errorf("invalid spec: %v", d)
	}

	assertProblem(t, m.postDocs(ada.token, p.ID, "text/plain", []byte("hello")), 415, "unsupported_media_type")
	assertProblem(t, m.postDocs(bob.token, p.ID, "application/yaml", testdataFile(t, "specs/petstore-v2.yaml")), 404, "not_found")
	assertProblem(t, m.postDocs(ada.token, p.ID, "application/json", []byte(`{"from_repository": true}`)), 422, "invalid")
	draft := m.createProject(ada, map[string]any{"title": "Hidden"})
	m.postDocs(ada.token, draft.ID, "application/json", testdataFile(t, "specs/orders-3.1.json"))
	m.waitDocs(ada.token, draft.ID)
	if r := m.do(req{method: "GET", path: "/ada/hidden/openapi.json"}); r.status != 404 {
		t.Errorf("a draft's docs are public: %d", r.status)
	}
}

func TestAPIDocsFromRepository(t *testing.T) {
	t.Parallel()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is not installed")
	}
	root := t.TempDir()
	work := filepath.Join(root, "w")
	os.MkdirAll(work, 0o700)
	os.WriteFile(filepath.Join(work, "openapi.json"), testdataFile(t, "specs/orders-3.1.json"), 0o600)
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "HOME="+root)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", "x"}, {"clone", "-q", "--bare", ".", filepath.Join(root, "r.git")}} {
		cmd := exec.Command(git, args...)
		cmd.Dir, cmd.Env = work, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	srv := newGitHTTPServer(t, git, root)
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders", "visibility": "public", "repository_url": srv + "/r.git"})
	if r := m.postDocs(ada.token, p.ID, "application/json", []byte(`{"from_repository": true}`)); r.status != 202 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if d := m.waitDocs(ada.token, p.ID); d["status"] != "ready" || d["title"] != "Orders" || d["source"] != "repository" {
		t.Errorf("docs from the repository: %v", d)
	}
}
