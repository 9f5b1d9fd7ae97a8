// Package health checks the dependencies Folio cannot serve without.
package health

import (
	"context"
	"sync"
	"time"
)

// Check pings one dependency.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Report is the outcome of running every check. Errors holds the detail
// of each failure for the logs; it is not meant for clients.
type Report struct {
	OK      bool
	Status  map[string]string // name → "ok" or "unavailable"
	Failing []string          // names, in the order the checks were given
	Errors  map[string]error
}

// Run pings every dependency at once, each bounded by timeout.
func Run(ctx context.Context, timeout time.Duration, checks []Check) Report {
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			errs[i] = c.Ping(cctx)
		}()
	}
	wg.Wait()
	r := Report{OK: true, Status: map[string]string{}, Errors: map[string]error{}}
	for i, c := range checks {
		if errs[i] != nil {
			r.OK = false
			r.Status[c.Name] = "unavailable"
			r.Failing = append(r.Failing, c.Name)
			r.Errors[c.Name] = errs[i]
			continue
		}
		r.Status[c.Name] = "ok"
	}
	return r
}
