package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/testenv"
)

// How much a real API process's memory may grow while thirty uploads of
// one account have sent 15 MiB each and stalled. Before uploads were
// bounded it grew by about 450 MiB, to near the 512 MiB limit of
// deploy/k8s/api.yaml. (Measured as growth from the idle process: the
// idle size moves with everything Folio loads at start, such as its
// templates in every language.)
const stalledRSSGrowthLimit = 100 << 20

// Thirty uploads from one account send 15 MiB each and then send nothing:
// the API refuses all but its per-account limit at once, holds one part
// buffer for each of the others, keeps answering other requests quickly,
// and cuts the stalled ones after the body idle timeout, keeping nothing.
func TestStalledUploadsKeepMemoryFlat(t *testing.T) {
	const uploads, sent, idle = 30, 15 << 20, 8 * time.Second
	st := newStack(t, 5*time.Second)
	st.env = append(st.env, "FOLIO_HTTP_BODY_IDLE_TIMEOUT="+idle.String())
	api := st.start(t, "serve")
	base := "http://" + st.httpAddr
	poll(t, "the API to be ready", 15*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	token, projectID := st.account(t, base)
	// The high-water mark so far: the start parses every template.
	_, idleRSS := memory(t, api.cmd.Process.Pid)
	head, _ := os.ReadFile(testenv.Video(t, 160, 120, 1))
	body := append(head, make([]byte, sent-len(head))...)

	type result struct {
		status     int
		retryAfter string
		after      time.Duration
	}
	results := make([]result, uploads)
	var sending, answered sync.WaitGroup
	start := time.Now()
	for i := range uploads {
		c, err := net.Dial("tcp", st.httpAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /api/v1/projects/%d/media?kind=screencast HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: video/mp4\r\nContent-Length: %d\r\n\r\n", projectID, st.httpAddr, token, 20<<20)
		sending.Add(1)
		go func() {
			defer sending.Done()
			_, _ = c.Write(body) // a refused upload's connection is closed mid-write
		}()
		answered.Add(1)
		go func() {
			defer answered.Done()
			_ = c.SetReadDeadline(time.Now().Add(idle + time.Minute))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				results[i] = result{status: -1, after: time.Since(start)}
				return
			}
			resp.Body.Close()
			results[i] = result{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), after: time.Since(start)}
		}()
	}
	sending.Wait()
	sentIn := time.Since(start)

	// Other requests while the uploads stall.
	var slowest time.Duration
	for range 20 {
		for _, path := range []string{"/readyz", "/api/v1/me", "/api/v1/projects"} {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			t0 := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("GET %s during the stall: %v", path, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			slowest = max(slowest, time.Since(t0))
			if resp.StatusCode != 200 {
				t.Errorf("GET %s during the stall: %d", path, resp.StatusCode)
			}
		}
	}
	rss, peak := memory(t, api.cmd.Process.Pid)
	t.Logf("%d uploads sent %d MiB each in %s and stalled: API RSS %.1f MiB (peak %.1f MiB before), peak %.1f MiB; slowest of 60 other requests %s",
		uploads, sent>>20, sentIn.Round(time.Millisecond), float64(rss)/(1<<20), float64(idleRSS)/(1<<20), float64(peak)/(1<<20), slowest.Round(time.Microsecond))
	if peak-idleRSS > stalledRSSGrowthLimit {
		t.Errorf("RSS grew by %.1f MiB to a peak of %.1f MiB, want under %d MiB of growth", float64(peak-idleRSS)/(1<<20), float64(peak)/(1<<20), stalledRSSGrowthLimit>>20)
	}
	if slowest > 500*time.Millisecond {
		t.Errorf("another request took %s during the stall", slowest)
	}

	answered.Wait()
	statuses := map[int]int{}
	for _, r := range results {
		statuses[r.status]++
		if r.status == 429 && (r.retryAfter == "" || r.after > 5*time.Second) {
			t.Errorf("a refused upload: 429 after %s, Retry-After %q; want it at once, with a Retry-After", r.after, r.retryAfter)
		}
		if r.status == 408 && r.after > sentIn+idle+5*time.Second {
			t.Errorf("a stalled upload was cut after %s; the idle timeout is %s", r.after-sentIn, idle)
		}
	}
	t.Logf("answers: %v", statuses)
	if statuses[429] != uploads-3 || statuses[408] != 3 {
		t.Errorf("answers %v, want %d × 429 (over the per-account limit) and 3 × 408 (cut when idle)", statuses, uploads-3)
	}
	keys, _ := st.store.Keys(t.Context(), "media/")
	ups, _ := st.store.IncompleteUploads(t.Context(), "media/")
	if len(keys) != 0 || len(ups) != 0 {
		t.Errorf("left behind: objects %v, multipart uploads %v", keys, ups)
	}
	if out := api.output.String(); strings.Contains(out, "panic") {
		t.Errorf("the API panicked:\n%s", out)
	}
}

// account registers a user through the API and creates a project; it
// returns the user's token and the project's id.
func (st *stack) account(t *testing.T, base string) (string, int64) {
	t.Helper()
	call := func(path, token string, in any) map[string]any {
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
		}
		return out
	}
	call("/api/v1/auth/register", "", map[string]string{"email": "ada@example.com", "password": "correct horse battery", "handle": "ada", "display_name": "Ada"})
	token := call("/api/v1/auth/login", "", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})["token"].(string)
	project := call("/api/v1/projects", token, map[string]string{"title": "Orders"})
	return token, int64(project["id"].(float64))
}

// memory returns a process's resident set and its high-water mark, in bytes.
func memory(t *testing.T, pid int) (rss, peak int64) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		name, value, _ := strings.Cut(line, ":")
		var kb int64
		fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(value), " kB"), &kb)
		if i := slices.Index([]string{"VmRSS", "VmHWM"}, name); i == 0 {
			rss = kb << 10
		} else if i == 1 {
			peak = kb << 10
		}
	}
	return rss, peak
}
