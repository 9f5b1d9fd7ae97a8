package site

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// Tailored share links, /s/{token}: the owner's portfolio as chosen for
// one application. Every request first finds the active link (from the
// in-process memo of links for at most a second, else the database), so a
// revoked or expired link is a 404 before any page cache is asked: at once
// on the replica the owner revoked it through (its Changed hook forgets
// the owner's links), within a second on the others, like any change to a
// public page. The memo and Redis hold pages by token and the link's
// updated_at (and, in Redis, the owner's content version), so an edited
// note or project list shows at once too.

// shared is the /s/ group's middleware: shared pages are never indexed,
// never kept by a shared cache, and send no Referer anywhere (outbound
// links, media, the demo redirect), so the token stays between Folio and
// the person it was sent to.
func shared(c *fiber.Ctx) error {
	err := c.Next()
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	if cc := string(c.Response().Header.Peek(fiber.HeaderCacheControl)); !strings.Contains(cc, "no-store") {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	return err
}

// activeShare returns the active link of the token in the path, or
// errNoPage for one that is malformed, unknown, revoked or expired.
func (s *Site) activeShare(c *fiber.Ctx, token string) (*folio.ShareLink, error) {
	if s.opts.ShareLinks == nil || !analytics.IsShareToken(token) {
		return nil, errNoPage
	}
	link, err := s.links.Get(c.UserContext(), token)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, errNoPage
	} else if err != nil {
		return nil, err
	}
	return link, nil
}

// shareFeatures reports whether the link shows p: one of its chosen
// projects that is not a draft, or with none chosen, one the portfolio
// features.
func shareFeatures(link *folio.ShareLink, p *folio.Project) bool {
	if p.OwnerID != link.OwnerID {
		return false
	}
	if len(link.ProjectIDs) > 0 {
		return p.Visibility != folio.VisibilityDraft && slices.Contains(link.ProjectIDs, p.ID)
	}
	return p.Visibility == folio.VisibilityPublic && p.FeaturedRank > 0
}

