package demo_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/demo"
)

// The dev checker reaches the demo apps on loopback, on any port, and
// still refuses every other non-public address before dialling.
func TestDevCheckerAllowsLoopbackOnly(t *testing.T) {
	local := newCountingServer(t, "tcp", "127.0.0.1:0", http.HandlerFunc(ok))
	checker := demo.NewDevChecker(2 * time.Second)
	ctx := context.Background()
	if res := checker.Check(ctx, local.URL); !res.Up {
		t.Errorf("loopback demo: %+v, want up", res)
	}
	for _, target := range []string{"http://10.0.0.1:8080/", "http://169.254.169.254/latest/meta-data/", "http://192.168.1.1/"} {
		if res := checker.Check(ctx, target); res.Up || res.ErrorClass != demo.ClassBlocked {
			t.Errorf("%s: %+v, want blocked", target, res)
		}
	}
	// The production checker refuses the loopback demo.
	if res := demo.NewChecker(2*time.Second, false).Check(ctx, local.URL); res.ErrorClass != demo.ClassBlocked {
		t.Errorf("production checker on loopback: %+v, want blocked", res)
	}
}
