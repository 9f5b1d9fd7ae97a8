// Package accountapi serves the account email flows in the JSON API:
// password reset, email verification and change of address. The routes
// are listed in the API's route table (internal/api/routes.go); the
// workflows are internal/account's.
package accountapi

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// Handlers serve the flows; a nil Accounts answers 404 (the flows are off).
type Handlers struct {
	Accounts *account.Service
	Intake   body.Intake
}

// ResetRequest asks for a password reset link.
type ResetRequest struct {
	Email string `json:"email" example:"ada@example.com"`
}

// ResetConfirmRequest sets a new password with the token from the link.
type ResetConfirmRequest struct {
	Token    string `json:"token" example:"fa_..."`
	Password string `json:"password" example:"correct horse battery"`
}

// TokenRequest carries the token of a link.
type TokenRequest struct {
	Token string `json:"token" example:"fa_..."`
}

// EmailChangeRequest asks to change the account's address.
type EmailChangeRequest struct {
	NewEmail string `json:"new_email" example:"ada@new.example"`
	Password string `json:"password" example:"correct horse battery"`
}

// Accepted says what happens next; it is the same whatever the outcome,
// where telling would reveal who has an account.
type Accepted struct {
	Message string `json:"message"`
}

// resetSent is the one answer to a reset request, known address or not.
const resetSent = "If an account has this address, a link to reset its password is on its way. It works for 30 minutes."

// on refuses every request when the flows are off.
func (h Handlers) on() error {
	if h.Accounts == nil {
		return folio.Errorf(folio.ENOTFOUND, "Account email flows are off on this instance.")
	}
	return nil
}

// fail turns a rate limit into 429 with Retry-After; other errors pass.
func fail(c *fiber.Ctx, err error) error {
	var tm *account.TooManyError
	if errors.As(err, &tm) {
		return request.TooMany(c, tm.RetryAfter)
	}
	return err
}

// RequestReset mails a password reset link.
//
//	@Summary		Request a password reset link
//	@Description	Mails a link that sets a new password, valid 30 minutes and once. The answer is the same, after the same work, whether or not an account has the address. Limited per address and per client IP.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ResetRequest	true	"the account's address"
//	@Success		202		{object}	Accepted
//	@Failure		422		{object}	api.Problem	"not an email address"
//	@Failure		429		{object}	api.Problem	"too many requests; see Retry-After"
//	@Router			/api/v1/auth/password-reset [post]
func (h Handlers) RequestReset(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req ResetRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.Accounts.RequestPasswordReset(c.UserContext(), req.Email, c.IP()); err != nil {
		return fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusAccepted).JSON(Accepted{Message: resetSent})
}

// ConfirmReset sets a new password with a reset link's token.
//
//	@Summary		Set a new password from a reset link
//	@Description	Uses the token once. Every session and personal API token of the account ends, other open links stop working, and the account's address is told the password changed. Log in with the new password afterwards.
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	ResetConfirmRequest	true	"the token from the link and the new password"
//	@Success		204
//	@Failure		422	{object}	api.Problem	"the link is invalid, expired or used, or the password is unacceptable"
//	@Router			/api/v1/auth/password-reset/confirm [post]
func (h Handlers) ConfirmReset(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req ResetConfirmRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if _, err := h.Accounts.ResetPassword(c.UserContext(), req.Token, req.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// VerifyEmail verifies the account's address with a verification link's token.
//
//	@Summary		Verify the account's address
//	@Description	Uses the token of the link mailed at registration (valid 48 hours, once). Until the address is verified the account works but gets no notifications.
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	TokenRequest	true	"the token from the link"
//	@Success		204
//	@Failure		422	{object}	api.Problem	"the link is invalid, expired or used"
//	@Router			/api/v1/auth/verify-email [post]
func (h Handlers) VerifyEmail(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req TokenRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if _, err := h.Accounts.VerifyEmail(c.UserContext(), req.Token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ResendVerification mails the caller a new verification link.
//
//	@Summary		Send the verification link again
//	@Tags			me
//	@Security		BearerAuth
//	@Produce		json
//	@Success		202	{object}	Accepted
//	@Failure		401	{object}	api.Problem
//	@Failure		422	{object}	api.Problem	"the address is verified already"
//	@Failure		429	{object}	api.Problem	"sent too often; see Retry-After"
//	@Router			/api/v1/me/email/verification [post]
func (h Handlers) ResendVerification(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	if err := h.Accounts.ResendVerification(c.UserContext(), request.User(c).ID); err != nil {
		return fail(c, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(Accepted{Message: "A new verification link is on its way."})
}

// RequestEmailChange asks to change the caller's address.
//
//	@Summary		Change the account's address
//	@Description	Needs the current password. A link goes to the new address, and the address changes (verified) only when it is used, within 24 hours; the current address is told of the request at once. Whether the new address has an account is not told: the change then fails at confirmation.
//	@Tags			me
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		EmailChangeRequest	true	"the new address and the current password"
//	@Success		202		{object}	Accepted
//	@Failure		401		{object}	api.Problem
//	@Failure		422		{object}	api.Problem	"wrong password, or a bad or unchanged address"
//	@Failure		429		{object}	api.Problem	"too many requests; see Retry-After"
//	@Router			/api/v1/me/email [post]
func (h Handlers) RequestEmailChange(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req EmailChangeRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.Accounts.RequestEmailChange(c.UserContext(), request.User(c).ID, req.Password, req.NewEmail); err != nil {
		return fail(c, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(Accepted{Message: "A confirmation link is on its way to the new address; your address changes when you use it."})
}

// ConfirmEmailChange changes the address with an email change link's token.
//
//	@Summary		Confirm a change of address
//	@Description	Uses the token of the link mailed to the new address (valid 24 hours, once); the new address becomes the account's, verified. Sessions stay.
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	TokenRequest	true	"the token from the link"
//	@Success		204
//	@Failure		409	{object}	api.Problem	"another account uses the address now"
//	@Failure		422	{object}	api.Problem	"the link is invalid, expired or used"
//	@Router			/api/v1/auth/email-change/confirm [post]
func (h Handlers) ConfirmEmailChange(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req TokenRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if _, err := h.Accounts.ConfirmEmailChange(c.UserContext(), req.Token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
