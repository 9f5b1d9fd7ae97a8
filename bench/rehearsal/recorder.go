package main

import (
	"errors"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// phase is a stretch of the run between two faults.
type phase struct {
	Name  string
	Start time.Duration // since the run began
}

// fault is one injected failure and what was seen of its recovery.
type fault struct {
	Name    string
	At      time.Duration
	Detail  string
	Milests []milestone // e.g. "sentinel promoted the replica"
}

type milestone struct {
	What  string
	After time.Duration // since the fault
}

// recorder keeps every outcome by phase and source, and each failure's
// time, so that errors per phase and recovery times come out of one place.
type recorder struct {
	start time.Time

	mu       sync.Mutex
	phases   []phase
	faults   []*fault
	counts   map[string]map[string]map[string]int // phase → source → outcome → n
	failures map[string][]time.Duration           // source → times of failures
	success  map[string][]time.Duration           // source → times of successes (probes only)
}

func newRecorder() *recorder {
	return &recorder{phases: []phase{{Name: "baseline"}}, counts: map[string]map[string]map[string]int{},
		failures: map[string][]time.Duration{}, success: map[string][]time.Duration{}}
}

func (r *recorder) since(t time.Time) time.Duration { return t.Sub(r.start) }

// phaseAt names the phase a moment falls in.
func (r *recorder) phaseAt(at time.Duration) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.phaseAtLocked(at)
}

func (r *recorder) phaseAtLocked(at time.Duration) string {
	name := r.phases[0].Name
	for _, p := range r.phases {
		if at >= p.Start {
			name = p.Name
		}
	}
	return name
}

// beginFault records a fault and starts its phase.
func (r *recorder) beginFault(name, detail string) *fault {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := &fault{Name: name, At: time.Since(r.start), Detail: detail}
	r.faults = append(r.faults, f)
	r.phases = append(r.phases, phase{Name: name, Start: f.At})
	return f
}

func (r *recorder) milestone(f *fault, what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f.Milests = append(f.Milests, milestone{What: what, After: time.Since(r.start) - f.At})
}

// note counts one outcome of a source ("pages", "uploads"...) at a moment;
// ok outcomes count as successes, others as failures.
func (r *recorder) note(source string, at time.Duration, outcome string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ph := r.phaseAtLocked(at)
	if r.counts[ph] == nil {
		r.counts[ph] = map[string]map[string]int{}
	}
	if r.counts[ph][source] == nil {
		r.counts[ph][source] = map[string]int{}
	}
	r.counts[ph][source][outcome]++
	if ok {
		if strings.HasPrefix(source, "probe") {
			r.success[source] = append(r.success[source], at)
		}
		return
	}
	r.failures[source] = append(r.failures[source], at)
}

// lastFailure is the last failure of any source (but skip) in [from, to).
func (r *recorder) lastFailure(from, to time.Duration, skip func(string) bool) (time.Duration, string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var last time.Duration
	var src string
	found := false
	for s, times := range r.failures {
		if skip != nil && skip(s) {
			continue
		}
		for _, t := range times {
			if t >= from && t < to && (!found || t > last) {
				last, src, found = t, s, true
			}
		}
	}
	return last, src, found
}

// failuresIn counts the failures of each source in [from, to).
func (r *recorder) failuresIn(from, to time.Duration) map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for s, times := range r.failures {
		for _, t := range times {
			if t >= from && t < to {
				out[s]++
			}
		}
	}
	return out
}

// outcome names the result of an HTTP exchange: its status code, or the
// kind of network error.
func outcome(code int, err error) (string, bool) {
	if err != nil {
		msg := err.Error()
		var ne net.Error
		switch {
		case errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(msg, "connection refused"):
			return "connection refused", false
		case errors.Is(err, syscall.ECONNRESET) || strings.Contains(msg, "connection reset"):
			return "connection reset", false
		case errors.As(err, &ne) && ne.Timeout() || strings.Contains(msg, "deadline exceeded") || strings.Contains(msg, "timeout"):
			return "timeout", false
		case strings.Contains(msg, "EOF"):
			return "connection closed", false
		}
		return "error: " + msg, false
	}
	return strconv.Itoa(code), code >= 200 && code < 300
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
