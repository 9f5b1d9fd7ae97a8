// Package replicas spreads the public pages' reads over PostgreSQL read
// replicas (streaming standbys) and keeps a replica that lags or fails out
// of rotation.
//
// How far behind a replica is, is measured against the primary rather than
// read from the replica's replay timestamp (which only moves when the
// primary writes, so an idle primary would look like a lagging replica):
// every Interval the primary's current WAL insert position (which, unlike
// the write position, includes asynchronous commits not yet written out)
// is noted with the time;
// a replica that has replayed position P holds everything the primary had
// at the last noted time whose position is at most P, so its staleness is
// how long ago that was. Above MaxLag, or when it does not answer, the
// replica takes no reads until a later check finds it caught up.
//
// Only requests marked by readpref.Replica read a replica (see Users and
// the other wrappers in services.go); a read that fails on a replica is
// answered by the primary, and the replica is out until it passes a check.
package replicas

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
)

// Options configure a Set.
type Options struct {
	// URLs are the replicas' connection strings.
	URLs []string
	// Pool sizes each replica's pool (as the primary's).
	Pool postgres.Pool
	// MaxLag is the most a replica may be behind the primary and still
	// take reads. 0: 5 s.
	MaxLag time.Duration
	// Interval is how often replicas are checked. 0: 1 s.
	Interval time.Duration
	Logger   *slog.Logger // nil: slog.Default()
}

// Set is the replicas of one primary.
type Set struct {
	primary  *bun.DB
	members  []*member
	next     atomic.Uint64
	maxLag   time.Duration
	interval time.Duration
	log      *slog.Logger

	mu      sync.Mutex
	history []mark // the primary's WAL positions, oldest first, over MaxLag
}

type mark struct {
	at  time.Time
	lsn uint64
}

type member struct {
	name    string // host:port, for logs and status; never the password
	db      *bun.DB
	idle    int // the pool's idle size, restored after a flush
	healthy atomic.Bool
	lagNs   atomic.Int64
	mu      sync.Mutex
	reason  string // why it is out of rotation
}

// Status is what a check found about one replica.
type Status struct {
	Name    string
	Healthy bool
	Lag     time.Duration // staleness at the last check
	Reason  string        // why it takes no reads
}

// Open connects to each replica (one that does not answer yet joins the
// set out of rotation, so a replica down at start does not stop Folio),
// checks them once, and returns the set; Run keeps checking. No URLs: a
// set with no replicas, whose reads all go to the primary.
func Open(ctx context.Context, primary *bun.DB, o Options) (*Set, error) {
	if o.MaxLag <= 0 {
		o.MaxLag = 5 * time.Second
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Pool.MaxConns <= 0 {
		o.Pool.MaxConns = 20
	}
	s := &Set{primary: primary, maxLag: o.MaxLag, interval: o.Interval, log: o.Logger}
	for _, raw := range o.URLs {
		name, err := hostOf(raw)
		if err != nil {
			s.Close()
			return nil, err
		}
		db, err := postgres.OpenLazy(raw, o.Pool)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("replicas: %s: %w", name, err)
		}
		m := &member{name: name, db: db, idle: o.Pool.MaxConns, reason: "not checked yet"}
		s.members = append(s.members, m)
	}
	s.Check(ctx)
	return s, nil
}

// hostOf names a replica by its address, never its credentials.
func hostOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("replicas: %q is not a postgres:// URL", redact(raw))
	}
	return u.Host, nil
}

func redact(raw string) string {
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		return "…" + raw[i:]
	}
	return raw
}

// Settle is how long after a change a replica in rotation may still
// answer with the data from before it: a page rendered within that time
// from a replica must not be cached (see pagecache.Cache.Settle).
func (s *Set) Settle() time.Duration { return s.maxLag + s.interval }

// Len is how many replicas the set has, in rotation or not.
func (s *Set) Len() int { return len(s.members) }

// Run checks the replicas every Interval until ctx ends.
func (s *Set) Run(ctx context.Context) {
	if len(s.members) == 0 {
		return
	}
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Check(ctx)
		}
	}
}

