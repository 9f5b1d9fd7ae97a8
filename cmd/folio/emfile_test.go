package main

import (
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Out of file descriptors, `folio serve` keeps running: accept fails with
// EMFILE while clients hold every descriptor, and serving resumes when
// they let go (fasthttp alone treats the error as fatal and exits).
func TestServeSurvivesRunningOutOfFileDescriptors(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Fatal("this test needs prlimit (util-linux)")
	}
	st := newStack(t, time.Second)
	st.env = append(st.env, "FOLIO_DB_MAX_CONNS=4", "FOLIO_ANALYTICS=false")
	p := st.startCmd(t, exec.Command(prlimit, "--nofile=64:64", folioBinary(t), "serve"))
	ready := func() bool {
		resp, err := http.Get("http://" + st.httpAddr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}
	poll(t, "serve ready", 20*time.Second, ready)

	// Hold more connections than the process has descriptors.
	var conns []net.Conn
	for range 100 {
		c, err := net.DialTimeout("tcp", st.httpAddr, time.Second)
		if err != nil {
			break // the backlog is full too
		}
		conns = append(conns, c)
	}
	exited := func() bool {
		select {
		case err := <-p.done:
			p.done <- err
			return true
		default:
			return false
		}
	}
	poll(t, "an accept error", 20*time.Second, func() bool { return exited() || strings.Contains(p.output.String(), "accept failed") })
	if exited() {
		t.Fatalf("serve exited on EMFILE\n%s", p.output)
	}
	for _, c := range conns {
		c.Close()
	}
	poll(t, "serving again", 20*time.Second, ready)
	p.stop(t, 10*time.Second)
}
