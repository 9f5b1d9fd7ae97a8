// Package specdoc serves a public project's generated OpenAPI document
// (/{handle}/{project}/openapi.json), which its API-docs viewer loads.
package specdoc

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/storage"
)

// Handler serves a project's generated document, to whoever may see the
// project.
type Handler struct {
	Users    folio.UserService
	Projects folio.ProjectService
	APIDocs  folio.APIDocsService
	Store    *storage.Store
}

// Serve answers GET /{handle}/{project}/openapi.json.
func (s *Handler) Serve(c *fiber.Ctx) error {
	ctx := c.UserContext()
	owner, err := s.Users.UserByHandle(ctx, c.Params("handle"))
	if err != nil {
		return notFoundOr(err)
	}
	p, err := s.Projects.ProjectBySlug(ctx, owner.ID, c.Params("project"))
	if err != nil {
		return notFoundOr(err)
	}
	if p.Visibility == folio.VisibilityDraft && (request.Viewer(c) == nil || request.Viewer(c).ID != owner.ID) {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	d, err := s.APIDocs.APIDocs(ctx, p.ID)
	if err != nil || d.Status != "ready" {
		return notFoundOr(err)
	}
	body, err := s.Store.OpenRange(ctx, d.DocumentKey, 0, -1)
	if err != nil {
		return err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, 2*apidocs.MaxSpecBytes))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	// Public API documents may be read by any tool, from any origin.
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return c.Send(data)
}

func notFoundOr(err error) error {
	if err == nil || folio.ErrorCode(err) == folio.ENOTFOUND {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	return err
}
