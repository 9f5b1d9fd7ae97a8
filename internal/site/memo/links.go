package memo

import (
	"context"
	"sync"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// Links remembers active share links by token for TTL, so that a view
// through a link costs no database round trip, like a memoized public
// page. The replica through which the owner changes anything (a revoke,
// an edit) forgets that owner's links at once (Forget, from the request's
// Changed hook); other replicas ask the database again within TTL. An
// expiry is checked on every use. Safe for concurrent use.
type Links struct {
	// Active reads a link from the store: folio.ShareLinkService's
	// ActiveShareLink.
	Active func(ctx context.Context, token string) (*folio.ShareLink, error)

	mu      sync.Mutex
	entries map[string]linkEntry
}

type linkEntry struct {
	link    *folio.ShareLink
	expires time.Time
}

// maxLinks bounds the links remembered; past it the memo starts afresh.
const maxLinks = 10000

// Get returns the active link of token, from memory while fresh, else
// from Active (whose errors it returns, ENOTFOUND for a link that is
// unknown, revoked or expired). The link must not be modified.
func (l *Links) Get(ctx context.Context, token string) (*folio.ShareLink, error) {
	now := time.Now()
	l.mu.Lock()
	e, ok := l.entries[token]
	l.mu.Unlock()
	if ok && now.Before(e.expires) {
		if !e.link.Active(now) {
			return nil, &folio.Error{Code: folio.ENOTFOUND, Message: "The link has expired."}
		}
		return e.link, nil
	}
	link, err := l.Active(ctx, token)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil || len(l.entries) >= maxLinks {
		l.entries = map[string]linkEntry{}
	}
	// Keys must not point into a request's reused buffers.
	l.entries[link.Token] = linkEntry{link: link, expires: now.Add(TTL)}
	return link, nil
}

// Forget drops an owner's links, after a change made through this replica.
func (l *Links) Forget(ownerID int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, e := range l.entries {
		if e.link.OwnerID == ownerID {
			delete(l.entries, k)
		}
	}
}
