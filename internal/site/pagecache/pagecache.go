// Package pagecache keeps rendered public pages in Redis, keyed by what the
// URL alone tells, so that a hit needs no database: one hash per handle
// (lower-cased, as the first path segment), a field per canonical path.
// Its "_gen" field counts the invalidations: a render stores its page only
// when the generation it saw before reading the database is still current,
// so a page rendered from data that changed meanwhile is dropped instead
// of cached.
//
// Pages are invalidated by dropping the handle's hash (and bumping _gen):
// at once by the process that served an owner's change, and by every
// serving process on PostgreSQL's "folio_pages" notification (Channel),
// which the database sends whenever an owner's content version moves,
// whoever made the change; a listener that lost its connection (and so
// may have missed some) drops every page when it is back (DropAll). TTL
// bounds the rest. A page that says how long ago something happened
// ("checked 5 min ago") is kept ShortTTL, so that the phrase stays true.
package pagecache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// TTL bounds how long a handle's pages stay cached. Changes drop them at
// once (see the package comment): TTL trades Redis memory for fewer
// renders. Under uniform traffic over many portfolios most pages are seen
// less than once a minute, so at one minute nearly every view was a render.
const TTL = 5 * time.Minute

// ShortTTL is the lifetime of a page that shows relative times.
const ShortTTL = time.Minute

// Channel is the PostgreSQL notification channel on which the database
// announces that an owner's pages changed (see migration 20261125000015):
// the payload is "<user id> <old handle> <new handle>".
const Channel = "folio_pages"

const genField = "_gen"

func pagesKey(handle string) string { return "folio:pages:" + strings.ToLower(handle) }
func ownerKey(userID int64) string  { return "folio:pageowner:" + strconv.FormatInt(userID, 10) }
func ttlArg(ttl time.Duration) int  { return int(ttl.Seconds()) }

// spread shortens ttl by up to a quarter, at random: pages first cached
// together (a cold start, a DropAll) then expire over a stretch of time
// rather than all at once, which would be a cold start again.
func spread(ttl time.Duration) time.Duration {
	return ttl - rand.N(ttl/4+1)
}

// handleOf is the handle a page's path starts with. A page served on a
// custom domain is keyed "/{handle}...@{domain}" (see site/hostroute.Key),
// kept and dropped with the handle's other pages.
func handleOf(path string) string {
	path, _, _ = strings.Cut(path, "@")
	h, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return h
}

// storePage sets the field when the generation is still gen and the last
// invalidation (its "_at", in ms) is at least ARGV[5] ms old; the hash
// lives ARGV[4] s from its first page, or less if a later page asks less
// (EXPIRE LT: a hash without expiry counts as infinite). It also notes the
// owner's handle (KEYS[2], for Forget), ARGV[6] s: one round trip in all.
var storePage = redis.NewScript(`
local v = redis.call('HMGET', KEYS[1], '_gen', '_at')
local g = v[1] or ''
if g ~= ARGV[1] then return 0 end
local settle = tonumber(ARGV[5])
if settle > 0 and v[2] then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now - tonumber(v[2]) < settle then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4], 'LT')
redis.call('SET', KEYS[2], ARGV[7], 'EX', ARGV[6])
return 1`)

// dropPages empties a handle's hash, bumps its generation and notes when
// (Redis's clock, in ms, so that every process measures from the same one).
var dropPages = redis.NewScript(`
local g = tonumber(redis.call('HGET', KEYS[1], '_gen') or '0')
local t = redis.call('TIME')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '_gen', g + 1, '_at', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return g + 1`)

// Page is a cached page: whose it is, and its bytes.
type Page struct {
	OwnerID, ProjectID int64 // ProjectID 0: the portfolio page
	Body               string
}

// Cache is the page cache in one Redis.
type Cache struct {
	R *redis.Client
	// Settle: a page is not stored within this long of its handle's last
	// invalidation. With read replicas a page rendered just after a change
	// may have been read from a replica that has not replayed it yet;
	// cached, it would outlive the change until TTL. 0: no wait.
	Settle time.Duration
}

