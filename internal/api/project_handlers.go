package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// Pitch is the 60-90 second story of a project.
type Pitch struct {
	Problem  string `json:"problem" example:"Recruiters never saw my backend work."`
	Approach string `json:"approach" example:"A Go service with a queue and a cache."`
	Result   string `json:"result" example:"p99 under 40 ms at 2k req/s."`
}

// ProjectResponse is a project as its owner sees it.
type ProjectResponse struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug" example:"orders-api"`
	Title         string    `json:"title" example:"Orders API"`
	Tagline       string    `json:"tagline" example:"Idempotent order intake at scale"`
	Description   string    `json:"description" example:"## What it does\n..."`
	Pitch         Pitch     `json:"pitch"`
	TechTags      []string  `json:"tech_tags" example:"go,postgresql"`
	DemoURL       string    `json:"demo_url" example:"https://orders.example.com"`
	RepositoryURL string    `json:"repository_url" example:"https://github.com/ada/orders"`
	Visibility    string    `json:"visibility" enums:"draft,public,unlisted"`
	FeaturedRank  *int      `json:"featured_rank" example:"1"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func projectResponse(p *folio.Project) ProjectResponse {
	r := ProjectResponse{
		ID: p.ID, Slug: p.Slug, Title: p.Title, Tagline: p.Tagline, Description: p.Description,
		Pitch:    Pitch{Problem: p.PitchProblem, Approach: p.PitchApproach, Result: p.PitchResult},
		TechTags: p.TechTags, DemoURL: p.DemoURL, RepositoryURL: p.RepositoryURL,
		Visibility: string(p.Visibility), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	if p.FeaturedRank > 0 {
		rank := p.FeaturedRank
		r.FeaturedRank = &rank
	}
	return r
}

func projectResponses(ps []*folio.Project) []ProjectResponse {
	out := make([]ProjectResponse, len(ps))
	for i, p := range ps {
		out[i] = projectResponse(p)
	}
	return out
}

// PitchInput sets some parts of the pitch.
type PitchInput struct {
	Problem  *string `json:"problem"`
	Approach *string `json:"approach"`
	Result   *string `json:"result"`
}

// ProjectRequest creates a project (title required) or changes one (absent
// fields stay as they are).
type ProjectRequest struct {
	Slug          *string     `json:"slug" example:"orders-api"`
	Title         *string     `json:"title" example:"Orders API"`
	Tagline       *string     `json:"tagline"`
	Description   *string     `json:"description"`
	Pitch         *PitchInput `json:"pitch"`
	TechTags      *[]string   `json:"tech_tags"`
	DemoURL       *string     `json:"demo_url"`
	RepositoryURL *string     `json:"repository_url"`
	Visibility    *string     `json:"visibility" enums:"draft,public,unlisted"`
}

func (r *ProjectRequest) input() folio.ProjectInput {
	in := folio.ProjectInput{
		Slug: r.Slug, Title: r.Title, Tagline: r.Tagline, Description: r.Description,
		TechTags: r.TechTags, DemoURL: r.DemoURL, RepositoryURL: r.RepositoryURL,
	}
	if r.Pitch != nil {
		in.PitchProblem, in.PitchApproach, in.PitchResult = r.Pitch.Problem, r.Pitch.Approach, r.Pitch.Result
	}
	if r.Visibility != nil {
		v := folio.Visibility(*r.Visibility)
		in.Visibility = &v
	}
	return in
}

// ProjectList is one page of the caller's projects.
type ProjectList struct {
	Items      []ProjectResponse `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

func pageParams(c *fiber.Ctx) (cursor int64, limit int, err error) {
	var v folio.Validation
	limit = defaultPageSize
	if s := c.Query("limit"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > maxPageSize {
			v.Add("limit", "must be a whole number from 1 to %d", maxPageSize)
		}
		limit = n
	}
	if s := c.Query("cursor"); s != "" {
		var ok bool
		if cursor, ok = request.DecodeCursor(s); !ok {
			v.Add("cursor", "is not a cursor this API returned")
		}
	}
	if verr := v.Err(); verr != nil {
		return 0, 0, &folio.Error{Code: CodeBadRequest, Message: "Some query parameters are invalid.", Fields: verr.(*folio.Error).Fields}
	}
	return cursor, limit, nil
}

