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

// TestBrowserAccountFlow runs web/e2e/account.mjs in headless Chromium
// against a real `folio dev` that mails through the stack's Mailpit: the
// owner verifies the address, sets notification preferences, resets the
// password from the mailed link and logs in with the new one. Its setup
// is TestBrowserFlow's (deploy/browser-deps.sh).
func TestBrowserAccountFlow(t *testing.T) {
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
	mp := testenv.Mailpit(t)

	st := newStack(t, 5*time.Second)
	base := "http://" + st.httpAddr
	st.env = append(st.env, "FOLIO_BASE_URL="+base, "FOLIO_ENV=dev",
		"FOLIO_SMTP_URL="+mp.SMTPURL, "FOLIO_MAIL_FROM=Folio <folio@folio.test>")
	app := st.start(t, "dev")
	poll(t, "folio dev to be ready", 30*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})

	artifacts := filepath.Join(root, ".data", "e2e")
	cmd := exec.Command(node, filepath.Join(root, "web/e2e/account.mjs"))
	cmd.Dir = filepath.Join(root, "web/e2e")
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "MAILPIT_URL="+mp.APIURL, "MAIL_ADDRESS="+mp.Address("browser"),
		"ARTIFACTS="+artifacts, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser account flow failed: %v\n%s\n--- folio dev output ---\n%s", err, out, app.output)
	}
	t.Logf("%s\nscreenshots in %s", out, artifacts)
}
