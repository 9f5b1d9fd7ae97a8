package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestListenerServesMetricsHealthAndProfiles(t *testing.T) {
	m := New()
	m.HTTPRequests.WithLabelValues("/x", "GET", CodeClass(404)).Inc()
	srv, err := m.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	defer srv.Shutdown(context.Background())
	for path, want := range map[string]string{
		"/metrics":      `folio_http_requests_total{code="4xx",method="GET",route="/x"} 1`,
		"/healthz":      "ok",
		"/debug/pprof/": "goroutine",
	} {
		resp, err := http.Get("http://" + srv.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d, want %q in the body", path, resp.StatusCode, want)
		}
	}
	if CodeClass(200) != "2xx" || CodeClass(99) != "unknown" {
		t.Error("CodeClass")
	}
}
