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
// whoever made the change. TTL bounds the rest (a notification missed
// while a listener reconnects).
package pagecache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// TTL bounds how long a handle's pages stay cached.
const TTL = time.Minute

// Channel is the PostgreSQL notification channel on which the database
// announces that an owner's pages changed (see migration 20261125000015):
// the payload is "<user id> <old handle> <new handle>".
const Channel = "folio_pages"

const genField = "_gen"

func pagesKey(handle string) string { return "folio:pages:" + strings.ToLower(handle) }
func ownerKey(userID int64) string  { return "folio:pageowner:" + strconv.FormatInt(userID, 10) }
func ttlArg() string                { return strconv.Itoa(int(TTL.Seconds())) }

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
// lives TTL from its first page.
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
redis.call('EXPIRE', KEYS[1], ARGV[4], 'NX')
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

// Put caches body as the page at path of handle, unless the handle's pages
// were invalidated since Get answered gen.
func (c Cache) Put(ctx context.Context, handle, path, gen string, ownerID, projectID int64, body []byte) error {
	var entry bytes.Buffer
	entry.WriteString(strconv.FormatInt(ownerID, 10) + " " + strconv.FormatInt(projectID, 10) + "\n")
	entry.Write(body)
	if err := storePage.Run(ctx, c.R, []string{pagesKey(handle)}, gen, path, entry.Bytes(), ttlArg(), c.Settle.Milliseconds()).Err(); err != nil {
		return err
	}
	// Where Forget finds the owner's pages by user id.
	return c.R.Set(ctx, ownerKey(ownerID), strings.ToLower(handle), TTL).Err()
}

// Drop invalidates the pages under each of the handles given.
func (c Cache) Drop(ctx context.Context, handles ...string) error {
	for _, h := range handles {
		if err := dropPages.Run(ctx, c.R, []string{pagesKey(h)}, ttlArg()).Err(); err != nil {
			return err
		}
	}
	return nil
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
