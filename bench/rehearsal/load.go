package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The public mix of issue 19 (as bench/mixed sends it): 70% portfolio
// pages and 20% project pages over uniformly chosen handles, 10% explore.
var searches = []string{"q=service", "q=quasar", "q=zyzzyva", "tag=go", "tag=cobol", "q=service&tag=rust", "", "tag=Kotlin"}

const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

type loadResult struct {
	requests int
	p50, p99 time.Duration
}

// runLoad sends the mix at o.rate for o.duration, open loop, noting every
// result under "pages" in the phase it was sent in.
func runLoad(o options, rec *recorder) loadResult {
	header := http.Header{"User-Agent": {userAgent}}
	targeter := func(t *vegeta.Target) error {
		t.Method, t.Header = http.MethodGet, header
		// Every tenth generated user has drafts only (404 by design).
		u := 1 + rand.IntN(o.users)
		for u%10 == 0 {
			u = 1 + rand.IntN(o.users)
		}
		switch r := rand.IntN(100); {
		case r < 70:
			t.URL = fmt.Sprintf("%s/user%d", o.url, u)
		case r < 90:
			t.URL = fmt.Sprintf("%s/user%d/project-%d", o.url, u, 1+rand.IntN(4))
		default:
			t.URL = o.url + "/explore?" + searches[rand.IntN(len(searches))]
		}
		return nil
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.MaxWorkers(1000), vegeta.KeepAlive(true))
	var lat []time.Duration
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: o.rate, Per: time.Second}, o.duration, "rehearsal") {
		var err error
		if res.Error != "" {
			err = errors.New(res.Error)
		}
		name, ok := outcome(int(res.Code), err)
		if res.Code != 0 {
			name, ok = outcome(int(res.Code), nil)
		}
		rec.note("pages", rec.since(res.Timestamp), name, ok)
		lat = append(lat, res.Latency)
	}
	if len(lat) == 0 {
		return loadResult{}
	}
	slices.Sort(lat)
	return loadResult{requests: len(lat), p50: lat[len(lat)/2], p99: lat[int(0.99*float64(len(lat)-1))]}
}
