// Package preview renders Markdown exactly as the public pages will, at
// POST /api/v1/preview (listed in internal/api/routes.go).
package preview

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// PreviewRequest is Markdown to preview.
type PreviewRequest struct {
	Markdown string `json:"markdown"`
}

// PreviewResponse is the sanitized HTML a page would show.
type PreviewResponse struct {
	HTML string `json:"html"`
}

// Handler renders Markdown exactly as the public pages will.
//
//	@Summary	Preview Markdown
//	@Tags		me
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		body	body		PreviewRequest	true	"Markdown"
//	@Success	200		{object}	PreviewResponse
//	@Failure	401		{object}	api.Problem
//	@Failure	413		{object}	api.Problem	"longer than a project description may be"
//	@Failure	503		{object}	api.Problem	"the render took too long"
//	@Router		/api/v1/preview [post]
func Handler(intake body.Intake) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req PreviewRequest
		if err := intake.DecodeJSON(c, &req); err != nil {
			return err
		}
		// Nothing longer can be stored, so nothing longer needs a preview.
		if utf8.RuneCountInString(req.Markdown) > folio.MaxMarkdown {
			return folio.Errorf(folio.ETOOLARGE, "Markdown is limited to %d characters, the length of a project description.", folio.MaxMarkdown)
		}
		h, err := request.RenderMarkdown(c.UserContext(), req.Markdown)
		if err != nil {
			return err
		}
		return c.JSON(PreviewResponse{HTML: string(h)})
	}
}
