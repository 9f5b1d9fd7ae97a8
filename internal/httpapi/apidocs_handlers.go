package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
)

// maxArchiveBytes bounds an uploaded source archive (compressed).
const maxArchiveBytes = 50 << 20

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

func (s *Server) apiDocsResponse(d *folio.APIDocs, handle, slug string) APIDocsResponse {
	r := APIDocsResponse{Status: d.Status, Source: string(d.Source), Title: d.Title, Version: d.Version,
		Operations: d.Operations, Tags: d.Tags, Error: d.Error, UpdatedAt: d.UpdatedAt}
	if d.Status == "ready" {
		r.URL = s.absolute(handle, slug, "openapi.json")
	}
	return r
}

// apiDocsSource is what a body of media type mt is, and its size limit;
// "" for a type not accepted.
func apiDocsSource(mt string) (folio.APIDocsSource, int64) {
	switch mt {
	case "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		return folio.SourceSpec, apidocs.MaxSpecBytes
	case "application/zip", "application/x-zip-compressed":
		return folio.SourceZip, maxArchiveBytes
	case "application/gzip", "application/x-gzip", "application/x-tar+gzip", "application/x-compressed-tar":
		return folio.SourceTarGz, maxArchiveBytes
	}
	return "", 0
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
func (s *Server) postAPIDocs(c *fiber.Ctx) (err error) {
	defer func() {
		if err != nil {
			s.discardBody(c)
		}
	}()
	ctx := c.UserContext()
	p, err := s.callerProject(c)
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	source, limit := apiDocsSource(mt)
	if source == "" {
		return folio.Errorf("unsupported_media_type", "Send an OpenAPI document (JSON or YAML), a zip or tar.gz of Go source, or {\"from_repository\": true}.")
	}
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > limit {
		return tooLarge(limit)
	}
	// The source streams to storage through a part buffer, like a media upload.
	release, err := s.uploads.acquire(currentUser(c).ID)
	if err != nil {
		c.Set(fiber.HeaderRetryAfter, uploadRetryAfter)
		return err
	}
	defer release()
	var body io.Reader = s.body(c)
	if mt == "application/json" {
		// Small enough to hold: it may be the repository request.
		data, err := io.ReadAll(&limitedReader{r: body, n: limit})
		if errors.Is(err, errTooLarge) {
			return tooLarge(limit)
		} else if err != nil {
			return err
		}
		var req struct {
			FromRepository bool `json:"from_repository"`
		}
		if json.Unmarshal(data, &req) == nil && req.FromRepository {
			if p.RepositoryURL == "" {
				return &folio.Error{Code: folio.EINVALID, Message: "The project has no repository URL.",
					Fields: []folio.FieldError{{Field: "repository_url", Message: "set it first, or upload the spec"}}}
			}
			source = folio.SourceRepository
		}
		body = bytes.NewReader(data)
	}
	if source == folio.SourceRepository {
		body = nil
	} else {
		body = &limitedReader{r: body, n: limit}
	}
	requests := apidocs.Requester{Docs: s.opts.APIDocs, Store: s.opts.Store, Queue: s.opts.Queue}
	d, err := requests.Request(ctx, p.ID, source, body, mt, requestID(c))
	if errors.Is(err, errTooLarge) {
		return tooLarge(limit)
	} else if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(s.apiDocsResponse(d, currentUser(c).Handle, p.Slug))
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
func (s *Server) getAPIDocs(c *fiber.Ctx) error {
	p, err := s.callerProject(c)
	if err != nil {
		return err
	}
	d, err := s.opts.APIDocs.APIDocs(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(s.apiDocsResponse(d, currentUser(c).Handle, p.Slug))
}

// projectOpenAPI serves a project's generated document, to whoever may
// see the project.
func (s *Server) projectOpenAPI(c *fiber.Ctx) error {
	ctx := c.UserContext()
	owner, err := s.opts.Users.UserByHandle(ctx, c.Params("handle"))
	if err != nil {
		return notFoundOr(err)
	}
	p, err := s.opts.Projects.ProjectBySlug(ctx, owner.ID, c.Params("project"))
	if err != nil {
		return notFoundOr(err)
	}
	if p.Visibility == folio.VisibilityDraft && (viewerOf(c) == nil || viewerOf(c).ID != owner.ID) {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	d, err := s.opts.APIDocs.APIDocs(ctx, p.ID)
	if err != nil || d.Status != "ready" {
		return notFoundOr(err)
	}
	body, err := s.opts.Store.OpenRange(ctx, d.DocumentKey, 0, -1)
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
