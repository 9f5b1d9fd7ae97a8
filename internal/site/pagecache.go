package site

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/hostroute"
	"github.com/foliohq/folio/internal/site/pagecache"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// PagesChannel is the PostgreSQL channel of the notifications to pass to
// HandlePagesNotice (the Redis page cache is internal/site/pagecache).
const PagesChannel = pagecache.Channel

// pageGenKey holds the generation seen at the cache check, for the store.
const pageGenKey = "page_gen"

func (s *Site) pageCache() pagecache.Cache {
	return pagecache.Cache{R: s.opts.PageCache, Settle: s.opts.ReplicaSettle}
}

// redisPage answers an anonymous visitor from the Redis cache, before any
// handler looks the handle up. A miss leaves the generation it saw for
// cached to store under.
func (s *Site) redisPage(c *fiber.Ctx) (bool, error) {
	if s.opts.PageCache == nil || request.Viewer(c) != nil {
		return false, nil
	}
	path := hostroute.Key(c, c.Path())
	p, gen, ok, err := s.pageCache().Get(c.UserContext(), path)
	if err != nil {
		// A cache that is down must not take the page with it.
		s.log.Warn("page cache unavailable", "error", err, "request_id", request.ID(c))
		return false, nil
	}
	c.Locals(pageGenKey, gen)
	if !ok {
		return false, nil
	}
	ref := pageRef{ownerID: p.OwnerID, projectID: p.ProjectID}
	c.Locals(pageRefKey, ref)
	s.memo.Put(path, ref.ownerID, ref.projectID, []byte(p.Body))
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set("X-Cache", "hit")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Vary(fiber.HeaderCookie)
	return true, c.SendString(p.Body)
}

// storeRedisPage caches the page just rendered at path, unless the owner's
// pages were invalidated since the cache check.
func (s *Site) storeRedisPage(c *fiber.Ctx, handle, path string, ref pageRef, body []byte, ttl time.Duration) {
	gen, ok := c.Locals(pageGenKey).(string)
	if !ok {
		return // not looked up (a signed-in visitor's view)
	}
	if err := s.pageCache().Put(c.UserContext(), handle, path, gen, ref.ownerID, ref.projectID, body, ttl); err != nil {
		s.log.Warn("page cache unavailable", "error", err, "request_id", request.ID(c))
	}
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
	return s.pageCache().Drop(ctx, handles...)
}

// pageTTL: a demo badge says when it was checked, so pagecache.ShortTTL.
func pageTTL(data any) time.Duration {
	var cards []cardView
	switch v := data.(type) {
	case portfolioView:
		cards = append(v.Featured, v.Others...)
	case projectView:
		cards = []cardView{v.Project}
	}
	for _, c := range cards {
		if c.Demo != nil {
			return pagecache.ShortTTL
		}
	}
	return pagecache.TTL
}

// HandlePagesNotice drops the pages a PagesChannel notification names,
// and queues the render of the owner's social cards at their new content
// version: a link preview is often fetched once, by the first crawler to
// see the link, so the cards should be there before anyone opens the
// pages, whoever made the change (an owner, the worker's posters, API
// docs and demo checks). A burst of changes costs few renders: a build
// renders the portfolio as it is when it runs, and one that finds cards
// as new as that does nothing.
func (s *Site) HandlePagesNotice(ctx context.Context, payload string) error {
	id, handles, err := pagecache.ParseNotice(payload)
	if err != nil {
		return err
	}
	if err := s.InvalidatePages(ctx, id, handles...); err != nil {
		return err
	}
	if s.opts.Cards != nil {
		s.opts.Cards.Refresh(ctx, id)
	}
	return nil
}

// forgetLocal drops this process's memo of an owner's pages (public and
// shared) and share links.
func (s *Site) forgetLocal(userID int64) {
	s.memo.Forget(userID)
	s.exports.Forget(userID)
	if s.links != nil {
		s.links.Forget(userID)
	}
}

