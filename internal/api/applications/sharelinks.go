package applications

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// ShareLinkRequest creates or patches a share link; absent fields are
// unchanged, an empty expires_at clears the expiry.
type ShareLinkRequest struct {
	Label *string `json:"label" example:"Acme, payments team"`
	// ProjectIDs are the caller's public or unlisted projects to feature,
	// in order; empty: the portfolio's own featured projects.
	ProjectIDs *[]int64 `json:"project_ids"`
	Note       *string  `json:"note" example:"Hello Acme team — the Orders API is closest to your payments work."`
	ExpiresAt  *string  `json:"expires_at" example:"2027-01-31T00:00:00Z"`
}

func (r *ShareLinkRequest) input() (folio.ShareLinkInput, error) {
	in := folio.ShareLinkInput{Label: r.Label, ProjectIDs: r.ProjectIDs, Note: r.Note}
	if r.ExpiresAt != nil {
		var t time.Time
		if *r.ExpiresAt != "" {
			var err error
			if t, err = time.Parse(time.RFC3339, *r.ExpiresAt); err != nil {
				var v folio.Validation
				v.Add("expires_at", "must be a time such as 2027-01-31T00:00:00Z, or empty")
				return in, v.Err()
			}
		}
		in.ExpiresAt = &t
	}
	return in, nil
}

// ShareLinkResponse is a share link with the URL to send.
type ShareLinkResponse struct {
	ID            int64      `json:"id"`
	ApplicationID int64      `json:"application_id"`
	URL           string     `json:"url" example:"https://folio.example/s/3q2-7wHkQ0yq9mD1c2bPpTJQ5bC0rV8s1yXwA4nGk6E"`
	Label         string     `json:"label"`
	ProjectIDs    []int64    `json:"project_ids"`
	Note          string     `json:"note"`
	ExpiresAt     *time.Time `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
	// Active says whether the link opens a page now.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ShareLinkList is an application's links, oldest first.
type ShareLinkList struct {
	Items []ShareLinkResponse `json:"items"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (h *Handler) shareLinkResponse(l *folio.ShareLink) ShareLinkResponse {
	return ShareLinkResponse{ID: l.ID, ApplicationID: l.ApplicationID, URL: h.baseURL.JoinPath("s", l.Token).String(),
		Label: l.Label, ProjectIDs: l.ProjectIDs, Note: l.Note, ExpiresAt: optionalTime(l.ExpiresAt), RevokedAt: optionalTime(l.RevokedAt),
		Active: l.Active(time.Now()), CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

// ListShareLinks lists an application's share links.
//
//	@Summary	List an application's share links
//	@Tags		share links
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"application id"
//	@Success	200	{object}	ShareLinkList
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem
//	@Router		/api/v1/applications/{id}/share-links [get]
func (h *Handler) ListShareLinks(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	links, err := h.svc.ShareLinks.ShareLinks(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	out := ShareLinkList{Items: make([]ShareLinkResponse, len(links))}
	for i, l := range links {
		out.Items[i] = h.shareLinkResponse(l)
	}
	return c.JSON(out)
}

// CreateShareLink makes a tailored link for an application.
//
//	@Summary		Create a share link
//	@Description	A new unguessable link (256 random bits) to the caller's portfolio, tailored for this application: the projects to feature in order and a note at the top. Views, plays and clicks through it show in the application's timeline. At most 50 per application.
//	@Tags			share links
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			id		path		int					true	"application id"
//	@Param			body	body		ShareLinkRequest	true	"the link"
//	@Success		201		{object}	ShareLinkResponse
//	@Failure		401		{object}	api.Problem
//	@Failure		404		{object}	api.Problem
//	@Failure		409		{object}	api.Problem	"50 links already"
//	@Failure		422		{object}	api.Problem
//	@Router			/api/v1/applications/{id}/share-links [post]
func (h *Handler) CreateShareLink(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req ShareLinkRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	l, err := h.svc.ShareLinks.CreateShareLink(c.UserContext(), owner(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.shareLinkResponse(l))
}

// GetShareLink returns one share link.
//
//	@Summary	Get a share link
//	@Tags		share links
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"share link id"
//	@Success	200	{object}	ShareLinkResponse
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem
//	@Router		/api/v1/share-links/{id} [get]
func (h *Handler) GetShareLink(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	l, err := h.svc.ShareLinks.ShareLink(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h.shareLinkResponse(l))
}

// PatchShareLink changes a share link's label, projects, note or expiry.
//
//	@Summary	Update a share link
//	@Tags		share links
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		id		path		int					true	"share link id"
//	@Param		body	body		ShareLinkRequest	true	"the fields to change"
//	@Success	200		{object}	ShareLinkResponse
//	@Failure	401		{object}	api.Problem
//	@Failure	404		{object}	api.Problem
//	@Failure	422		{object}	api.Problem
//	@Router		/api/v1/share-links/{id} [patch]
func (h *Handler) PatchShareLink(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req ShareLinkRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	l, err := h.svc.ShareLinks.UpdateShareLink(c.UserContext(), owner(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(h.shareLinkResponse(l))
}

// RevokeShareLink turns a share link off for good.
//
//	@Summary		Revoke a share link
//	@Description	The link's page is a 404 from now on and counts nothing more. Revoking twice keeps the first time.
//	@Tags			share links
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"share link id"
//	@Success		200	{object}	ShareLinkResponse
//	@Failure		401	{object}	api.Problem
//	@Failure		404	{object}	api.Problem
//	@Router			/api/v1/share-links/{id}/revoke [post]
func (h *Handler) RevokeShareLink(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	l, err := h.svc.ShareLinks.RevokeShareLink(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h.shareLinkResponse(l))
}
