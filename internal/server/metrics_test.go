package server_test

import (
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/server"
)

// fasthttp reuses its request buffers; a label value that points into one
// changes under the registry (GET becomes GETCH after a PATCH), and two
// series that end up with the same labels make every scrape fail.
func TestMetricLabelsOutliveTheRequest(t *testing.T) {
	t.Parallel()
	reg := metrics.New()
	srv := server.New(server.Options{Metrics: reg, MaxBodyBytes: 1 << 20, Logger: quietLogger})
	methods := []string{"GET", "PATCH", "POST", "DELETE", "PUT", "HEAD", "OPTIONS"}
	paths := []string{"/healthz", "/api/openapi.json", "/nowhere/at/all"}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				method, path := methods[(w+i)%len(methods)], paths[(w*7+i)%len(paths)]
				resp, err := srv.App().Test(httptest.NewRequest(method, path, nil), -1)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()

	families, err := reg.Registry.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	valid := map[string]bool{}
	for _, m := range methods {
		valid[m] = true
	}
	seen := 0
	for _, f := range families {
		if f.GetName() != "folio_http_requests_total" && f.GetName() != "folio_http_request_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "method" && !valid[l.GetValue()] {
					t.Errorf("%s has method label %q", f.GetName(), l.GetValue())
				}
				if l.GetName() == "route" && l.GetValue() != "/healthz" && l.GetValue() != "/api/openapi.json" && l.GetValue() != "/" {
					t.Errorf("%s has route label %q", f.GetName(), l.GetValue())
				}
			}
			seen++
		}
	}
	if seen == 0 {
		t.Fatal("no HTTP series recorded")
	}
}
