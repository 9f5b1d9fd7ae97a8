// Package ssoapi serves registration (through the registration mode),
// the sign-in providers, connected accounts and invitations in the JSON
// API. The routes are listed in the API's route table
// (internal/api/routes.go); the browser's redirects to and from a
// provider are pages (internal/site/ssopages). The workflows are
// internal/invite's and internal/sso's.
package ssoapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/sso"
)

// Handlers serve the endpoints. Without Gate, registration is open; a nil
// SSO has no providers.
type Handlers struct {
	Auth    *auth.Service
	Gate    *invite.Service
	SSO     *sso.Service
	Intake  body.Intake
	Limiter *ratelimit.Limiter
	// RegisterPerIP and RegisterPerAccount bound sign-ups.
	RegisterPerIP, RegisterPerAccount ratelimit.Limit
}

// RegisterRequest signs a person up.
type RegisterRequest struct {
	Email       string `json:"email" example:"ada@example.com"`
	Password    string `json:"password" example:"correct horse battery"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
	// Invite is the token of an invitation link (invite-only instances).
	Invite string `json:"invite,omitempty" example:"fi_..."`
}

// RegistrationResponse echoes an accepted registration. It is the same
// whether or not the email already had an account, so that registering
// does not tell who has one; the profile is at /api/v1/me after login.
type RegistrationResponse struct {
	Email       string `json:"email" example:"ada@example.com"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
}

// Register creates an account.
//
//	@Summary		Create an account
//	@Description	An email that already has an account gets the same answer as a new one and no account is made, so that this endpoint does not tell who has an account; log in to find out. A taken handle is still a 409, since handles are public. Invite-only instances (FOLIO_REGISTRATION=invite) need the token of an invitation sent to this email (403 without; the first account of an empty instance needs none) and make the account verified; SSO-only instances (sso) refuse password sign-up with 403.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RegisterRequest	true	"the new account"
//	@Success		201		{object}	RegistrationResponse
//	@Failure		400		{object}	api.Problem	"malformed JSON or unknown field"
//	@Failure		403		{object}	api.Problem	"invite-only without a working invitation for this email, or SSO-only"
//	@Failure		409		{object}	api.Problem	"handle taken"
//	@Failure		422		{object}	api.Problem	"invalid fields, each listed"
//	@Failure		429		{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/register [post]
func (h Handlers) Register(c *fiber.Ctx) error {
	var req RegisterRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := request.Allow(c, h.Limiter, "register:ip:"+c.IP(), h.RegisterPerIP); err != nil {
		return err
	}
	if err := request.Allow(c, h.Limiter, "register:account:"+strings.ToLower(strings.TrimSpace(req.Email)), h.RegisterPerAccount); err != nil {
		return err
	}
	r := folio.Registration{Email: req.Email, Password: req.Password, Handle: req.Handle, DisplayName: req.DisplayName}
	var err error
	if h.Gate != nil {
		_, err = h.Gate.SignUp(c.UserContext(), r, req.Invite)
	} else {
		_, err = h.Auth.SignUp(c.UserContext(), r)
	}
	if err != nil {
		return err
	}
	r.Normalize()
	c.Location("/api/v1/me")
	return c.Status(fiber.StatusCreated).JSON(RegistrationResponse{Email: r.Email, Handle: r.Handle, DisplayName: r.DisplayName})
}

// ProviderResponse is a way to sign in.
type ProviderResponse struct {
	ID    string `json:"id" example:"oidc"`
	Label string `json:"label" example:"Acme SSO"`
	// LoginURL starts the sign-in in a browser (it redirects to the
	// provider and back).
	LoginURL string `json:"login_url" example:"/auth/sso/oidc"`
}

// SignInOptions is how people sign in and up here.
type SignInOptions struct {
	// Registration is "open", "invite" or "sso".
	Registration string             `json:"registration" example:"open"`
	Providers    []ProviderResponse `json:"providers"`
}

// Providers lists the ways to sign in.
//
//	@Summary		List the sign-in providers and the registration mode
//	@Description	Single sign-on happens in a browser: open login_url, which redirects to the provider and back to /auth/sso/{id}/callback, which sets the session cookie.
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	SignInOptions
//	@Router			/api/v1/auth/providers [get]
func (h Handlers) Providers(c *fiber.Ctx) error {
	out := SignInOptions{Registration: string(invite.Open), Providers: []ProviderResponse{}}
	if h.Gate != nil {
		out.Registration = string(h.Gate.Mode)
	}
	if h.SSO != nil {
		for _, p := range h.SSO.Providers {
			out.Providers = append(out.Providers, ProviderResponse{ID: p.ID(), Label: p.Label(), LoginURL: "/auth/sso/" + p.ID()})
		}
	}
	return c.JSON(out)
}

// IdentityResponse is a connected account.
type IdentityResponse struct {
	ID          int64      `json:"id"`
	Provider    string     `json:"provider" example:"github"`
	Email       string     `json:"email" example:"ada@example.com"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

// IdentityList is the caller's connected accounts.
type IdentityList struct {
	Items []IdentityResponse `json:"items"`
}

func (h Handlers) on() error {
	if h.SSO == nil {
		return folio.Errorf(folio.ENOTFOUND, "Single sign-on is off on this instance.")
	}
	return nil
}

// Identities lists the caller's connected accounts.
//
//	@Summary		List connected accounts
//	@Description	The single sign-on identities that sign in to the caller's account. Connecting one happens in a browser: POST /auth/sso/{provider}/link from the Connected accounts page.
//	@Tags			auth
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	IdentityList
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/me/identities [get]
func (h Handlers) Identities(c *fiber.Ctx) error {
	out := IdentityList{Items: []IdentityResponse{}}
	if h.SSO == nil {
		return c.JSON(out)
	}
	ids, err := h.SSO.Identities(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	for _, i := range ids {
		out.Items = append(out.Items, IdentityResponse{ID: i.ID, Provider: i.Provider, Email: i.Email, CreatedAt: i.CreatedAt, LastLoginAt: i.LastLoginAt})
	}
	return c.JSON(out)
}

// Unlink disconnects one of the caller's connected accounts.
//
//	@Summary		Disconnect a connected account
//	@Description	Refused (409) for the only way to sign in to an account without a password: set one with a reset link first.
//	@Tags			auth
//	@Security		BearerAuth
//	@Param			id	path	int	true	"identity id"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		404	{object}	api.Problem	"no such connected account of yours"
//	@Failure		409	{object}	api.Problem	"the account's only way to sign in"
//	@Router			/api/v1/me/identities/{id} [delete]
func (h Handlers) Unlink(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.SSO.Unlink(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
