package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/testenv"
)

// TestBrowserFlow runs web/e2e/flow.mjs in headless Chromium against a
// real `folio dev` (API and worker in one process) on this test's own
// database, Redis and bucket. `make test` installs Chromium and the
// script's one dependency; run it directly with deploy/browser-deps.sh.
func TestBrowserFlow(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed; install Node.js 20, then run deploy/browser-deps.sh")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is not at %s; run deploy/browser-deps.sh (or set CHROMIUM)", chromium)
	}
	root, _ := filepath.Abs("../..")
	if _, err := os.Stat(filepath.Join(root, "web/e2e/node_modules/playwright-core")); err != nil {
		t.Fatal("playwright-core is not installed; run deploy/browser-deps.sh")
	}
	testenv.FFmpeg(t)

	st := newStack(t, 5*time.Second)
	base := "http://" + st.httpAddr
	st.env = append(st.env, "FOLIO_BASE_URL="+base, "FOLIO_ENV=dev")
	app := st.start(t, "dev")
	// A generous deadline: on a busy machine `folio dev` migrates and
	// seeds for a while; its output says why when it never gets ready.
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("folio dev was not ready within 90s\n--- folio dev output ---\n%s", app.output)
		}
	}

	artifacts := filepath.Join(root, ".data", "e2e")
	cmd := exec.Command(node, filepath.Join(root, "web/e2e/flow.mjs"))
	cmd.Dir = filepath.Join(root, "web/e2e")
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "VIDEO_FILE="+testenv.Video(t, 640, 360, 4),
		"SPEC_FILE="+filepath.Join(root, "internal/apidocs/testdata/specs/petstore-v2.yaml"),
		"ARTIFACTS="+artifacts, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser flow failed: %v\n%s\n--- folio dev output ---\n%s", err, out, app.output)
	}
	t.Logf("%s\nscreenshots in %s", out, artifacts)
}
