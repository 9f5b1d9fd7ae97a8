package ssoapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/request"
)

// InvitationRequest invites people: a list of addresses, or a pasted
// list or CSV export (text), or both.
type InvitationRequest struct {
	Emails []string `json:"emails" example:"ada@school.edu"`
	// Text is a pasted list or CSV: any cell with an @ is an address.
	Text string `json:"text" example:"name,email\nAda,ada@school.edu"`
}

// InvitationResponse is an invitation, without its token (which only the
// invitee's mail holds).
type InvitationResponse struct {
	ID        int64      `json:"id"`
	Email     string     `json:"email" example:"ada@school.edu"`
	Status    string     `json:"status" enums:"pending,used,expired,revoked"`
	InvitedBy int64      `json:"invited_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	UsedAt    *time.Time `json:"used_at"`
}

// SkippedResponse is an address an invitation request left out.
type SkippedResponse struct {
	Email  string `json:"email"`
	Reason string `json:"reason" example:"has an account already"`
}

// InvitationsSent is the answer to an invitation request.
type InvitationsSent struct {
	Invited []InvitationResponse `json:"invited"`
	Skipped []SkippedResponse    `json:"skipped"`
}

// InvitationList is the newest invitations.
type InvitationList struct {
	Items []InvitationResponse `json:"items"`
}

func invitationResponse(i *invite.Invitation, now time.Time) InvitationResponse {
	return InvitationResponse{ID: i.ID, Email: i.Email, Status: i.Status(now), InvitedBy: i.InvitedBy, CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt, UsedAt: i.UsedAt}
}

func (h Handlers) gate() error {
	if h.Gate == nil {
		return folio.Errorf(folio.ENOTFOUND, "Invitations are off on this instance.")
	}
	return nil
}

// Invite sends invitations.
//
//	@Summary		Invite people (admins)
//	@Description	Each address gets a single-use link to register, by mail, valid 7 days. Up to 500 addresses at once (a cohort); duplicates count once; addresses that have an account are skipped and listed. Invitations work in every registration mode, and are needed in invite-only mode.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		InvitationRequest	true	"addresses"
//	@Success		201		{object}	InvitationsSent
//	@Failure		401		{object}	api.Problem
//	@Failure		403		{object}	api.Problem	"not an administrator"
//	@Failure		422		{object}	api.Problem	"no address, a bad address, or over 500"
//	@Router			/api/v1/admin/invitations [post]
func (h Handlers) Invite(c *fiber.Ctx) error {
	if err := h.gate(); err != nil {
		return err
	}
	var req InvitationRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if len(req.Emails) > invite.MaxBatch {
		return folio.Errorf(folio.EINVALID, "At most %d addresses at once.", invite.MaxBatch)
	}
	text := req.Text
	for _, e := range req.Emails {
		text += "\n" + e
	}
	emails, err := invite.ParseEmails(text)
	if err != nil {
		return err
	}
	invs, skipped, err := h.Gate.Invite(c.UserContext(), request.User(c), emails)
	if err != nil {
		return err
	}
	now := time.Now()
	out := InvitationsSent{Invited: make([]InvitationResponse, len(invs)), Skipped: make([]SkippedResponse, len(skipped))}
	for i, inv := range invs {
		out.Invited[i] = invitationResponse(inv, now)
	}
	for i, s := range skipped {
		out.Skipped[i] = SkippedResponse{Email: s.Email, Reason: s.Reason}
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// Invitations lists invitations.
//
//	@Summary	List invitations (admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	InvitationList
//	@Failure	401	{object}	api.Problem
//	@Failure	403	{object}	api.Problem	"not an administrator"
//	@Router		/api/v1/admin/invitations [get]
func (h Handlers) Invitations(c *fiber.Ctx) error {
	if err := h.gate(); err != nil {
		return err
	}
	invs, err := h.Gate.List(c.UserContext(), request.User(c))
	if err != nil {
		return err
	}
	now := time.Now()
	out := InvitationList{Items: make([]InvitationResponse, len(invs))}
	for i, inv := range invs {
		out.Items[i] = invitationResponse(inv, now)
	}
	return c.JSON(out)
}

// Revoke voids a pending invitation.
//
//	@Summary	Revoke an invitation (admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Param		id	path	int	true	"invitation id"
//	@Success	204
//	@Failure	401	{object}	api.Problem
//	@Failure	403	{object}	api.Problem	"not an administrator"
//	@Failure	404	{object}	api.Problem	"no such pending invitation"
//	@Router		/api/v1/admin/invitations/{id} [delete]
func (h Handlers) Revoke(c *fiber.Ctx) error {
	if err := h.gate(); err != nil {
		return err
	}
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.Gate.Revoke(c.UserContext(), request.User(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
