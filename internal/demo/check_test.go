package demo_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/demo"
)

// countingServer is a test server that counts the connections it accepts,
// to prove that a refused target was never contacted.
type countingServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newCountingServer(t *testing.T, network, addr string, h http.Handler) *countingServer {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	cs := &countingServer{Server: httptest.NewUnstartedServer(h)}
	cs.Listener = ln
	cs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			cs.conns.Add(1)
		}
	}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

func ok(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.UserAgent(), "Folio") {
		http.Error(w, "who are you", 400)
		return
	}
	w.Write([]byte(strings.Repeat("<p>hello</p>", 10000)))
}

func TestChecksAgainstLocalServers(t *testing.T) {
	// Only the slow server needs a short timeout; the others get time
	// enough for a TLS handshake on a busy machine under -race.
	checker, impatient := demo.NewChecker(10*time.Second, true), demo.NewChecker(500*time.Millisecond, true)
	ctx := context.Background()
	up := httptest.NewServer(http.HandlerFunc(ok))
	defer up.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", 500) }))
	defer broken.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	var chain *httptest.Server
	chain = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, chain.URL+"/c", http.StatusMovedPermanently)
		case "/c":
			http.Redirect(w, r, "/done", http.StatusTemporaryRedirect)
		case "/done":
			ok(w, r)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		}
	}))
	defer chain.Close()
	tlsServer := httptest.NewTLSServer(http.HandlerFunc(ok))
	defer tlsServer.Close()

	tests := []struct {
		name, url string
		up        bool
		class     string
		words     string
	}{
		{"up", up.URL, true, "", ""},
		{"500", broken.URL, false, demo.ClassHTTP, "HTTP 500"},
		{"slow", slow.URL, false, demo.ClassTimeout, "No answer within"},
		{"redirect chain", chain.URL + "/a", true, "", ""},
		{"redirect loop", chain.URL + "/loop", true, "", ""}, // the last 3xx still answers
		{"self-signed TLS", tlsServer.URL, false, demo.ClassTLS, "not signed by a trusted authority"},
		{"nothing listening", "http://127.0.0.1:1/", false, demo.ClassConnect, "refused"},
		{"unknown name", "http://no-such-host.invalid/", false, demo.ClassDNS, "DNS"},
		{"not http", "ftp://example.com/", false, demo.ClassInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checker
			if tt.class == demo.ClassTimeout {
				c = impatient
			}
			res := c.Check(ctx, tt.url)
			if res.Up != tt.up || res.ErrorClass != tt.class || !strings.Contains(res.Error, tt.words) {
				t.Errorf("got up=%v class=%q error=%q, want up=%v class=%q containing %q", res.Up, res.ErrorClass, res.Error, tt.up, tt.class, tt.words)
			}
			if tt.up && (res.StatusCode < 200 || res.StatusCode >= 400) {
				t.Errorf("status %d", res.StatusCode)
			}
		})
	}
	if res := checker.Check(ctx, chain.URL+"/a"); res.FinalURL != chain.URL+"/done" {
		t.Errorf("final URL %q", res.FinalURL)
	}
	if res := impatient.Check(ctx, slow.URL); res.Latency > 2*time.Second {
		t.Errorf("a slow demo held the check for %s", res.Latency)
	}
}

