// Package repoimportapi serves "new project from a repository" in the
// JSON API: POST starts an import, GET follows it to the draft it makes.
// The routes are listed in the API's route table (internal/api/routes.go);
// the workflow is internal/repoimport's.
package repoimportapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/repoimport"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// ImportRequest names the repository to start a project from.
type ImportRequest struct {
	RepositoryURL string `json:"repository_url" example:"https://github.com/ada/orders-api"`
}

// LanguageResponse is one language of the repository, by bytes of code.
type LanguageResponse struct {
	Name  string `json:"name" example:"Go"`
	Bytes int64  `json:"bytes" example:"48213"`
}

// ImportResponse is an import and what it found.
type ImportResponse struct {
	ID            int64  `json:"id"`
	RepositoryURL string `json:"repository_url"`
	Status        string `json:"status" enums:"queued,running,done,failed"`
	// Error says why a failed import failed, in words to act on.
	Error string `json:"error,omitempty" example:"The repository is larger than 200 MB."`
	// ProjectID is the draft made (never published by an import); absent
	// until done, and once the draft is deleted.
	ProjectID *int64 `json:"project_id,omitempty"`
	// ReviewURL is the dashboard page where the owner reviews the draft.
	ReviewURL string             `json:"review_url,omitempty" example:"/dashboard/projects/42"`
	License   string             `json:"license,omitempty" example:"MIT"`
	Languages []LanguageResponse `json:"languages"`
	Homepage  string             `json:"homepage,omitempty" example:"https://orders.example.com"`
	// APIDocs says what was sent to API-docs generation: "spec:<path>",
	// "swag", or "" for nothing found; follow it at
	// /api/v1/projects/{project_id}/apidocs.
	APIDocs    string     `json:"api_docs,omitempty" example:"spec:docs/openapi.yaml"`
	Notes      []string   `json:"notes"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Response is the API's view of imp.
func Response(imp *repoimport.Import) ImportResponse {
	r := ImportResponse{ID: imp.ID, RepositoryURL: imp.RepositoryURL, Status: string(imp.Status), Error: imp.Error,
		License: imp.License, Homepage: imp.Homepage, APIDocs: imp.APIDocs, Notes: imp.Notes,
		Languages: []LanguageResponse{}, CreatedAt: imp.CreatedAt}
	if r.Notes == nil {
		r.Notes = []string{}
	}
	for _, l := range imp.Languages {
		r.Languages = append(r.Languages, LanguageResponse(l))
	}
	if imp.ProjectID != 0 && imp.Status == repoimport.StatusDone {
		id := imp.ProjectID
		r.ProjectID, r.ReviewURL = &id, "/dashboard/projects/"+strconv.FormatInt(id, 10)
	}
	if !imp.FinishedAt.IsZero() {
		t := imp.FinishedAt
		r.FinishedAt = &t
	}
	return r
}

// ListResponse is the caller's latest imports, newest first. Folio keeps
// an owner's latest 50, so the list needs no pages.
type ListResponse struct {
	Imports []ImportResponse `json:"imports"`
}

type handlers struct {
	svc    *repoimport.Service
	intake body.Intake
}

// Routes mounts the routes on v1 behind signedIn; create also behind
// idempotent (Idempotency-Key). Without a service they answer 404.
func Routes(v1 fiber.Router, signedIn, idempotent fiber.Handler, svc *repoimport.Service, intake body.Intake) {
	h := &handlers{svc: svc, intake: intake}
	v1.Get("/repository-imports", signedIn, h.available, h.list)
	v1.Post("/repository-imports", signedIn, h.available, idempotent, h.create)
	v1.Get("/repository-imports/:id", signedIn, h.available, h.get)
}

func (h *handlers) available(c *fiber.Ctx) error {
	if h.svc == nil {
		return folio.Errorf(folio.ENOTFOUND, "Importing from repositories is not set up on this instance.")
	}
	return c.Next()
}

// create starts an import.
//
//	@Summary		New project from a repository
//	@Description	Queues an import of a public Git repository (http or https): the worker makes a shallow clone (on the public internet only, at most 200 MB, 2 minutes), reads the README (title, tagline, description with relative images pointed at the repository), the languages (tech tags), the license, a demo or homepage link and an OpenAPI file or swag annotations (sent to API-docs generation), and makes a draft project for review. Nothing is published. Follow the import at its GET; it ends done (project_id set) or failed (error says why). Limited to 10 imports an hour and 3 at a time per owner. Honours Idempotency-Key.
//	@Tags			projects
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ImportRequest	true	"the repository"
//	@Success		202		{object}	ImportResponse
//	@Failure		401		{object}	api.Problem
//	@Failure		422		{object}	api.Problem	"not an http(s) URL"
//	@Failure		429		{object}	api.Problem	"over the hourly limit (Retry-After), or 3 imports in progress"
//	@Router			/api/v1/repository-imports [post]
func (h *handlers) create(c *fiber.Ctx) error {
	var req ImportRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	imp, err := h.svc.Start(c.UserContext(), request.User(c).ID, req.RepositoryURL, request.ID(c))
	if retry, ok := repoimport.IsTooMany(err); ok {
		return request.TooMany(c, retry)
	} else if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/repository-imports/"+strconv.FormatInt(imp.ID, 10))
	return c.Status(fiber.StatusAccepted).JSON(Response(imp))
}

// list lists the caller's imports.
//
//	@Summary	Repository imports
//	@Tags		projects
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	ListResponse
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/repository-imports [get]
func (h *handlers) list(c *fiber.Ctx) error {
	imps, err := h.svc.Recent(c.UserContext(), request.User(c).ID, repoimport.MaxHistory)
	if err != nil {
		return err
	}
	out := ListResponse{Imports: make([]ImportResponse, 0, len(imps))}
	for _, imp := range imps {
		out.Imports = append(out.Imports, Response(imp))
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// get reports an import.
//
//	@Summary	Repository import status
//	@Tags		projects
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"import id"
//	@Success	200	{object}	ImportResponse
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem	"no such import of the caller's"
//	@Router		/api/v1/repository-imports/{id} [get]
func (h *handlers) get(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	imp, err := h.svc.Import(c.UserContext(), request.User(c).ID, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(Response(imp))
}
