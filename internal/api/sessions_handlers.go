package api

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/request"
)

// PasswordChangeRequest changes the caller's password.
type PasswordChangeRequest struct {
	CurrentPassword string `json:"current_password" example:"correct horse battery"`
	NewPassword     string `json:"new_password" example:"staple battery horse correct"`
	// RevokeAPITokens revokes every personal API token too; by default they
	// stay, since scripts hold them and each can be revoked on its own.
	RevokeAPITokens bool `json:"revoke_api_tokens"`
}

// changePassword sets a new password and ends the other sessions.
//
//	@Summary		Change the caller's password
//	@Description	Needs the current password. Ends every session of the account except the one making the request. Personal API tokens stay unless revoke_api_tokens is true. Wrong current passwords are limited like failed logins. Needs a session signed in (or re-authenticated) within the last 10 minutes; API tokens cannot change the password.
//	@Tags			me
//	@Security		BearerAuth
//	@Accept			json
//	@Param			body	body	PasswordChangeRequest	true	"current and new password"
//	@Success		204
//	@Failure		400	{object}	Problem	"malformed JSON or unknown field"
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem	"cookie request without the CSRF token; reauthentication_required; an API token"
//	@Failure		422	{object}	Problem	"wrong current password, or a new one too short or too long"
//	@Failure		429	{object}	Problem	"too many wrong current passwords; see Retry-After"
//	@Router			/api/v1/me/password [post]
func (s *API) changePassword(c *fiber.Ctx) error {
	var req PasswordChangeRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	// A stolen session must not become a way to guess the password.
	key := "password:failed:" + strconv.FormatInt(request.User(c).ID, 10)
	if err := request.CheckLimit(c, s.opts.Limiter, key, s.opts.Limits.LoginPerAccountIP); err != nil {
		return err
	}
	err := s.opts.Auth.ChangePassword(c.UserContext(), request.Identity(c), auth.PasswordChange{
		Current: req.CurrentPassword, New: req.NewPassword, RevokeAPITokens: req.RevokeAPITokens,
	})
	if errors.Is(err, auth.ErrWrongPassword) {
		if cerr := request.CountFailure(c, s.opts.Limiter, key, s.opts.Limits.LoginPerAccountIP); cerr != nil {
			return cerr
		}
	}
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// logoutEverywhere ends every session of the caller's account.
//
//	@Summary		Log out everywhere
//	@Description	Ends every browser and bearer session of the account, this one included. Personal API tokens are not sessions and stay; revoke them with DELETE /api/v1/tokens/{id}.
//	@Tags			auth
//	@Security		BearerAuth
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem	"cookie request without the CSRF token"
//	@Router			/api/v1/auth/logout-all [post]
func (s *API) logoutEverywhere(c *fiber.Ctx) error {
	if err := s.opts.Auth.LogoutEverywhere(c.UserContext(), request.User(c).ID); err != nil {
		return err
	}
	c.ClearCookie(request.SessionCookie, request.CSRFCookie)
	return c.SendStatus(fiber.StatusNoContent)
}
