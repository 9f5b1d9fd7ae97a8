package ratelimit

import (
	"strings"
	"sync"
	"time"
)

// IPWindow counts requests per client IP in fixed windows of the limit's
// period, in the process: the public-page limit stops scrapers without a
// Redis round trip per page view. With several replicas a client may get
// the limit once per replica, which is still far below what scraping
// needs. A nil IPWindow, or one with a zero rate, allows everything; it is
// safe for concurrent use.
type IPWindow struct {
	limit  Limit
	mu     sync.Mutex
	start  time.Time
	counts map[string]int
}

// NewIPWindow returns a window that allows lim.Rate requests per IP in
// each lim.Period.
func NewIPWindow(lim Limit) *IPWindow { return &IPWindow{limit: lim} }

// Allow counts one request from ip and reports whether it is within the
// limit; when it is not, retryAfter says when the window ends.
func (w *IPWindow) Allow(ip string) (ok bool, retryAfter time.Duration) {
	if w == nil || w.limit.Rate == 0 {
		return true, 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.counts == nil || now.Sub(w.start) >= w.limit.Period {
		w.start, w.counts = now, map[string]int{}
	}
	n := w.counts[ip] + 1
	if n == 1 {
		ip = strings.Clone(ip) // a new key must not point into a request buffer
	}
	w.counts[ip] = n
	if n > w.limit.Rate {
		return false, w.limit.Period - now.Sub(w.start)
	}
	return true, 0
}
