package main

import (
	"net"
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
	b := startBrowserStack(t)
	testenv.FFmpeg(t)
	b.run(t, "flow.mjs", "VIDEO_FILE="+testenv.Video(t, 640, 360, 4),
		"SPEC_FILE="+filepath.Join(b.root, "internal/apidocs/testdata/specs/petstore-v2.yaml"))
}

// TestBrowserAccountFlow runs web/e2e/account.mjs in headless Chromium
// against a real `folio dev` that mails through the stack's Mailpit: the
// owner verifies the address, sets notification preferences, resets the
// password from the mailed link and logs in with the new one.
func TestBrowserAccountFlow(t *testing.T) {
	mp := testenv.Mailpit(t)
	b := startBrowserStack(t, "FOLIO_SMTP_URL="+mp.SMTPURL, "FOLIO_MAIL_FROM=Folio <folio@folio.test>")
	b.run(t, "account.mjs", "MAILPIT_URL="+mp.APIURL, "MAIL_ADDRESS="+mp.Address("browser"))
}

// TestBrowserPublicPages seeds the demo into a running `folio dev` and
// runs web/e2e/pages.mjs: the portfolio and a project page log no console
// error or failed request, and the project's interactive API docs load only
// when opened, then work and count the opening.
func TestBrowserPublicPages(t *testing.T) {
	// The seed's live demos point at `folio dev`'s demo apps: on a port of
	// this test's own.
	b := startBrowserStack(t, "FOLIO_DEV_DEMOS_ADDR="+freeAddr(t))
	testenv.FFmpeg(t)
	b.st.run(t, "seed")
	b.run(t, "pages.mjs")
}

// browserStack is a `folio dev` ready for a browser script.
type browserStack struct {
	node, chromium, root, base string
	app                        *proc
	st                         *stack
}

// startBrowserStack checks the browser's tools, then starts `folio dev`
// with env added and waits until it is ready.
func startBrowserStack(t *testing.T, env ...string) *browserStack {
	t.Helper()
	return startBrowserStackFor(t, "", func(string) []string { return env })
}

// startBrowserStackAt is startBrowserStack with the base URL's host name
// host ("": the loopback address): passkeys need a domain, such as
// localhost, for their relying party id.
func startBrowserStackAt(t *testing.T, host string, env ...string) *browserStack {
	t.Helper()
	return startBrowserStackFor(t, host, func(string) []string { return env })
}

// startBrowserStackFor is startBrowserStackAt with the added environment
// made from the base URL (which a provider's redirect URI needs).
func startBrowserStackFor(t *testing.T, host string, envFor func(base string) []string) *browserStack {
	t.Helper()
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
	st := newStack(t, 5*time.Second)
	base := "http://" + st.httpAddr
	if host != "" {
		_, port, _ := net.SplitHostPort(st.httpAddr)
		base = "http://" + net.JoinHostPort(host, port)
	}
	st.env = append(append(st.env, "FOLIO_BASE_URL="+base, "FOLIO_ENV=dev"), envFor(base)...)
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
	return &browserStack{node: node, chromium: chromium, root: root, base: base, app: app, st: st}
}

// run runs web/e2e/script with env added; screenshots go to .data/e2e.
func (b *browserStack) run(t *testing.T, script string, env ...string) {
	t.Helper()
	artifacts := filepath.Join(b.root, ".data", "e2e")
	cmd := exec.Command(b.node, filepath.Join(b.root, "web/e2e", script))
	cmd.Dir = filepath.Join(b.root, "web/e2e")
	cmd.Env = append(append(os.Environ(), "BASE_URL="+b.base, "ARTIFACTS="+artifacts, "CHROMIUM="+b.chromium), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s failed: %v\n%s\n--- folio dev output ---\n%s", script, err, out, b.app.output)
	}
	t.Logf("%s\nscreenshots in %s", out, artifacts)
}
