package site

import (
	"strings"
	"sync"
	"time"
)

// pageMemo keeps rendered public pages in the process for a moment, so
// that a popular portfolio costs no database or Redis round trip per view.
// The replica that changes a portfolio forgets its pages at once; other
// replicas see the change within memoTTL, when they next ask Redis and
// PostgreSQL for the owner's content version.
type pageMemo struct {
	mu      sync.Mutex
	entries map[string]memoEntry
	max     int
}

type memoEntry struct {
	ownerID   int64
	projectID int64 // 0: the portfolio page
	body      []byte
	expires   time.Time
}

const (
	memoTTL     = time.Second
	memoEntries = 2048
)

func newPageMemo() *pageMemo { return &pageMemo{entries: map[string]memoEntry{}, max: memoEntries} }

func (m *pageMemo) get(path string) (memoEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[path]
	if !ok || time.Now().After(e.expires) {
		return memoEntry{}, false
	}
	return e, true
}

func (m *pageMemo) put(path string, ref pageRef, body []byte) {
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
	m.entries[strings.Clone(path)] = memoEntry{ownerID: ref.ownerID, projectID: ref.projectID, body: append([]byte(nil), body...), expires: time.Now().Add(memoTTL)}
}

// forget drops an owner's pages, after a change made through this replica.
func (m *pageMemo) forget(ownerID int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, e := range m.entries {
		if e.ownerID == ownerID {
			delete(m.entries, k)
		}
	}
}
