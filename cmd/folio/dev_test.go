package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `folio dev` after `folio seed`, on a machine without internet: every
// featured project of the demo portfolio has a live demo link, and every
// badge turns "up" once the first round of checks has run.
func TestDevDemoPortfolioIsAliveOffline(t *testing.T) {
	st := newStack(t, time.Second)
	base := "http://" + st.httpAddr
	st.env = append(st.env, "FOLIO_ENV=dev", "FOLIO_BASE_URL="+base, "FOLIO_DEV_DEMOS_ADDR="+freeAddr(t))
	// Seed without ffmpeg on the PATH: no screencasts to make, the same
	// projects and links.
	seedEnv := append(append([]string(nil), st.env...), "PATH="+t.TempDir())
	saved := st.env
	st.env = seedEnv
	st.run(t, "seed")
	st.env = saved
	dev := st.start(t, "dev")

	var page string
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("folio dev output:\n%s\n/demo:\n%s", dev.output, page)
		}
	})
	poll(t, "four featured demos up", 90*time.Second, func() bool {
		resp, err := http.Get(base + "/demo")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page = string(b)
		return resp.StatusCode == http.StatusOK && strings.Count(page, `class="badge up"`) == 4
	})
	if n := strings.Count(page, ">Live demo</a>"); n != 4 {
		t.Errorf("%d live demo links on /demo, want 4", n)
	}
	// The demo links (through Folio's counting redirect) reach the apps.
	links := regexp.MustCompile(`href="([^"]+/go/demo)"`).FindAllStringSubmatch(page, -1)
	if len(links) != 4 {
		t.Fatalf("%d live demo links, want 4", len(links))
	}
	for _, l := range links {
		resp, err := http.Get(base + l[1])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s ended at %s with %d", l[1], resp.Request.URL, resp.StatusCode)
		}
	}
	dev.stop(t, 20*time.Second)
}