// cached renders a public page and, for an anonymous visitor, keeps it in
// the memo and the handle's Redis hash, for memoized; never the owner's
// own view (with drafts). path is the canonical path (handle and slug as
// stored): every spelling of a URL that reaches here shares its entry.
func (s *Site) cached(c *fiber.Ctx, owner *folio.User, path string, build func() (string, any, error)) error {
	return s.cachedAs(c, owner, path, "", build)
}

// cachedAs is cached with the page's memo key given and, for a page that
// memoized does not look up (a share link's), its own Redis key: it is
// looked up here, and holds whatever the page depends on (see
// shareCacheKey). key "": the page is a public one, stored under its
// handle with the generation guard (storeRedisPage).
func (s *Site) cachedAs(c *fiber.Ctx, owner *folio.User, memoKey, key string, build func() (string, any, error)) error {
	// A public page speaks its owner's language, whoever visits: the cache
	// needs no other key, and a change of language bumps the content
	// version the keys hold.
	sitelang.Set(c, owner.Look.Language)
	if request.Viewer(c) != nil && request.Viewer(c).ID == owner.ID {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		name, data, err := build()
		if err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, name, data)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	if key != "" && s.opts.PageCache != nil && request.Viewer(c) == nil {
		if body, err := s.opts.PageCache.Get(c.UserContext(), key).Bytes(); err == nil {
			ref := servedPage(c, owner)
			s.memo.Put(memoKey, ref.ownerID, ref.projectID, body)
			c.Set("X-Cache", "hit")
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			c.Vary(fiber.HeaderCookie)
			return c.Send(body)
		}
	}
	name, data, err := build()
	if err != nil {
		return err
	}
	if err := s.render(c, fiber.StatusOK, name, data); err != nil {
		return err
	}
	if request.Viewer(c) != nil {
		return nil
	}
	ref := servedPage(c, owner)
	body := c.Response().Body()
	s.memo.Put(memoKey, ref.ownerID, ref.projectID, body)
	if s.opts.PageCache == nil {
		return nil
	}
	if key == "" {
		s.storeRedisPage(c, owner.Handle, memoKey, ref, body, pageTTL(data))
	} else if err := s.opts.PageCache.Set(c.UserContext(), key, body, pagecache.ShortTTL).Err(); err != nil {
		// A cache that is down must not take the page with it.
		s.log.Warn("page cache unavailable", "error", err, "request_id", request.ID(c))
	}
	c.Set("X-Cache", "miss")
	return nil
}

// redirectCanonical answers 301 to the canonical path of a page asked for
// by another spelling (capitals, a trailing slash), with the query.
func redirectCanonical(c *fiber.Ctx, path string) error {
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		path += "?" + string(q)
	}
	return c.Redirect(path, fiber.StatusMovedPermanently)
}

// memoized answers an anonymous visitor from the in-process memo, which
// holds pages by canonical path, or else from Redis (see redisPage): both
// before the handler looks anything up in the database. Another spelling
// of the path misses both and goes on to the handler and its redirect.
// What goes on is a render, in one of RenderLimit's slots.
func (s *Site) memoized(c *fiber.Ctx) error {
	if request.Viewer(c) == nil {
		if s.serveMemo(c, hostroute.Key(c, c.Path()), 0) {
			return nil
		}
		if hit, err := s.redisPage(c); hit || err != nil {
			return err
		}
	}
	return s.opts.RenderLimit.Handler(c)
}

// serveMemo answers the page memoized under key, if any, as a page
// reached through shareLinkID (0: a public page).
func (s *Site) serveMemo(c *fiber.Ctx, key string, shareLinkID int64) bool {
	e, ok := s.memo.Get(key)
	if !ok {
		return false
	}
	c.Locals(pageRefKey, pageRef{ownerID: e.OwnerID, projectID: e.ProjectID, shareLinkID: shareLinkID})
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("X-Cache", "memo")
	c.Vary(fiber.HeaderCookie)
	_ = c.Send(e.Body)
	return true
}