// shareProjects are the projects the link shows, in its order: ids that
// are not (or no longer) the owner's public or unlisted projects are left
// out.
func (s *Site) shareProjects(c *fiber.Ctx, link *folio.ShareLink, owner *folio.User) ([]*folio.Project, error) {
	ctx := c.UserContext()
	if len(link.ProjectIDs) == 0 {
		pf, err := s.opts.Projects.Portfolio(ctx, owner.Handle)
		if err != nil {
			return nil, err
		}
		return pf.Featured, nil
	}
	out := make([]*folio.Project, 0, len(link.ProjectIDs))
	for _, id := range link.ProjectIDs[:min(len(link.ProjectIDs), folio.MaxApplicationProjects)] {
		p, err := s.opts.Projects.Project(ctx, owner.ID, id)
		if folio.ErrorCode(err) == folio.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if shareFeatures(link, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// shareMemoKey is the memo key of the page at path through link, as the
// link is now.
func shareMemoKey(link *folio.ShareLink, path string) string {
	return path + "@" + strconv.FormatInt(link.UpdatedAt.UnixNano(), 36)
}

// shareCacheKey is the Redis key of the page at path through link, as the
// link and the owner's content are now.
func shareCacheKey(link *folio.ShareLink, owner *folio.User, path string) string {
	return fmt.Sprintf("folio:share:%d:%d:%d:%s", owner.ID, owner.ContentVersion, link.UpdatedAt.UnixNano(), path)
}

// shareBase is the path the link's pages live under.
func shareBase(link *folio.ShareLink) string { return "/s/" + link.Token }

// sharedMeta makes a page's head fit a shared page: not indexed, with no
// canonical URL (the tailored page is not the public one, and may show
// unlisted projects), and no structured data.
func sharedMeta(b *pageBase, link *folio.ShareLink) {
	b.Meta.Canonical, b.Meta.JSONLD, b.Meta.NoIndex, b.Meta.NoReferrer = "", nil, true, true
	if b.Analytics != "" {
		b.Share = link.Token
	}
}

// notShared answers the 404 of a link that is not (or no longer) there.
// It says the same for unknown, revoked and expired tokens, so the page
// tells nothing about a token it was not given.
func (s *Site) notShared(c *fiber.Ctx, err error) error {
	if !errors.Is(err, errNoPage) {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusNotFound, "sharegone", pageBase{Viewer: request.Viewer(c),
		Meta: pageMeta{Title: sitelang.T(c, "title.link_gone") + " · Folio", NoIndex: true, NoReferrer: true}})
}

// sharePage is /s/{token}: the owner's profile, the link's note and the
// link's projects in its order, nothing else.
func (s *Site) sharePage(c *fiber.Ctx) error {
	link, err := s.activeShare(c, c.Params("token"))
	if err != nil {
		return s.notShared(c, err)
	}
	path := shareBase(link)
	if c.Path() != path {
		return redirectCanonical(c, path)
	}
	c.Locals(pageRefKey, pageRef{ownerID: link.OwnerID, shareLinkID: link.ID})
	if request.Viewer(c) == nil {
		if s.serveMemo(c, shareMemoKey(link, path), link.ID) {
			return nil
		}
	}
	owner, err := s.opts.Users.UserByID(c.UserContext(), link.OwnerID)
	if err != nil {
		return err
	}
	return s.cachedAs(c, owner, shareMemoKey(link, path), shareCacheKey(link, owner, path), func() (string, any, error) {
		projects, err := s.shareProjects(c, link, owner)
		if err != nil {
			return "", nil, err
		}
		v, err := s.portfolioView(c, owner, path, s.avatarKey(c.UserContext(), owner), projects, nil)
		if err != nil {
			return "", nil, err
		}
		v.Note, v.Heading = link.Note, sitelang.T(c, "sitego.portfolio.selected")
		s.withBeacon(&v.pageBase, owner.Handle)
		sharedMeta(&v.pageBase, link)
		return "portfolio", v, nil
	})
}

// avatarKey is the public key of owner's avatar when it is ready, else "".
func (s *Site) avatarKey(ctx context.Context, owner *folio.User) string {
	if owner.AvatarMediaID == 0 {
		return ""
	}
	m, err := s.opts.Media.MediaByID(ctx, owner.AvatarMediaID)
	if err != nil || m.Status != folio.MediaReady {
		return ""
	}
	return m.PublicKey
}

// sharedProject finds the project of /s/{token}/{project}: one the link
// shows, else errNoPage.
func (s *Site) sharedProject(c *fiber.Ctx, link *folio.ShareLink) (*folio.Project, error) {
	p, err := s.opts.Projects.ProjectBySlug(c.UserContext(), link.OwnerID, strings.ToLower(c.Params("project")))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, errNoPage
	} else if err != nil {
		return nil, err
	}
	if !shareFeatures(link, p) {
		return nil, errNoPage
	}
	return p, nil
}

// shareProjectPage is /s/{token}/{project}: a project the link shows, in
// the link's context (its links stay under /s/{token}).
func (s *Site) shareProjectPage(c *fiber.Ctx) error {
	link, err := s.activeShare(c, c.Params("token"))
	if err != nil {
		return s.notShared(c, err)
	}
	// The memo holds only canonical paths of projects the link showed.
	if request.Viewer(c) == nil {
		if s.serveMemo(c, shareMemoKey(link, c.Path()), link.ID) {
			return nil
		}
	}
	p, err := s.sharedProject(c, link)
	if err != nil {
		return s.notShared(c, err)
	}
	base := shareBase(link)
	path := base + "/" + p.Slug
	if c.Path() != path {
		return redirectCanonical(c, path)
	}
	c.Locals(pageRefKey, pageRef{ownerID: link.OwnerID, projectID: p.ID, shareLinkID: link.ID})
	owner, err := s.opts.Users.UserByID(c.UserContext(), link.OwnerID)
	if err != nil {
		return err
	}
	return s.cachedAs(c, owner, shareMemoKey(link, path), shareCacheKey(link, owner, path), func() (string, any, error) {
		v, err := s.projectView(c, owner, base, p)
		if err != nil {
			return "", nil, err
		}
		s.withBeacon(&v.pageBase, owner.Handle+"/"+p.Slug)
		sharedMeta(&v.pageBase, link)
		return "project", v, nil
	})
}

// shareOutbound is /s/{token}/{project}/go/{demo|code}: the counted way
// out, attributed to the link.
func (s *Site) shareOutbound(c *fiber.Ctx) error {
	link, err := s.activeShare(c, c.Params("token"))
	if err != nil {
		return s.notShared(c, err)
	}
	p, err := s.sharedProject(c, link)
	if err != nil {
		return s.notShared(c, err)
	}
	isOwner := request.Viewer(c) != nil && request.Viewer(c).ID == link.OwnerID
	return s.redirectOut(c, pageRef{ownerID: link.OwnerID, projectID: p.ID, shareLinkID: link.ID}, p, isOwner)
}

// shareBeaconTarget is the page of a beacon sent from a shared page: the
// link must be active and show the project.
func (s *Site) shareBeaconTarget(c *fiber.Ctx, b analytics.Beacon) (pageRef, bool) {
	link, err := s.activeShare(c, b.Share)
	if err != nil {
		return pageRef{}, false
	}
	p, err := s.opts.Projects.ProjectBySlug(c.UserContext(), link.OwnerID, b.Project)
	if err != nil || !shareFeatures(link, p) {
		return pageRef{}, false
	}
	return pageRef{ownerID: link.OwnerID, projectID: p.ID, shareLinkID: link.ID}, true
}
