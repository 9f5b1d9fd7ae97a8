package site

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// Tracker takes visitor hits for the owner's analytics. Track must not
// block: the page never waits on it.
type Tracker interface {
	Track(h analytics.Hit)
}

// pageRef names the page being served: its owner, project (0 for the
// portfolio page) and the share link it was reached through (0 for the
// public pages). Handlers set it once they know the page; the memo keeps
// it with the page so a memo hit counts too.
type pageRef struct{ ownerID, projectID, shareLinkID int64 }

const pageRefKey = "analytics_page"

// servedPage is the page set by the handler, or the owner's portfolio.
func servedPage(c *fiber.Ctx, owner *folio.User) pageRef {
	if ref, ok := c.Locals(pageRefKey).(pageRef); ok {
		return ref
	}
	return pageRef{ownerID: owner.ID}
}

// countView counts a public page view once the page is answered, from the
// memo, the Redis cache or a fresh render alike (a 304 is a view too: the
// ETag middleware turns the 200 into it afterwards). The signed-in owner
// on their own pages does not count; bots are dropped by the recorder.
func (s *Site) countView(c *fiber.Ctx) error {
	err := c.Next()
	if err != nil || s.opts.Analytics == nil || c.Method() != fiber.MethodGet || c.Response().StatusCode() != fiber.StatusOK {
		return err
	}
	ref, ok := c.Locals(pageRefKey).(pageRef)
	if !ok {
		return nil
	}
	if v := request.Viewer(c); v != nil && v.ID == ref.ownerID {
		return nil
	}
	s.track(c, ref, folio.EventView)
	return nil
}

// outbound is /{handle}/{project}/go/{demo|code}: the counted way out to a
// project's live demo or code, so a click counts without JavaScript. It
// redirects only to the URL the owner stored for that project.
func (s *Site) outbound(c *fiber.Ctx) error {
	pg, isOwner, err := s.visibleProject(c)
	if errors.Is(err, errNoPage) {
		return s.renderNotFound(c)
	} else if err != nil {
		return err
	}
	return s.redirectOut(c, pageRef{ownerID: pg.Owner.ID, projectID: pg.Project.ID}, pg.Project, isOwner)
}

// redirectOut answers the redirect to p's demo or code (the target
// parameter) and counts it as a click on ref, unless the owner clicked.
func (s *Site) redirectOut(c *fiber.Ctx, ref pageRef, p *folio.Project, isOwner bool) error {
	var target string
	var kind folio.EventKind
	switch c.Params("target") {
	case "demo":
		target, kind = p.DemoURL, folio.EventDemoClick
	case "code":
		target, kind = p.RepositoryURL, folio.EventCodeClick
	}
	if u, err := url.Parse(target); target == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return s.renderNotFound(c)
	}
	if s.opts.Analytics != nil && !isOwner {
		s.track(c, ref, kind)
	}
	// Every click must reach Folio to count; the page the visitor came
	// from is all the destination learns (the Referrer-Policy stays).
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex")
	return c.Redirect(target, fiber.StatusFound)
}

// track hands a hit over. Every string is copied: the recorder keeps them
// past the request, and Fiber's point into reused buffers.
func (s *Site) track(c *fiber.Ctx, ref pageRef, kind folio.EventKind) {
	s.trackProgress(c, ref, kind, 0)
}

func (s *Site) trackProgress(c *fiber.Ctx, ref pageRef, kind folio.EventKind, progress int) {
	query, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	s.opts.Analytics.Track(analytics.Hit{
		At: time.Now(), OwnerID: ref.ownerID, ProjectID: ref.projectID, Kind: kind, Progress: progress, ShareLinkID: ref.shareLinkID,
		IP:         strings.Clone(c.IP()),
		UserAgent:  strings.Clone(c.Get(fiber.HeaderUserAgent)),
		Referer:    strings.Clone(c.Get(fiber.HeaderReferer)),
		Source:     analytics.Source(query),
		DoNotTrack: analytics.DoNotTrack(c.Get("DNT"), c.Get("Sec-GPC")),
	})
}

// withBeacon marks a public page: for the player script (screencasts
// play in place), for the beacon script when analytics are on, and as
// speaking its owner's language (no language switch).
func (s *Site) withBeacon(b *pageBase, page string) {
	b.Public = true
	b.Scripts = append(b.Scripts, "/static/player.js")
	if s.opts.Analytics == nil {
		return
	}
	b.Analytics = page
	b.Scripts = append(b.Scripts, "/static/beacon.js")
}
