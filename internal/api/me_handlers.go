package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// Links are the places a profile points to.
type Links struct {
	Website   string `json:"website" example:"https://ada.dev"`
	GitHub    string `json:"github" example:"https://github.com/ada"`
	LinkedIn  string `json:"linkedin" example:"https://www.linkedin.com/in/ada"`
	ShowEmail bool   `json:"show_email"`
}

// UserResponse is a profile. Email is the account's; on public responses
// it is present only when the owner chose to show it.
type UserResponse struct {
	ID          int64  `json:"id,omitempty"`
	Email       string `json:"email,omitempty"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
	Headline    string `json:"headline" example:"Backend engineer: Go, PostgreSQL, queues"`
	Bio         string `json:"bio" example:"I build **reliable** services."`
	Location    string `json:"location" example:"London"`
	Links       Links  `json:"links"`
	IsAdmin     bool   `json:"is_admin,omitempty"`
	// EmailVerified (the caller's own profile only): until it is true the
	// account gets no notifications; see /api/v1/me/email/verification.
	EmailVerified *bool     `json:"email_verified,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func userResponse(u *folio.User, private bool) UserResponse {
	r := UserResponse{
		Handle: u.Handle, DisplayName: u.DisplayName, Headline: u.Headline, Bio: u.Bio, Location: u.Location,
		Links:     Links{Website: u.WebsiteURL, GitHub: u.GitHubURL, LinkedIn: u.LinkedInURL, ShowEmail: u.ShowEmail},
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
	if private {
		verified := !u.EmailVerifiedAt.IsZero()
		r.ID, r.Email, r.IsAdmin, r.EmailVerified = u.ID, u.Email, u.IsAdmin, &verified
	} else if u.ShowEmail {
		r.Email = u.Email
	}
	return r
}

// LinksUpdate changes some links; absent fields stay as they are.
type LinksUpdate struct {
	Website   *string `json:"website"`
	GitHub    *string `json:"github"`
	LinkedIn  *string `json:"linkedin"`
	ShowEmail *bool   `json:"show_email"`
}

// ProfileUpdateRequest changes some profile fields; absent fields stay as
// they are.
type ProfileUpdateRequest struct {
	Handle      *string      `json:"handle"`
	DisplayName *string      `json:"display_name"`
	Headline    *string      `json:"headline"`
	Bio         *string      `json:"bio"`
	Location    *string      `json:"location"`
	Links       *LinksUpdate `json:"links"`
}

// getMe returns the caller's account and profile.
//
//	@Summary	The caller's profile
//	@Tags		me
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	UserResponse
//	@Success	304	"not modified (If-None-Match)"
//	@Failure	401	{object}	Problem
//	@Router		/api/v1/me [get]
func (s *API) getMe(c *fiber.Ctx) error {
	return c.JSON(userResponse(request.User(c), true))
}

// patchMe changes the caller's profile.
//
//	@Summary	Change the caller's profile
//	@Tags		me
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		body	body		ProfileUpdateRequest	true	"fields to change"
//	@Success	200		{object}	UserResponse
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	409		{object}	Problem	"handle taken"
//	@Failure	422		{object}	Problem
//	@Router		/api/v1/me [patch]
func (s *API) patchMe(c *fiber.Ctx) error {
	var req ProfileUpdateRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	upd := folio.ProfileUpdate{Handle: req.Handle, DisplayName: req.DisplayName, Headline: req.Headline, Bio: req.Bio, Location: req.Location}
	if upd.Handle != nil {
		h := folio.NormalizeHandle(*upd.Handle)
		upd.Handle = &h
	}
	if req.Links != nil {
		upd.WebsiteURL, upd.GitHubURL, upd.LinkedInURL, upd.ShowEmail = req.Links.Website, req.Links.GitHub, req.Links.LinkedIn, req.Links.ShowEmail
	}
	u, err := s.opts.Users.UpdateProfile(c.UserContext(), request.User(c).ID, upd)
	if err != nil {
		return err
	}
	return c.JSON(userResponse(u, true))
}
