package api

import (
	"mime"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// APIDocsResponse is the state of a project's generated API docs.
type APIDocsResponse struct {
	Status     string    `json:"status" enums:"pending,generating,ready,failed"`
	Source     string    `json:"source" enums:"spec,zip,tar.gz,repository"`
	Title      string    `json:"title,omitempty"`
	Version    string    `json:"version,omitempty"`
	Operations int       `json:"operations"`
	Tags       []string  `json:"tags"`
	Error      string    `json:"error,omitempty" example:"no swag annotations found: add // @title to the file with main()"`
	URL        string    `json:"url,omitempty" example:"https://folio.example.com/ada/orders-api/openapi.json"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (s *API) apiDocsResponse(d *folio.APIDocs, handle, slug string) APIDocsResponse {
	r := APIDocsResponse{Status: d.Status, Source: string(d.Source), Title: d.Title, Version: d.Version,
		Operations: d.Operations, Tags: d.Tags, Error: d.Error, UpdatedAt: d.UpdatedAt}
	if d.Status == "ready" {
		r.URL = s.absolute(handle, slug, "openapi.json")
	}
	return r
}

// postAPIDocs takes a spec, an archive or a request to use the repository.
//
//	@Summary		Generate API docs
//	@Description	Send an OpenAPI/Swagger document (application/json or application/yaml), a zip (application/zip) or tar.gz (application/gzip) of swag-annotated Go source, or {"from_repository": true} to use the project's repository URL. The worker generates an OpenAPI 3 document. Every request runs, whatever became of earlier ones; a request that arrives while an earlier one is generating supersedes it.
//	@Tags			apidocs
//	@Security		BearerAuth
//	@Accept			json
//	@Accept			application/yaml
//	@Accept			application/zip
//	@Accept			application/gzip
//	@Produce		json
//	@Param			id	path		int	true	"project id"
//	@Success		202	{object}	APIDocsResponse
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		413	{object}	Problem
//	@Failure		415	{object}	Problem
//	@Failure		422	{object}	Problem	"from_repository without a repository URL"
//	@Router			/api/v1/projects/{id}/apidocs [post]
func (s *API) postAPIDocs(c *fiber.Ctx) error {
	p, err := s.callerProject(c)
	if err != nil {
		s.intake.Discard(c)
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if _, limit := apidocs.SourceFor(mt); limit > 0 && int64(c.Request().Header.ContentLength()) > limit {
		s.intake.Discard(c)
		return body.TooLarge(limit)
	}
	d, err := s.opts.DocsRequests.Submit(c.UserContext(), apidocs.Submission{
		OwnerID: request.User(c).ID, Project: p, MediaType: mt, Body: s.intake.Stream(c), RequestID: request.ID(c)})
	if err != nil {
		return s.refusedUpload(c, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(s.apiDocsResponse(d, request.User(c).Handle, p.Slug))
}

// getAPIDocs reports the state of a project's API docs.
//
//	@Summary	API docs status
//	@Tags		apidocs
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"project id"
//	@Success	200	{object}	APIDocsResponse
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem	"no such project, or no docs requested"
//	@Router		/api/v1/projects/{id}/apidocs [get]
func (s *API) getAPIDocs(c *fiber.Ctx) error {
	p, err := s.callerProject(c)
	if err != nil {
		return err
	}
	d, err := s.opts.APIDocs.APIDocs(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(s.apiDocsResponse(d, request.User(c).Handle, p.Slug))
}
