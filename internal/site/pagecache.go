package site

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/request"
)

// The Redis page cache is keyed by what the URL alone tells, so that a hit
// needs no database: one hash per handle (lower-cased, as the first path
// segment), a field per canonical path. Its "_gen" field counts the
// invalidations: a render stores its page only when the generation it saw
// before reading the database is still current, so a page rendered from
// data that changed meanwhile is dropped instead of cached.
//
// Pages are invalidated by dropping the handle's hash (and bumping _gen):
// at once by the process that served an owner's change (ForgetOwner), and
// by every serving process on PostgreSQL's "folio_pages" notification,
// which the database sends whenever an owner's content version moves,
// whoever made the change (see InvalidatePages). pageCacheTTL bounds the
// rest (a notification missed while a listener reconnects).
const genField = "_gen"

func pagesKey(handle string) string    { return "folio:pages:" + strings.ToLower(handle) }
func pageOwnerKey(userID int64) string { return "folio:pageowner:" + strconv.FormatInt(userID, 10) }

// storePage sets the field when the generation is still gen; the hash
// lives pageCacheTTL from its first page.
var storePage = redis.NewScript(`
local g = redis.call('HGET', KEYS[1], '_gen') or ''
if g ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4], 'NX')
return 1`)

// dropPages empties a handle's hash and bumps its generation.
var dropPages = redis.NewScript(`
local g = tonumber(redis.call('HGET', KEYS[1], '_gen') or '0')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '_gen', g + 1)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return g + 1`)

// pageGenKey holds the generation seen at the cache check, for the store.
const pageGenKey = "page_gen"

// redisPage answers an anonymous visitor from the Redis cache, before any
// handler looks the handle up. A miss leaves the generation it saw for
// cached to store under.
func (s *Site) redisPage(c *fiber.Ctx) (bool, error) {
	if s.opts.PageCache == nil || request.Viewer(c) != nil {
		return false, nil
	}
	path := c.Path()
	handle, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	vals, err := s.opts.PageCache.HMGet(c.UserContext(), pagesKey(handle), path, genField).Result()
	if err != nil {
		// A cache that is down must not take the page with it.
		s.log.Warn("page cache unavailable", "error", err, "request_id", request.ID(c))
		return false, nil
	}
	gen, _ := vals[1].(string)
	c.Locals(pageGenKey, gen)
	entry, ok := vals[0].(string)
	if !ok {
		return false, nil
	}
	// An entry is "<owner id> <project id>\n<page>".
	head, body, ok := strings.Cut(entry, "\n")
	owner, project, _ := strings.Cut(head, " ")
	ownerID, err1 := strconv.ParseInt(owner, 10, 64)
	projectID, err2 := strconv.ParseInt(project, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return false, nil
	}
	ref := pageRef{ownerID: ownerID, projectID: projectID}
	c.Locals(pageRefKey, ref)
	s.memo.Put(path, ref.ownerID, ref.projectID, []byte(body))
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set("X-Cache", "hit")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Vary(fiber.HeaderCookie)
	return true, c.SendString(body)
}

// storeRedisPage caches the page just rendered at path, unless the owner's
// pages were invalidated since the cache check.
func (s *Site) storeRedisPage(c *fiber.Ctx, handle, path string, ref pageRef, body []byte) {
	gen, ok := c.Locals(pageGenKey).(string)
	if !ok {
		return // not looked up (a signed-in visitor's view)
	}
	var entry bytes.Buffer
	entry.WriteString(strconv.FormatInt(ref.ownerID, 10) + " " + strconv.FormatInt(ref.projectID, 10) + "\n")
	entry.Write(body)
	ctx := c.UserContext()
	ttl := strconv.Itoa(int(pageCacheTTL.Seconds()))
	if err := storePage.Run(ctx, s.opts.PageCache, []string{pagesKey(handle)}, gen, path, entry.Bytes(), ttl).Err(); err != nil {
		s.log.Warn("page cache unavailable", "error", err, "request_id", request.ID(c))
		return
	}
	// Where ForgetOwner finds the owner's pages by user id.
	s.opts.PageCache.Set(ctx, pageOwnerKey(ref.ownerID), strings.ToLower(handle), pageCacheTTL)
}

// InvalidatePages drops the cached pages of an owner, under each of the
// handles given (their old and new one after a rename), from Redis and
// from this process's memo (share pages and links included). The serve
// command calls it on every "folio_pages" notification from PostgreSQL.
// A share page's Redis entry needs no dropping: its key holds the owner's
// content version, which every such change moves.
func (s *Site) InvalidatePages(ctx context.Context, userID int64, handles ...string) error {
	s.forgetLocal(userID)
	if s.opts.PageCache == nil {
		return nil
	}
	ttl := strconv.Itoa(int(pageCacheTTL.Seconds()))
	for _, h := range handles {
		if err := dropPages.Run(ctx, s.opts.PageCache, []string{pagesKey(h)}, ttl).Err(); err != nil {
			return err
		}
	}
	return nil
}

// PagesChannel is the PostgreSQL notification channel on which the
// database announces that an owner's pages changed (see migration
// 20261125000015): the payload is "<user id> <old handle> <new handle>".
const PagesChannel = "folio_pages"

// HandlePagesNotice drops the pages a PagesChannel notification names.
func (s *Site) HandlePagesNotice(ctx context.Context, payload string) error {
	f := strings.Fields(payload)
	if len(f) != 3 {
		return fmt.Errorf("site: pages notice %q: want three fields", payload)
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return fmt.Errorf("site: pages notice %q: %w", payload, err)
	}
	handles := f[1:]
	if f[1] == f[2] {
		handles = f[1:2]
	}
	return s.InvalidatePages(ctx, id, handles...)
}

// forgetLocal drops this process's memo of an owner's pages (public and
// shared) and share links.
func (s *Site) forgetLocal(userID int64) {
	s.memo.Forget(userID)
	if s.links != nil {
		s.links.Forget(userID)
	}
}
