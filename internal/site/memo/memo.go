// Package memo keeps rendered pages and active share links in the process
// for a moment, so that a popular page costs no database or Redis round
// trip per view.
package memo

import (
	"strings"
	"sync"
	"time"
)

// Memo holds rendered pages by key for TTL. The replica that changes a
// portfolio forgets its pages at once; other replicas see the change
// within TTL, when they next ask Redis and PostgreSQL for the owner's
// content version. Safe for concurrent use.
type Memo struct {
	mu      sync.Mutex
	entries map[string]Entry
	max     int
}

// Entry is a memoized page: whose it is, and its bytes (never modified).
type Entry struct {
	OwnerID   int64
	ProjectID int64 // 0: the portfolio page
	Body      []byte
	expires   time.Time
	// The headers Responses replays.
	contentType, cacheControl string
}

const (
	// TTL is how long a page is memoized.
	TTL        = time.Second
	maxEntries = 2048
)

// New returns an empty memo.
func New() *Memo { return NewSized(maxEntries) }

// NewSized returns an empty memo of at most max entries, for larger
// bodies than pages (PDFs).
func NewSized(max int) *Memo { return &Memo{entries: map[string]Entry{}, max: max} }

// Get returns the page memoized under key, while fresh.
func (m *Memo) Get(key string) (Entry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || time.Now().After(e.expires) {
		return Entry{}, false
	}
	return e, true
}

// Put memoizes a copy of body under a copy of key, as a page of ownerID.
func (m *Memo) Put(key string, ownerID, projectID int64, body []byte) {
	m.put(key, Entry{OwnerID: ownerID, ProjectID: projectID, Body: body})
}

// put memoizes e with a copy of its body under a copy of key.
func (m *Memo) put(key string, e Entry) {
	e.Body = append([]byte(nil), e.Body...)
	e.expires = time.Now().Add(TTL)
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= m.max {
		// Full: drop expired entries, and if none expired, everything. A
		// memo is only ever a second ahead of Redis.
		now := time.Now()
		for k, e := range m.entries {
			if now.After(e.expires) {
				delete(m.entries, k)
			}
		}
		if len(m.entries) >= m.max {
			clear(m.entries)
		}
	}
	// Fiber's strings point into reused request buffers: keys must be copies.
	m.entries[strings.Clone(key)] = e
}

// anyOwner marks an entry that may show any owner's pages (a Responses
// listing): every Forget drops it.
const anyOwner = -1

// Forget drops an owner's pages, after a change made through this replica,
// and the listings that may show them.
func (m *Memo) Forget(ownerID int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, e := range m.entries {
		if e.OwnerID == ownerID || e.OwnerID == anyOwner {
			delete(m.entries, k)
		}
	}
}