func TestRefusedTargetsAreNeverContacted(t *testing.T) {
	checker := demo.NewChecker(2*time.Second, false)
	ctx := context.Background()
	v4 := newCountingServer(t, "tcp4", "127.0.0.1:0", http.HandlerFunc(ok))
	targets := []string{
		v4.URL,
		"http://localhost:" + v4.URL[strings.LastIndex(v4.URL, ":")+1:] + "/", // a name that resolves to loopback
		"http://10.0.0.1/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[::ffff:127.0.0.1]:" + v4.URL[strings.LastIndex(v4.URL, ":")+1:] + "/",
		"http://100.64.0.1/",
		"http://0.0.0.0/",
		"http://[::127.0.0.1]:" + v4.URL[strings.LastIndex(v4.URL, ":")+1:] + "/", // IPv4-compatible loopback
		"http://203.0.113.9/",
	}
	var v6 *countingServer
	if ln, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		ln.Close()
		v6 = newCountingServer(t, "tcp6", "[::1]:0", http.HandlerFunc(ok))
		targets = append(targets, v6.URL)
	}
	for _, target := range targets {
		start := time.Now()
		res := checker.Check(ctx, target)
		if res.Up || res.ErrorClass != demo.ClassBlocked {
			t.Errorf("%s: up=%v class=%q (%s), want blocked", target, res.Up, res.ErrorClass, res.Error)
		}
		if time.Since(start) > time.Second {
			t.Errorf("%s: refusing took %s; it must not wait for a connection", target, time.Since(start))
		}
	}
	if n := v4.conns.Load(); n != 0 {
		t.Errorf("the loopback server was contacted %d times", n)
	}
	if v6 != nil && v6.conns.Load() != 0 {
		t.Errorf("the [::1] server was contacted %d times", v6.conns.Load())
	}
}

func TestRedirectFromAnAllowedHostToLoopbackIsRefused(t *testing.T) {
	inner := newCountingServer(t, "tcp4", "127.0.0.1:0", http.HandlerFunc(ok))
	outer := newCountingServer(t, "tcp4", "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/admin", http.StatusFound)
	}))
	checker := demo.NewCheckerExempting(2*time.Second, strings.TrimPrefix(outer.URL, "http://"))
	res := checker.Check(context.Background(), outer.URL)
	if res.Up || res.ErrorClass != demo.ClassBlocked {
		t.Errorf("redirect to loopback: up=%v class=%q %s", res.Up, res.ErrorClass, res.Error)
	}
	if outer.conns.Load() != 1 || inner.conns.Load() != 0 {
		t.Errorf("connections: allowed host %d (want 1), loopback target %d (want 0)", outer.conns.Load(), inner.conns.Load())
	}
}

func TestCheckAddr(t *testing.T) {
	for addr, allowed := range map[string]bool{
		"8.8.8.8": true, "1.1.1.1": true, "2606:4700:4700::1111": true,
		"127.0.0.1": false, "127.9.9.9": false, "::1": false, "10.0.0.1": false, "172.16.5.4": false,
		"192.168.1.1": false, "fd12::1": false, "169.254.169.254": false, "fe80::1": false,
		"100.64.0.1": false, "224.0.0.1": false, "ff02::1": false, "0.0.0.0": false, "::": false,
		"::ffff:127.0.0.1": false, "::ffff:10.1.2.3": false, "::ffff:169.254.169.254": false,
		"64:ff9b::7f00:1": false, "2002:7f00:1::": false, "255.255.255.255": false,
		// Documentation, benchmarking and IPv4-compatible addresses.
		"192.0.2.1": false, "198.51.100.7": false, "203.0.113.200": false, "198.18.0.1": false, "198.19.255.254": false,
		"::7f00:1": false, "::a00:1": false, "::8.8.8.8": false, "::ffff:192.0.2.1": false,
		"2001:db8::1": false, "3fff::1": false, "2001:2::1": false, "2001:0:4136:e378:8000:63bf:3fff:fdd2": false,
		"192.88.99.1": false,
		// Their neighbours are public.
		"192.0.3.1": true, "198.51.101.1": true, "203.0.114.1": true, "198.20.0.1": true, "198.17.255.254": true,
		"2001:4860:4860::8888": true,
	} {
		err := demo.CheckAddr(netip.MustParseAddr(addr))
		if (err == nil) != allowed {
			t.Errorf("%s: err=%v, want allowed=%v", addr, err, allowed)
		}
	}
	control := demo.ControlFunc(false, nil)
	if err := control("tcp", "8.8.8.8:443", nil); err != nil {
		t.Errorf("public address on 443: %v", err)
	}
	if err := control("tcp", "8.8.8.8:8080", nil); err == nil {
		t.Error("port 8080 must be refused unless private targets are allowed")
	}
	if err := demo.ControlFunc(true, nil)("tcp", "10.0.0.1:8080", nil); err != nil {
		t.Errorf("FOLIO_DEMO_ALLOW_PRIVATE lifts the rules: %v", err)
	}
}
