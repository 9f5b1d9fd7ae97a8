package analytics

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// Hit is what the page path hands over: the raw request facts, which live
// only in this process's memory until the background writer has turned
// them into an Event (IP and User-Agent are hashed, then dropped).
type Hit struct {
	At        time.Time
	OwnerID   int64
	ProjectID int64
	Kind      folio.EventKind
	Progress  int
	// ShareLinkID is the tailored link the page was reached through; 0
	// for the public pages.
	ShareLinkID int64

	IP, UserAgent, Referer string
	Source                 string
	// DoNotTrack is set for DNT: 1 or Sec-GPC: 1: the hit still adds to
	// anonymous totals but gets no visitor id.
	DoNotTrack bool
}

// Deduper remembers which (visitor, page) pairs were counted recently.
type Deduper interface {
	// FirstSeen reports, for each key, whether it was not seen within ttl,
	// and marks it seen.
	FirstSeen(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error)
}

// ViewDedupeWindow is how long a second view of the same page by the same
// visitor does not count again.
const ViewDedupeWindow = 30 * time.Minute

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	Store      folio.EventStore
	Salts      *Salts
	Classifier *Classifier
	Dedupe     Deduper // nil: every view counts
	OwnHost    string  // referrers from this host are internal, not counted as sources
	Logger     *slog.Logger

	Buffer        int           // hits held before new ones are dropped; default 10,000
	BatchSize     int           // events per INSERT; default 1,000
	FlushInterval time.Duration // default 1 s: a crash loses at most about this much
}

// Recorder buffers hits and writes them in batches. Track never blocks and
// never touches the network; a full buffer drops the hit and counts it.
type Recorder struct {
	opts RecorderOptions
	log  *slog.Logger
	in   chan Hit

	closeOnce sync.Once
	done      chan struct{}

	// recent remembers views this process counted within the dedupe
	// window, so a reloading visitor costs no Redis round trip; Redis
	// still decides first sightings across replicas. Only the writer
	// goroutine touches it.
	recent map[string]time.Time
	// agents caches User-Agent classifications: a site sees few distinct
	// browsers. Writer goroutine only, bounded by maxAgents.
	agents map[string]agentClass

	dropped, bots, written, failed atomic.Int64
}

