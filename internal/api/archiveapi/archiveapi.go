// Package archiveapi serves the owner's own data in the JSON API: the
// full account archive (export and import) and the deletion of the
// account. internal/server mounts Routes before the API's own table
// (whose /api/v1 catch-all answers 404); the workflows are
// internal/archive's and internal/accountdelete's.
package archiveapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/accountdelete"
	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// Handlers serve the routes.
type Handlers struct {
	Deletion *accountdelete.Service // nil: no deletion route
	Archives *archive.Service       // nil: no archive routes
	// Gate bounds the streamed uploads in progress (the media uploads'
	// gate: each holds a part buffer); nil: none.
	Gate   Gate
	Intake body.Intake
}

// Gate admits a streamed upload: an *upload.Service.
type Gate interface {
	Acquire(ownerID int64) (release func(), err error)
}

// ImportPath is the route an archive is uploaded to; the server gives its
// body the archive size limit rather than the JSON one.
const ImportPath = "/api/v1/me/archive/imports"

// Routes mounts the routes on r, each behind authn (every one needs a
// signed-in caller, and a cookie caller's CSRF token to change state).
func (h Handlers) Routes(r fiber.Router, authn *request.Authenticator) {
	signedIn := []fiber.Handler{request.WithETag, authn.Authenticate, authn.RequireAuth}
	route := func(hs ...fiber.Handler) []fiber.Handler {
		return append(append([]fiber.Handler{}, signedIn...), hs...)
	}
	if h.Deletion != nil {
		r.Delete("/api/v1/me", route(h.DeleteAccount)...)
	}
	if h.Archives != nil {
		r.Post("/api/v1/me/archive/exports", route(h.RequestExport)...)
		r.Get("/api/v1/me/archive/exports", route(h.ListExports)...)
		r.Get("/api/v1/me/archive/exports/:id", route(h.GetExport)...)
		r.Post(ImportPath, route(h.UploadImport)...)
		r.Get(ImportPath, route(h.ListImports)...)
		r.Get(ImportPath+"/:id", route(h.GetImport)...)
	}
}

// DeleteRequest confirms the deletion of the caller's account.
type DeleteRequest struct {
	Password string `json:"password" example:"correct horse battery"`
}

// DeleteAccount deletes the caller's account and everything it holds.
//
//	@Summary		Delete the account
//	@Description	Deletes the caller's account for good, once confirmed with the current password: profile, projects, media and API docs (rows and stored files), applications and share links, analytics, notifications and webhooks, archives, sessions and API tokens, and the queued tasks that name any of them. Nothing can be restored afterwards; export an archive first to keep a copy. Limited to 5 attempts an hour.
//	@Tags			me
//	@Security		BearerAuth
//	@Accept			json
//	@Param			body	body	DeleteRequest	true	"the current password"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		422	{object}	api.Problem	"wrong or missing password"
//	@Failure		429	{object}	api.Problem	"too many attempts"
//	@Router			/api/v1/me [delete]
func (h Handlers) DeleteAccount(c *fiber.Ctx) error {
	var req DeleteRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.Deletion.DeleteOwn(c.UserContext(), request.User(c).ID, req.Password); err != nil {
		return err
	}
	c.ClearCookie(request.SessionCookie, request.CSRFCookie)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStatus(fiber.StatusNoContent)
}
