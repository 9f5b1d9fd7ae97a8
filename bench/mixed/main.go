// Command mixed sends the public mix of issue 19 at a fixed rate with
// vegeta (open loop: a slow answer does not slow the sender): 70%
// portfolio pages and 20% project pages over uniformly chosen handles, 10%
// explore searches. It prints the error rate, the status codes and the
// latency percentiles. bench/scale.sh runs it against generated data.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "Folio's base URL")
	users := flag.Int("users", 10000, "handles user1..userN to choose from")
	rate := flag.Int("rate", 500, "requests per second")
	duration := flag.Duration("duration", 10*time.Minute, "how long")
	flag.Parse()
	if err := run(strings.TrimRight(*base, "/"), *users, *rate, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "mixed:", err)
		os.Exit(1)
	}
}

// searches are the explore requests: common, rare and absent words and
// tags, and both together (the words bench/scale generates).
var searches = []string{"q=service", "q=quasar", "q=zyzzyva", "tag=go", "tag=cobol", "q=service&tag=rust", "", "tag=Kotlin"}

// A browser's User-Agent, so that analytics count the requests as people.
const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

func run(base string, users, rate int, duration time.Duration) error {
	header := http.Header{"User-Agent": {userAgent}}
	targeter := func(t *vegeta.Target) error {
		t.Method, t.Header = http.MethodGet, header
		// Drafts-only portfolios (every tenth user) answer 404 by design:
		// they are skipped, so any error is Folio's.
		u := 1 + rand.IntN(users)
		for u%10 == 0 {
			u = 1 + rand.IntN(users)
		}
		switch r := rand.IntN(100); {
		case r < 70:
			t.URL = fmt.Sprintf("%s/user%d", base, u)
		case r < 90:
			t.URL = fmt.Sprintf("%s/user%d/project-%d", base, u, 1+rand.IntN(4))
		default:
			t.URL = base + "/explore?" + searches[rand.IntN(len(searches))]
		}
		return nil
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.MaxWorkers(2000), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	var lat []time.Duration
	// Where the slow answers are: per stretch of the run (a cold start
	// shows in the first) and per kind of page.
	stretch := max(duration/10, time.Second)
	byTime := map[int]*sample{}
	byKind := map[string]*sample{}
	start := time.Now()
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: rate, Per: time.Second}, duration, "mixed") {
		m.Add(res)
		lat = append(lat, res.Latency)
		bucket := int(res.Timestamp.Sub(start) / stretch)
		getSample(byTime, bucket).add(res)
		getSample(byKind, kindOf(res.URL)).add(res)
	}
	m.Close()
	slices.Sort(lat)
	pct := func(p float64) float64 { return percentile(lat, p) }
	codes := make([]string, 0, len(m.StatusCodes))
	for code, n := range m.StatusCodes {
		codes = append(codes, fmt.Sprintf("%s:%d", code, n))
	}
	slices.Sort(codes)
	fmt.Printf("mixed load, %d req/s for %s over %d handles (%.0f s wall): %d requests, %.2f%% errors [%s]; p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		rate, duration, users, time.Since(start).Seconds(), m.Requests, 100*(1-m.Success), strings.Join(codes, " "), pct(0.5), pct(0.99), pct(1))
	for i := 0; i < len(byTime); i++ {
		if s := byTime[i]; s != nil {
			fmt.Printf("  %4.0f-%4.0f s  %s\n", (time.Duration(i) * stretch).Seconds(), (time.Duration(i+1) * stretch).Seconds(), s)
		}
	}
	for _, k := range []string{"portfolio", "project", "explore"} {
		if s := byKind[k]; s != nil {
			fmt.Printf("  %-10s  %s\n", k, s)
		}
	}
	return nil
}

// sample is the answers of one stretch of the run or one kind of page.
type sample struct {
	lat    []time.Duration
	errors int
}

func getSample[K comparable](m map[K]*sample, k K) *sample {
	if m[k] == nil {
		m[k] = &sample{}
	}
	return m[k]
}

func (s *sample) add(res *vegeta.Result) {
	s.lat = append(s.lat, res.Latency)
	if res.Code < 200 || res.Code > 299 {
		s.errors++
	}
}

func (s *sample) String() string {
	slices.Sort(s.lat)
	return fmt.Sprintf("%7d requests %6d errors  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms",
		len(s.lat), s.errors, percentile(s.lat, .5), percentile(s.lat, .99), percentile(s.lat, 1))
}

func percentile(sorted []time.Duration, p float64) float64 {
	return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000
}

// kindOf names the part of the mix a request URL belongs to.
func kindOf(url string) string {
	switch {
	case strings.Contains(url, "/explore"):
		return "explore"
	case strings.Contains(url, "/project-"):
		return "project"
	}
	return "portfolio"
}