// Check notes the primary's WAL position and measures every replica
// against it, taking replicas in or out of rotation.
func (s *Set) Check(ctx context.Context) {
	if len(s.members) == 0 {
		return
	}
	// A replica that cannot answer within MaxLag (connecting included) is
	// no use for reads anyway.
	cctx, cancel := context.WithTimeout(ctx, s.maxLag)
	defer cancel()
	now := time.Now()
	var text string
	if err := s.primary.QueryRowContext(cctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&text); err != nil {
		// Without the primary's position nothing can be measured; the
		// replicas keep their state (the primary's trouble is not theirs).
		s.log.Warn("replicas: reading the primary's WAL position", "err", err)
		return
	}
	lsn, err := parseLSN(text)
	if err != nil {
		s.log.Warn("replicas: reading the primary's WAL position", "err", err)
		return
	}
	s.mu.Lock()
	s.history = append(s.history, mark{at: now, lsn: lsn})
	// Keep what a replica within MaxLag can be measured against, and one
	// older mark: a replica behind all of them is out anyway.
	for len(s.history) > 2 && now.Sub(s.history[1].at) > s.maxLag {
		s.history = s.history[1:]
	}
	history := append([]mark(nil), s.history...)
	s.mu.Unlock()

	var wg sync.WaitGroup
	for _, m := range s.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.measure(cctx, m, now, history)
		}()
	}
	wg.Wait()
}

func (s *Set) measure(ctx context.Context, m *member, now time.Time, history []mark) {
	var recovering bool
	var replayed *string
	if err := m.db.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").Scan(&recovering, &replayed); err != nil {
		s.out(m, "does not answer: "+err.Error())
		return
	}
	if !recovering || replayed == nil {
		// A server that is not replaying WAL is not a replica of this
		// primary any more (a promoted standby, or a primary by mistake).
		s.out(m, "is not in recovery (promoted, or not a replica)")
		return
	}
	pos, err := parseLSN(*replayed)
	if err != nil {
		s.out(m, err.Error())
		return
	}
	stale := time.Duration(-1)
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].lsn <= pos {
			stale = now.Sub(history[i].at)
			break
		}
	}
	if stale < 0 {
		// Behind every position noted: more than MaxLag, or (just after
		// start, with one position noted) not measurable yet.
		m.lagNs.Store(int64(now.Sub(history[0].at)))
		s.out(m, fmt.Sprintf("lags behind the primary's oldest noted position (%s ago; at most %s)", now.Sub(history[0].at).Round(time.Millisecond), s.maxLag))
		return
	}
	if stale > s.maxLag {
		m.lagNs.Store(int64(stale))
		s.out(m, fmt.Sprintf("lags %s behind the primary (at most %s)", stale.Round(time.Millisecond), s.maxLag))
		return
	}
	m.lagNs.Store(int64(stale))
	if !m.healthy.Load() {
		s.log.Info("replicas: replica back in rotation", "replica", m.name, "lag", stale.Round(time.Millisecond))
	}
	m.mu.Lock()
	m.reason = ""
	m.mu.Unlock()
	m.healthy.Store(true)
}

// out takes m out of rotation. Its idle connections are closed, so that
// after a restart it is not first tried over connections that died.
func (s *Set) out(m *member, reason string) {
	m.mu.Lock()
	m.reason = reason
	m.mu.Unlock()
	if m.healthy.Swap(false) {
		s.log.Warn("replicas: replica out of rotation", "replica", m.name, "reason", reason)
		m.db.SetMaxIdleConns(0)
		m.db.SetMaxIdleConns(m.idle)
	}
}

// pick returns a replica in rotation, round robin, or -1 when none is.
func (s *Set) pick() int {
	n := len(s.members)
	if n == 0 {
		return -1
	}
	start := int(s.next.Add(1) % uint64(n))
	for i := range n {
		j := (start + i) % n
		if s.members[j].healthy.Load() {
			return j
		}
	}
	return -1
}

// failed takes replica i out after a read on it failed; the next check
// that finds it well brings it back.
func (s *Set) failed(i int, err error) {
	s.out(s.members[i], "a read failed: "+err.Error())
}

// Status reports every replica as the last check found it.
func (s *Set) Status() []Status {
	out := make([]Status, 0, len(s.members))
	for _, m := range s.members {
		m.mu.Lock()
		reason := m.reason
		m.mu.Unlock()
		out = append(out, Status{Name: m.name, Healthy: m.healthy.Load(), Lag: time.Duration(m.lagNs.Load()), Reason: reason})
	}
	return out
}

// DBs are the replicas' connection pools, in the order of Options.URLs,
// for building a service per replica.
func (s *Set) DBs() []*bun.DB {
	out := make([]*bun.DB, len(s.members))
	for i, m := range s.members {
		out[i] = m.db
	}
	return out
}

// Close closes the replicas' pools (not the primary's).
func (s *Set) Close() {
	for _, m := range s.members {
		m.db.Close()
	}
}

// parseLSN reads PostgreSQL's "X/Y" WAL position.
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("replicas: %q is not a WAL position", s)
	}
	return h<<32 | l, nil
}
