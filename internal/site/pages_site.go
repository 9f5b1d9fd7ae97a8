package site

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/site/sitemap"
)

func (s *Site) homePage(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return s.render(c, fiber.StatusOK, "home", pageBase{Viewer: request.Viewer(c), Meta: pageMeta{
		Title:       sitelang.T(c, "title.home"),
		Description: sitelang.T(c, "home.description"),
		Canonical:   s.absolute("/"),
	}})
}

type exploreResult struct {
	Handle, DisplayName, Headline, URL string
	Tags                               []string
}

type exploreView struct {
	pageBase
	Query, Tag string
	Results    []exploreResult
	Next       string
	Error      string // why the search was refused; the page answers 400
}

const explorePageSize = 20

// explorePage lists public portfolios, searchable by text and technology.
func (s *Site) explorePage(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	tag := strings.TrimSpace(c.Query("tag"))
	switch {
	case !folio.IsText(q) || !folio.IsText(tag):
		return s.refuseSearch(c, sitelang.T(c, "explore.bad_chars"))
	case len(q) > 200 || len(tag) > 50:
		return s.refuseSearch(c, sitelang.T(c, "explore.too_long"))
	}
	var cursor int64
	if cs := c.Query("cursor"); cs != "" {
		var ok bool
		if cursor, ok = request.DecodeCursor(cs); !ok {
			return s.renderNotFound(c)
		}
	}
	entries, next, err := s.opts.Directory.Explore(c.UserContext(), q, tag, cursor, explorePageSize)
	if err != nil {
		return err
	}
	v := exploreView{Query: q, Tag: tag, pageBase: pageBase{Viewer: request.Viewer(c), Meta: pageMeta{
		Title: sitelang.T(c, "title.explore") + " · Folio", Description: sitelang.T(c, "explore.description"),
		Canonical: s.absolute("explore"), NoIndex: q != "" || tag != "" || cursor != 0,
	}}}
	for _, e := range entries {
		v.Results = append(v.Results, exploreResult{Handle: e.Handle, DisplayName: e.DisplayName, Headline: e.Headline, URL: "/" + e.Handle, Tags: e.Tags})
	}
	if next != 0 {
		params := url.Values{"cursor": {request.EncodeCursor(next)}}
		if q != "" {
			params.Set("q", q)
		}
		if tag != "" {
			params.Set("tag", tag)
		}
		v.Next = "/explore?" + params.Encode()
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return s.render(c, fiber.StatusOK, "explore", v)
}

// refuseSearch answers 400 with the explore page and an empty form: the
// refused search is not echoed back.
func (s *Site) refuseSearch(c *fiber.Ctx, reason string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusBadRequest, "explore", exploreView{Error: reason, pageBase: pageBase{Viewer: request.Viewer(c), Meta: pageMeta{
		Title: sitelang.T(c, "title.explore") + " · Folio", Canonical: s.absolute("explore"), NoIndex: true,
	}}})
}

// sitemapFile is /sitemap-{n}.xml (the index, /sitemap.xml, is
// s.sitemaps.Index).
func (s *Site) sitemapFile(c *fiber.Ctx) error {
	if err := s.sitemaps.File(c); !errors.Is(err, sitemap.ErrNoFile) {
		return err
	}
	return s.renderNotFound(c)
}

func (s *Site) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString("User-agent: *\nDisallow: /api/\nDisallow: /admin/\nDisallow: /dashboard\nAllow: /\n\nSitemap: " + s.absolute("sitemap.xml") + "\n")
}