// Get answers the page at path (a canonical path, its first segment the
// handle) and the handle's generation, which Put of a page rendered after
// a miss must be given. ok is false on a miss.
func (c Cache) Get(ctx context.Context, path string) (p Page, gen string, ok bool, err error) {
	vals, err := c.R.HMGet(ctx, pagesKey(handleOf(path)), path, genField).Result()
	if err != nil {
		return Page{}, "", false, err
	}
	gen, _ = vals[1].(string)
	entry, ok := vals[0].(string)
	if !ok {
		return Page{}, gen, false, nil
	}
	// An entry is "<owner id> <project id>\n<page>".
	head, body, ok := strings.Cut(entry, "\n")
	owner, project, _ := strings.Cut(head, " ")
	ownerID, err1 := strconv.ParseInt(owner, 10, 64)
	projectID, err2 := strconv.ParseInt(project, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return Page{}, gen, false, nil
	}
	return Page{OwnerID: ownerID, ProjectID: projectID, Body: body}, gen, true, nil
}

// Put caches body as the page at path of handle for ttl (TTL or
// ShortTTL), unless the handle's pages were invalidated since Get answered
// gen.
func (c Cache) Put(ctx context.Context, handle, path, gen string, ownerID, projectID int64, body []byte, ttl time.Duration) error {
	entry := make([]byte, 0, len(body)+40)
	entry = strconv.AppendInt(entry, ownerID, 10)
	entry = append(entry, ' ')
	entry = strconv.AppendInt(entry, projectID, 10)
	entry = append(append(entry, '\n'), body...)
	// The owner's key says where Forget finds the owner's pages by user id.
	return storePage.Run(ctx, c.R, []string{pagesKey(handle), ownerKey(ownerID)}, gen, path, entry,
		ttlArg(spread(min(ttl, TTL))), c.Settle.Milliseconds(), ttlArg(TTL), strings.ToLower(handle)).Err()
}

// Drop invalidates the pages under each of the handles given.
func (c Cache) Drop(ctx context.Context, handles ...string) error {
	for _, h := range handles {
		if err := dropPages.Run(ctx, c.R, []string{pagesKey(h)}, ttlArg(ShortTTL)).Err(); err != nil {
			return err
		}
	}
	return nil
}

// DropAll invalidates every handle's pages: for a process whose
// notifications were interrupted, which cannot know what it missed.
func (c Cache) DropAll(ctx context.Context) error {
	iter := c.R.Scan(ctx, 0, pagesKey("*"), 1000).Iterator()
	pipe := c.R.Pipeline()
	for iter.Next(ctx) {
		// Each in its script, which bumps the generation: a render that
		// looked before this must not store its page after. (Eval, not
		// Run: a pipeline learns of a script not loaded only at Exec.)
		dropPages.Eval(ctx, pipe, []string{iter.Val()}, ttlArg(ShortTTL))
		if pipe.Len() >= 1000 {
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Forget invalidates the pages of an owner whose handle the cache knows
// (from a page stored within TTL); none known: nothing to drop.
func (c Cache) Forget(ctx context.Context, userID int64) error {
	handle, err := c.R.Get(ctx, ownerKey(userID)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	} else if err != nil {
		return err
	}
	return c.Drop(ctx, handle)
}

// ParseNotice reads a Channel notification: the owner and the handles
// whose pages to drop (one, or the old and new one after a rename).
func ParseNotice(payload string) (userID int64, handles []string, err error) {
	f := strings.Fields(payload)
	if len(f) != 3 {
		return 0, nil, fmt.Errorf("pagecache: notice %q: want three fields", payload)
	}
	userID, err = strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("pagecache: notice %q: %w", payload, err)
	}
	if f[1] == f[2] {
		return userID, f[1:2], nil
	}
	return userID, f[1:], nil
}
