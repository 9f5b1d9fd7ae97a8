// Package cardpages serves the social cards (internal/socialcard) that
// the portfolio and project pages name in og:image and twitter:image.
package cardpages

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/socialcard"
)

// Pages serves cards.
type Pages struct {
	Cards    *socialcard.Service
	Users    folio.UserService
	Projects folio.ProjectService
}

// Routes mounts the card routes on r, before the pages' /{handle}/{project}
// takes two-word paths. The routes authenticate no one: the answer is
// the same to every visitor, and sets no cookie.
func (p *Pages) Routes(r fiber.Router, handlers ...fiber.Handler) {
	r.Get("/:handle/card.png", append(handlers, p.PortfolioCard)...)
	r.Get("/:handle/:project/card.png", append(handlers, p.ProjectCard)...)
}

// PortfolioCard is the portfolio's social card.
//
//	@Summary		Portfolio social card
//	@Description	The 1200×630 PNG that link previews of the portfolio show, at the portfolio's current content version. 404 until the worker has rendered it (the request queues the render).
//	@Tags			pages
//	@Produce		png
//	@Param			handle	path	string	true	"portfolio handle"
//	@Success		200
//	@Success		304
//	@Failure		404	{object}	api.Problem
//	@Router			/{handle}/card.png [get]
func (p *Pages) PortfolioCard(c *fiber.Ctx) error {
	owner, err := p.Users.UserByHandle(c.UserContext(), c.Params("handle"))
	if err != nil {
		return err
	}
	return p.serve(c, owner, nil)
}

// ProjectCard is a public project's social card; drafts and unlisted
// projects have none.
//
//	@Summary		Project social card
//	@Description	The 1200×630 PNG that link previews of a public project's page show. 404 for drafts and unlisted projects, and until the worker has rendered it.
//	@Tags			pages
//	@Produce		png
//	@Param			handle	path	string	true	"portfolio handle"
//	@Param			project	path	string	true	"project slug"
//	@Success		200
//	@Success		304
//	@Failure		404	{object}	api.Problem
//	@Router			/{handle}/{project}/card.png [get]
func (p *Pages) ProjectCard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	owner, err := p.Users.UserByHandle(ctx, c.Params("handle"))
	if err != nil {
		return err
	}
	pr, err := p.Projects.ProjectBySlug(ctx, owner.ID, strings.ToLower(c.Params("project")))
	if err != nil {
		return err
	}
	if pr.Visibility != folio.VisibilityPublic {
		return folio.Errorf(folio.ENOTFOUND, "Card not found.")
	}
	return p.serve(c, owner, pr)
}

func (p *Pages) serve(c *fiber.Ctx, owner *folio.User, pr *folio.Project) error {
	// The version names the content: the same ETag for as long as the
	// portfolio does not change. The page links ?v={version}, so a
	// changed card is a new URL to link previews' caches too.
	etag := fmt.Sprintf(`"card-%d-%d"`, owner.ID, owner.ContentVersion)
	if pr != nil {
		etag = fmt.Sprintf(`"card-%d-%d-%d"`, owner.ID, owner.ContentVersion, pr.ID)
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		if _, err := p.Cards.Card(c.UserContext(), owner, pr); err != nil {
			return err // gone since: not a 304
		}
		setHeaders(c, etag)
		return c.SendStatus(fiber.StatusNotModified)
	}
	body, err := p.Cards.Card(c.UserContext(), owner, pr)
	if err != nil {
		return err
	}
	setHeaders(c, etag)
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(body)
}

// setHeaders are the media's: an hour in caches, then revalidation by
// ETag (a project may go back to draft).
func setHeaders(c *fiber.Ctx, etag string) {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
}