// listProjects pages through the caller's projects.
//
//	@Summary		List the caller's projects
//	@Description	Newest first. Pass next_cursor back as cursor for the next page; pages stay stable while projects are added.
//	@Tags			projects
//	@Security		BearerAuth
//	@Produce		json
//	@Param			limit	query		int		false	"page size, 1-100"	default(20)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ProjectList
//	@Success		304		"not modified (If-None-Match)"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Router			/api/v1/projects [get]
func (s *API) listProjects(c *fiber.Ctx) error {
	cursor, limit, err := pageParams(c)
	if err != nil {
		return err
	}
	page, err := s.opts.Projects.Projects(c.UserContext(), request.User(c).ID, cursor, limit)
	if err != nil {
		return err
	}
	out := ProjectList{Items: projectResponses(page.Projects)}
	if page.NextCursor > 0 {
		out.NextCursor = request.EncodeCursor(page.NextCursor)
	}
	return c.JSON(out)
}

// createProject adds a project.
//
//	@Summary		Create a project
//	@Description	The slug is generated from the title when absent. Send an Idempotency-Key header to make retries safe.
//	@Tags			projects
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"repeat-safe key"
//	@Param			body			body		ProjectRequest	true	"the project"
//	@Success		201				{object}	ProjectResponse
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		409				{object}	Problem	"slug taken"
//	@Failure		422				{object}	Problem	"invalid fields, or Idempotency-Key reused with another body"
//	@Router			/api/v1/projects [post]
func (s *API) createProject(c *fiber.Ctx) error {
	var req ProjectRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.opts.Projects.CreateProject(c.UserContext(), request.User(c).ID, req.input())
	if err != nil {
		return err
	}
	c.Location("/api/v1/projects/" + strconv.FormatInt(p.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(projectResponse(p))
}

// getProject returns one of the caller's projects.
//
//	@Summary	Get a project
//	@Tags		projects
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"project id"
//	@Success	200	{object}	ProjectResponse
//	@Success	304	"not modified (If-None-Match)"
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem	"no such project of yours"
//	@Router		/api/v1/projects/{id} [get]
func (s *API) getProject(c *fiber.Ctx) error {
	p, err := s.callerProject(c)
	if err != nil {
		return err
	}
	return c.JSON(projectResponse(p))
}

// patchProject changes a project.
//
//	@Summary		Change a project
//	@Description	Making a featured project draft or unlisted removes it from the featured list.
//	@Tags			projects
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			id		path		int				true	"project id"
//	@Param			body	body		ProjectRequest	true	"fields to change"
//	@Success		200		{object}	ProjectResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/projects/{id} [patch]
func (s *API) patchProject(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req ProjectRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.opts.Projects.UpdateProject(c.UserContext(), request.User(c).ID, id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(projectResponse(p))
}

// deleteProject removes a project.
//
//	@Summary		Delete a project
//	@Description	Its media and their stored files are deleted too (the files by a background task).
//	@Tags			projects
//	@Security	BearerAuth
//	@Param		id	path	int	true	"project id"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/projects/{id} [delete]
func (s *API) deleteProject(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := s.opts.ProjectDeletes.Delete(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// FeaturedRequest lists the featured projects in order.
type FeaturedRequest struct {
	ProjectIDs []int64 `json:"project_ids" example:"12,7,9"`
}

// FeaturedResponse is the featured projects in order.
type FeaturedResponse struct {
	Items []ProjectResponse `json:"items"`
}

// putFeatured sets the featured projects and their order.
//
//	@Summary		Choose the featured projects
//	@Description	Replaces the featured list atomically. At most 5 ids, each one of the caller's public projects; an empty list unfeatures all.
//	@Tags			me
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		FeaturedRequest	true	"project ids in order"
//	@Success		200		{object}	FeaturedResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		422		{object}	Problem	"more than 5, duplicates, or ids that are not your public projects (named)"
//	@Router			/api/v1/me/featured [put]
func (s *API) putFeatured(c *fiber.Ctx) error {
	var req FeaturedRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.ProjectIDs == nil {
		return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.", Fields: []folio.FieldError{{Field: "project_ids", Message: "is required (an empty list unfeatures all)"}}}
	}
	ps, err := s.opts.Projects.SetFeatured(c.UserContext(), request.User(c).ID, req.ProjectIDs)
	if err != nil {
		return err
	}
	return c.JSON(FeaturedResponse{Items: projectResponses(ps)})
}
