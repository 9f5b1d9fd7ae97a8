package main

import (
	"fmt"
	"strings"
	"time"
)

// report prints the rehearsal's figures and answers whether anything was
// lost.
func report(o options, rec *recorder, load loadResult, led *ledger, v verdict) (lost bool) {
	entries := led.entries()
	fmt.Printf("\n== rehearsal: %d req/s public mix for %s over %d handles (%d requests, p50 %.1f ms, p99 %.1f ms), %d uploaders (one upload every %s each)\n",
		o.rate, o.duration, o.users, load.requests, ms(load.p50), ms(load.p99), o.uploaders, o.uploadEvery)

	rec.mu.Lock()
	phases := append([]phase(nil), rec.phases...)
	faults := append([]*fault(nil), rec.faults...)
	rec.mu.Unlock()
	fmt.Println("\nerrors per phase (non-2xx answers and network errors, by cause):")
	fmt.Printf("  %-22s %-8s %-9s %s\n", "phase", "from", "source", "requests  not ok")
	acked := map[string]int{}
	for _, e := range entries {
		acked[e.Phase]++
	}
	for _, p := range phases {
		rec.mu.Lock()
		bySource := rec.counts[p.Name]
		rec.mu.Unlock()
		for _, src := range []string{"pages", "uploads"} {
			total, bad := 0, []string{}
			for _, k := range sortedKeys(bySource[src]) {
				n := bySource[src][k]
				total += n
				if !(len(k) == 3 && k[0] == '2') {
					bad = append(bad, fmt.Sprintf("%s×%d", k, n))
				}
			}
			extra := ""
			if src == "uploads" {
				extra = fmt.Sprintf("  (%d uploads acknowledged)", acked[p.Name])
			}
			notOK := "0"
			if len(bad) > 0 {
				notOK = strings.Join(bad, ", ")
			}
			fmt.Printf("  %-22s %6.0f s  %-9s %8d  %s%s\n", p.Name, p.Start.Seconds(), src, total, notOK, extra)
		}
	}

	fmt.Println("\nfaults and recovery (time from the fault):")
	end := o.duration
	for i, f := range faults {
		to := end
		if i+1 < len(faults) {
			to = faults[i+1].At
		}
		fmt.Printf("  %6.1f s  %s\n", f.At.Seconds(), f.Detail)
		for _, m := range f.Milests {
			fmt.Printf("             +%.2f s  %s\n", m.After.Seconds(), m.What)
		}
		killedAPI := fmt.Sprintf("probe readyz api%d", len(o.api))
		skipKilled := func(s string) bool { return f.Name == faultAPI && s == killedAPI }
		if last, _, ok := rec.lastFailure(f.At, to, func(s string) bool { return !strings.HasPrefix(s, "probe readyz") || skipKilled(s) }); ok {
			fmt.Printf("             +%.2f s  every running API process ready again (last failed /readyz)\n", (last - f.At).Seconds())
		} else {
			fmt.Printf("             +0 s     every running API process stayed ready\n")
		}
		for _, src := range []string{"pages", "uploads"} {
			if last, _, ok := rec.lastFailure(f.At, to, func(s string) bool { return s != src }); ok {
				fmt.Printf("             +%.2f s  steady state for %s (last failure; %d failed in the phase)\n", (last - f.At).Seconds(), src, rec.failuresIn(f.At, to)[src])
			} else {
				fmt.Printf("             +0 s     no %s request failed\n", src)
			}
		}
	}

	fmt.Println("\nverification:")
	fmt.Printf("  uploads acknowledged: %d (%d streamed, %d direct; %d screencasts)\n", len(entries), count(entries, func(e entry) bool { return e.Method == "stream" }),
		count(entries, func(e entry) bool { return e.Method == "direct" }), count(entries, func(e entry) bool { return e.Kind == "screencast" }))
	fmt.Printf("  processed (ready): %d; failed: %d; never finished: %d; slowest acknowledgement → ready %.1f s (media %d)\n", v.ready, v.failed, v.pending, v.slowest.Seconds(), v.slowestID)
	fmt.Printf("  originals not stored as sent: %d; renditions not downloadable: %d\n", len(v.lostBytes), len(v.undownloaded))
	fmt.Printf("  dead (archived) tasks: %v\n", v.archived)
	fmt.Printf("  public pages after the faults: %d checked, %d not answering 200\n", v.pagesChecked, v.pagesLost)
	for _, l := range [][]string{v.failedWhy, v.lostBytes, v.undownloaded, v.pageLosses} {
		for i, s := range l {
			if i == 10 {
				fmt.Printf("    ... %d more\n", len(l)-10)
				break
			}
			fmt.Println("    " + s)
		}
	}
	lostUploads := len(v.lostBytes) + len(v.undownloaded)
	lostJobs := v.failed + v.pending
	for _, n := range v.archived {
		lostJobs += n
	}
	fmt.Printf("\nlost: uploads %d, jobs %d, pages %d\n", lostUploads, lostJobs, v.pagesLost)
	return lostUploads+lostJobs+v.pagesLost > 0
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func count(es []entry, f func(entry) bool) int {
	n := 0
	for _, e := range es {
		if f(e) {
			n++
		}
	}
	return n
}
