package applications

import (
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// List pages through the caller's applications.
//
//	@Summary		List the caller's applications
//	@Description	Newest first. Pass next_cursor back as cursor for the next page. Filter by status with status=interview,offer (or status repeated).
//	@Tags			applications
//	@Security		BearerAuth
//	@Produce		json
//	@Param			limit	query		int		false	"page size, 1-100"	default(25)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Param			status	query		string	false	"statuses to list, comma-separated"
//	@Success		200		{object}	ApplicationList
//	@Failure		400		{object}	api.Problem
//	@Failure		401		{object}	api.Problem
//	@Router			/api/v1/applications [get]
func (h *Handler) List(c *fiber.Ctx) error {
	f, err := listParams(c)
	if err != nil {
		return err
	}
	page, err := h.svc.Applications.Applications(c.UserContext(), owner(c), f)
	if err != nil {
		return err
	}
	out := ApplicationList{Items: make([]ApplicationResponse, len(page.Applications))}
	for i, a := range page.Applications {
		out.Items[i] = applicationResponse(a)
	}
	if page.NextCursor > 0 {
		out.NextCursor = request.EncodeCursor(page.NextCursor)
	}
	return c.JSON(out)
}

// Create adds an application.
//
//	@Summary		Create an application
//	@Description	Company is required; status defaults to applied. project_ids must be the caller's projects. The timeline starts with a "created" entry. Send an Idempotency-Key header to make retries safe.
//	@Tags			applications
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string				false	"repeat-safe key"
//	@Param			body			body		ApplicationRequest	true	"the application"
//	@Success		201				{object}	ApplicationResponse
//	@Failure		400				{object}	api.Problem
//	@Failure		401				{object}	api.Problem
//	@Failure		422				{object}	api.Problem	"invalid fields"
//	@Router			/api/v1/applications [post]
func (h *Handler) Create(c *fiber.Ctx) error {
	var req ApplicationRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	a, err := h.svc.Applications.CreateApplication(c.UserContext(), owner(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(applicationResponse(a))
}

// Get returns one application.
//
//	@Summary	Get an application
//	@Tags		applications
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"application id"
//	@Success	200	{object}	ApplicationResponse
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem
//	@Router		/api/v1/applications/{id} [get]
func (h *Handler) Get(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.Applications.Application(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	return c.JSON(applicationResponse(a))
}

// Patch changes the given fields.
//
//	@Summary		Update an application
//	@Description	Absent fields are unchanged; an empty date clears it; a null salary clears it. A status change adds a timeline entry.
//	@Tags			applications
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			id		path		int					true	"application id"
//	@Param			body	body		ApplicationRequest	true	"the fields to change"
//	@Success		200		{object}	ApplicationResponse
//	@Failure		400		{object}	api.Problem
//	@Failure		401		{object}	api.Problem
//	@Failure		404		{object}	api.Problem
//	@Failure		422		{object}	api.Problem	"invalid fields"
//	@Router			/api/v1/applications/{id} [patch]
func (h *Handler) Patch(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req ApplicationRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	a, err := h.svc.Applications.UpdateApplication(c.UserContext(), owner(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(applicationResponse(a))
}

// Delete removes an application with its timeline and share links.
//
//	@Summary		Delete an application
//	@Description	Its share links stop working at once; what visitors did through them stays in the analytics totals.
//	@Tags			applications
//	@Security		BearerAuth
//	@Param			id	path	int	true	"application id"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		404	{object}	api.Problem
//	@Router			/api/v1/applications/{id} [delete]
func (h *Handler) Delete(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Applications.DeleteApplication(c.UserContext(), owner(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// NoteRequest is a dated note for the timeline.
type NoteRequest struct {
	Body string `json:"body" example:"Called Jo: the team moves to Go next quarter."`
}

// TimelineEntry is one entry of an application's timeline: the owner's
// (created, status, note) or what visitors did through a share link in a
// day (share_view, share_play, share_demo_click, share_code_click,
// share_docs_open).
type TimelineEntry struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind" example:"status"`
	FromStatus string    `json:"from_status,omitempty" example:"applied"`
	ToStatus   string    `json:"to_status,omitempty" example:"interview"`
	// Body is a note's Markdown.
	Body string `json:"body,omitempty"`
	// Share activity: the link, the page (0: the portfolio page), the day's
	// counts, the furthest quarter a play reached, and the first and last time.
	ShareLinkID int64      `json:"share_link_id,omitempty"`
	ProjectID   int64      `json:"project_id,omitempty"`
	Events      int64      `json:"events,omitempty"`
	Visitors    int64      `json:"visitors,omitempty"`
	MaxProgress int        `json:"max_progress,omitempty"`
	Last        *time.Time `json:"last,omitempty"`
}

// Timeline is an application's history, oldest first.
type Timeline struct {
	Items []TimelineEntry `json:"items"`
}

// AddNote adds a note to the timeline.
//
//	@Summary	Add a note to an application's timeline
//	@Tags		applications
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		id		path		int			true	"application id"
//	@Param		body	body		NoteRequest	true	"the note, Markdown, at most 20,000 characters"
//	@Success	201		{object}	TimelineEntry
//	@Failure	401		{object}	api.Problem
//	@Failure	404		{object}	api.Problem
//	@Failure	422		{object}	api.Problem
//	@Router		/api/v1/applications/{id}/notes [post]
func (h *Handler) AddNote(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req NoteRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	ev, err := h.svc.Applications.AddApplicationNote(c.UserContext(), owner(c), id, req.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(eventEntry(*ev))
}

func eventEntry(e folio.ApplicationEvent) TimelineEntry {
	return TimelineEntry{At: e.At, Kind: string(e.Kind), FromStatus: string(e.FromStatus), ToStatus: string(e.ToStatus), Body: e.Body}
}

// GetTimeline returns the application's history.
//
//	@Summary		An application's timeline
//	@Description	Created, status changes and notes, merged with what visitors did through the application's share links (per link, page, kind and day, within the analytics retention), oldest first.
//	@Tags			applications
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"application id"
//	@Success		200	{object}	Timeline
//	@Failure		401	{object}	api.Problem
//	@Failure		404	{object}	api.Problem
//	@Router			/api/v1/applications/{id}/timeline [get]
func (h *Handler) GetTimeline(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	ctx, me := c.UserContext(), owner(c)
	events, err := h.svc.Applications.ApplicationEvents(ctx, me, id)
	if err != nil {
		return err
	}
	out := Timeline{Items: make([]TimelineEntry, 0, len(events))}
	for _, e := range events {
		out.Items = append(out.Items, eventEntry(e))
	}
	if h.svc.ShareActivity != nil {
		acts, err := h.svc.ShareActivity.ShareActivity(ctx, me, id)
		if err != nil {
			return err
		}
		for _, a := range acts {
			last := a.Last
			out.Items = append(out.Items, TimelineEntry{At: a.First, Kind: "share_" + string(a.Kind), ShareLinkID: a.ShareLinkID,
				ProjectID: a.ProjectID, Events: a.Events, Visitors: a.Visitors, MaxProgress: a.MaxProgress, Last: &last})
		}
		sort.SliceStable(out.Items, func(i, j int) bool { return out.Items[i].At.Before(out.Items[j].At) })
	}
	return c.JSON(out)
}
