package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
)

// A per-IP limit behind a trusted proxy counts each visitor (the address
// the proxy appended to X-Forwarded-For); from anyone else the header is
// ignored, so a visitor cannot pick a fresh address per request.
func TestTrustedProxiesDecideTheClientAddress(t *testing.T) {
	limit := ratelimit.Limit{Rate: 2, Period: time.Minute}
	for _, tc := range []struct {
		name    string
		trusted []string
	}{{"trusted", []string{"127.0.0.0/8"}}, {"untrusted", nil}, {"other proxy", []string{"10.0.0.0/8"}}} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, func(o *server.Options, _ *bun.DB) { o.PublicLimit, o.TrustedProxies = limit, tc.trusted })
			base := a.listen()
			get := func(xff string) int {
				r, _ := http.NewRequest("GET", base+"/api/v1/auth/providers", nil)
				r.Header.Set("X-Forwarded-For", xff)
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			// The visitor forges a first hop; the proxy appends what it saw.
			got := []int{get("6.6.6.6, 203.0.113.1"), get("7.7.7.7, 203.0.113.1"), get("203.0.113.2"), get("8.8.8.8, 203.0.113.1")}
			want := []int{200, 200, 429, 429} // every request is the proxy's (127.0.0.1)
			if tc.trusted != nil && tc.name == "trusted" {
				want = []int{200, 200, 200, 429} // 203.0.113.1 twice, .2 once, .1 a third time
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("statuses %v, want %v", got, want)
				}
			}
		})
	}
}