// NewRecorder starts the background writer; Close stops it.
func NewRecorder(opts RecorderOptions) *Recorder {
	if opts.Buffer <= 0 {
		opts.Buffer = 10000
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Classifier == nil {
		opts.Classifier = NewClassifier()
	}
	r := &Recorder{opts: opts, log: opts.Logger, in: make(chan Hit, opts.Buffer), done: make(chan struct{}), recent: map[string]time.Time{}, agents: map[string]agentClass{}}
	go r.run()
	return r
}

// Track hands a hit to the background writer. Safe for concurrent use; it
// copies nothing that the caller may reuse (callers pass owned strings).
func (r *Recorder) Track(h Hit) {
	if h.At.IsZero() {
		h.At = time.Now()
	}
	select {
	case r.in <- h:
	default:
		r.dropped.Add(1)
	}
}

// Stats are the recorder's counters since start.
type Stats struct{ Written, Dropped, Bots, Failed int64 }

// Stats returns the counters.
func (r *Recorder) Stats() Stats {
	return Stats{Written: r.written.Load(), Dropped: r.dropped.Load(), Bots: r.bots.Load(), Failed: r.failed.Load()}
}

// Close stops accepting hits, writes everything buffered and returns when
// done or when ctx ends (what is left then is lost, and counted).
func (r *Recorder) Close(ctx context.Context) error {
	r.closeOnce.Do(func() { close(r.in) })
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(r.opts.FlushInterval)
	defer tick.Stop()
	batch := make([]Hit, 0, r.opts.BatchSize)
	for {
		select {
		case h, ok := <-r.in:
			if !ok {
				r.flush(batch)
				return
			}
			batch = append(batch, h)
			if len(batch) >= r.opts.BatchSize {
				r.flush(batch)
				batch = batch[:0]
			}
		case <-tick.C:
			if len(batch) > 0 {
				r.flush(batch)
				batch = batch[:0]
			}
		}
	}
}

// flush turns hits into events and writes them. A failed write is retried
// once; then the batch is dropped and counted, so a database outage costs
// events, never memory.
func (r *Recorder) flush(hits []Hit) {
	if len(hits) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events := r.events(ctx, hits)
	if len(events) == 0 {
		return
	}
	for attempt := 0; attempt < 2; attempt++ {
		err := r.opts.Store.InsertEvents(ctx, events)
		if err == nil {
			r.written.Add(int64(len(events)))
			return
		}
		r.log.Warn("analytics: write events", "events", len(events), "attempt", attempt+1, "error", err)
	}
	r.failed.Add(int64(len(events)))
}

func (r *Recorder) events(ctx context.Context, hits []Hit) []folio.Event {
	salt, err := r.opts.Salts.Current(ctx)
	if err != nil {
		// Without a salt nobody gets an id; totals still count.
		r.log.Warn("analytics: daily salt", "error", err)
	}
	events := make([]folio.Event, 0, len(hits))
	var dedupeKeys []string
	var dedupeAt []int
	for _, h := range hits {
		device, bot := r.classify(h.UserAgent)
		if bot {
			r.bots.Add(1)
			continue
		}
		e := folio.Event{At: h.At, OwnerID: h.OwnerID, ProjectID: h.ProjectID, Kind: h.Kind, Progress: h.Progress,
			Referrer: ReferrerHost(h.Referer, r.opts.OwnHost), Source: h.Source, Device: device, ShareLinkID: h.ShareLinkID}
		if !h.DoNotTrack && salt != nil {
			e.VisitorID = VisitorID(salt, h.IP, h.UserAgent, h.OwnerID)
		}
		if e.Kind == folio.EventView && e.VisitorID != 0 && r.opts.Dedupe != nil {
			key := viewKey(e)
			if seen, ok := r.recent[key]; ok && h.At.Sub(seen) < ViewDedupeWindow {
				continue // a repeat this process already knows of
			}
			r.remember(key, h.At)
			dedupeKeys = append(dedupeKeys, key)
			dedupeAt = append(dedupeAt, len(events))
		}
		events = append(events, e)
	}
	if len(dedupeKeys) == 0 {
		return events
	}
	first, err := r.opts.Dedupe.FirstSeen(ctx, dedupeKeys, ViewDedupeWindow)
	if err != nil || len(first) != len(dedupeKeys) {
		// Counting a repeat view beats losing a view.
		return events
	}
	drop := map[int]bool{}
	for i, ok := range first {
		if !ok {
			drop[dedupeAt[i]] = true
		}
	}
	kept := events[:0]
	for i, e := range events {
		if !drop[i] {
			kept = append(kept, e)
		}
	}
	return kept
}

type agentClass struct {
	device folio.DeviceClass
	bot    bool
}

const maxAgents = 10_000

func (r *Recorder) classify(userAgent string) (folio.DeviceClass, bool) {
	if c, ok := r.agents[userAgent]; ok {
		return c.device, c.bot
	}
	device, bot := r.opts.Classifier.Classify(userAgent)
	if len(r.agents) >= maxAgents {
		clear(r.agents)
	}
	r.agents[userAgent] = agentClass{device: device, bot: bot}
	return device, bot
}

// maxRecent bounds the in-process memory of recent views.
const maxRecent = 100_000

func (r *Recorder) remember(key string, at time.Time) {
	if len(r.recent) >= maxRecent {
		for k, t := range r.recent {
			if at.Sub(t) >= ViewDedupeWindow {
				delete(r.recent, k)
			}
		}
		if len(r.recent) >= maxRecent {
			clear(r.recent) // Redis still deduplicates; only a round trip is lost
		}
	}
	r.recent[key] = at
}

// viewKey names a (visitor, page) pair; the visitor id changes daily, so
// the key holds nothing that outlives the day. A page reached through a
// share link is a page of its own: a visitor who saw the public page
// still opens the link, and that open is what its owner wants to know.
func viewKey(e folio.Event) string {
	key := "folio:analytics:view:" + strconv.FormatInt(e.VisitorID, 36) + ":" +
		strconv.FormatInt(e.OwnerID, 36) + ":" + strconv.FormatInt(e.ProjectID, 36)
	if e.ShareLinkID != 0 {
		key += ":s" + strconv.FormatInt(e.ShareLinkID, 36)
	}
	return key
}
