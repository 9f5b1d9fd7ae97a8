// Command paced sends GET requests at a fixed rate (not as fast as
// possible, as wrk does) and reports latency percentiles: "p99 at 1,000
// requests/s" needs an open-loop load, where a slow answer does not slow
// the sender down.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "what to GET")
	rate := flag.Int("rate", 1000, "requests per second")
	duration := flag.Duration("duration", 10*time.Second, "how long")
	flag.Parse()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	failed := 0
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	defer tick.Stop()
	end := time.Now().Add(*duration)
	for now := range tick.C {
		if now.After(end) {
			break
		}
		wg.Add(1)
		go func(start time.Time) {
			defer wg.Done()
			resp, err := client.Get(*url)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			d := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || resp.StatusCode != 200 {
				failed++
				return
			}
			lat = append(lat, d)
		}(now)
	}
	wg.Wait()
	if len(lat) == 0 {
		fmt.Fprintln(os.Stderr, "paced: no successful requests")
		os.Exit(1)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	fmt.Printf("%d req/s for %s: %d ok, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		*rate, *duration, len(lat), failed, pct(0.5), pct(0.99), pct(1))
}
