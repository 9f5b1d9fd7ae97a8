package api

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/api/mfaapi"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/request"
)

// LoginRequest logs a person in.
type LoginRequest struct {
	Email    string `json:"email" example:"ada@example.com"`
	Password string `json:"password" example:"correct horse battery"`
}

// LoginResponse carries the session token for API clients; browsers get
// the same session as an HttpOnly cookie.
type LoginResponse struct {
	Token     string       `json:"token" example:"fs_3q2+7w..."`
	TokenType string       `json:"token_type" example:"Bearer"`
	ExpiresAt time.Time    `json:"expires_at"`
	CSRFToken string       `json:"csrf_token"`
	User      UserResponse `json:"user"`
}

// login opens a session.
//
//	@Summary		Log in
//	@Description	Returns a bearer token and sets an HttpOnly, SameSite=Lax session cookie. Cookie requests that change state must echo csrf_token in the X-CSRF-Token header. Sessions end after 14 days unused and 30 days after login at the latest. Failed logins are limited per account and address, and per account from anywhere; a browser that logged in to the account before (the folio_device cookie) passes the latter.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"credentials"
//	@Success		200		{object}	LoginResponse
//	@Success		202		{object}	mfaapi.SecondFactorChallenge	"the password is right and the account has two-factor authentication: no session yet; complete the login at /api/v1/auth/login/totp, /recovery or /passkey"
//	@Failure		401		{object}	Problem	"wrong email or password (the same answer for both)"
//	@Failure		429		{object}	Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/login [post]
func (s *API) login(c *fiber.Ctx) error {
	var req LoginRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := request.Allow(c, s.opts.Limiter, "login:ip:"+c.IP(), s.opts.Limits.LoginPerIP); err != nil {
		return err
	}
	account := strings.ToLower(strings.TrimSpace(req.Email))
	failedHere, failedAnywhere := "login:failed:"+account+"|"+c.IP(), "login:failed:"+account
	if err := request.CheckLimit(c, s.opts.Limiter, failedHere, s.opts.Limits.LoginPerAccountIP); err != nil {
		return err
	}
	if err := request.CheckLimit(c, s.opts.Limiter, failedAnywhere, s.opts.Limits.LoginPerAccount); err != nil {
		known, kerr := s.opts.Auth.IsKnownDevice(c.UserContext(), req.Email, c.Cookies(request.DeviceCookie))
		if kerr != nil {
			return kerr
		} else if !known {
			return err
		}
	}
	token, sess, u, err := s.opts.Auth.Login(c.UserContext(), req.Email, req.Password)
	var pending *auth.SecondFactorRequired
	if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
		if cerr := request.CountFailure(c, s.opts.Limiter, failedHere, s.opts.Limits.LoginPerAccountIP); cerr != nil {
			return cerr
		}
		if cerr := request.CountFailure(c, s.opts.Limiter, failedAnywhere, s.opts.Limits.LoginPerAccount); cerr != nil {
			return cerr
		}
		return err
	} else if errors.As(err, &pending) {
		return mfaapi.SecondFactorNeeded(c, s.opts.BaseURL.Scheme == "https", pending)
	} else if err != nil {
		return err
	}
	return s.loggedIn(c, &mfa.Login{Token: token, Session: sess, User: u})
}

// twoFactor are the handlers of internal/api/mfaapi, with the login's limits.
func (s *API) twoFactor() mfaapi.Handlers {
	return mfaapi.Handlers{MFA: s.opts.MFA, Intake: s.intake, Limiter: s.opts.Limiter, PerIP: s.opts.Limits.LoginPerIP,
		Failures: s.opts.Limits.LoginPerAccountIP, LoggedIn: s.loggedIn}
}

// Reauthenticate confirms the caller's sign-in as
// POST /api/v1/auth/reauthenticate does, with its limits: the security
// pages' form shares it.
func (s *API) Reauthenticate(c *fiber.Ctx, password, code string) error {
	return s.twoFactor().Reauthenticate(c, password, code)
}

// loggedIn answers a completed login (password, second factor or
// passkey): the session's cookies, the device cookie, the token.
func (s *API) loggedIn(c *fiber.Ctx, l *mfa.Login) error {
	device, err := s.opts.Auth.RememberDevice(c.UserContext(), l.User.ID, c.Cookies(request.DeviceCookie))
	if err != nil {
		return err
	}
	request.StartSession(c, l.Token, l.Session, device, s.opts.BaseURL.Scheme == "https")
	return c.JSON(LoginResponse{Token: l.Token, TokenType: "Bearer", ExpiresAt: l.Session.ExpiresAt, CSRFToken: l.Session.CSRFToken, User: userResponse(l.User, true)})
}

// logout ends the current session.
//
//	@Summary	Log out
//	@Tags		auth
//	@Security	BearerAuth
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem	"cookie request without the CSRF token"
//	@Router		/api/v1/auth/logout [post]
func (s *API) logout(c *fiber.Ctx) error {
	if err := s.opts.Auth.Logout(c.UserContext(), request.Identity(c)); err != nil {
		return err
	}
	c.ClearCookie(request.SessionCookie, request.CSRFCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

// TokenRequest names a new personal API token and its scopes.
type TokenRequest struct {
	Name string `json:"name" example:"CI deploys"`
	// Scopes beyond the API itself; "tokens:write" lets the token create
	// tokens. A token can grant only scopes it holds.
	Scopes []string `json:"scopes" example:"tokens:write"`
}

// TokenResponse describes a personal API token; Token is set only once,
// in the response that creates it.
type TokenResponse struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Token      string     `json:"token,omitempty" example:"fpat_..."`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// TokenList is the caller's tokens, newest first, without their secrets.
type TokenList struct {
	Items []TokenResponse `json:"items"`
}

func tokenResponse(t *folio.APIToken) TokenResponse {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return TokenResponse{ID: t.ID, Name: t.Name, Scopes: scopes, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

// createToken makes a personal API token.
//
//	@Summary		Create a personal API token
//	@Description	The token is in this response only; it is stored hashed and cannot be shown again. Idempotency-Key is not honoured here, since replaying would mean storing the secret. Only a browser session or a token with the tokens:write scope may create tokens, and a token may grant only the scopes it holds.
//	@Tags			tokens
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		TokenRequest	true	"token name"
//	@Success		201		{object}	TokenResponse
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem	"a token without the tokens:write scope, or granting a scope it lacks"
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/tokens [post]
func (s *API) createToken(c *fiber.Ctx) error {
	var req TokenRequest
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	secret, t, err := s.opts.Auth.CreateAPIToken(c.UserContext(), request.Identity(c), req.Name, req.Scopes)
	if err != nil {
		return err
	}
	resp := tokenResponse(t)
	resp.Token = secret
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(resp)
}

// listTokens lists the caller's tokens.
//
//	@Summary	List personal API tokens
//	@Tags		tokens
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	TokenList
//	@Failure	401	{object}	Problem
//	@Router		/api/v1/tokens [get]
func (s *API) listTokens(c *fiber.Ctx) error {
	tokens, err := s.opts.Auth.Credentials.APITokens(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	out := TokenList{Items: make([]TokenResponse, len(tokens))}
	for i, t := range tokens {
		out.Items[i] = tokenResponse(t)
	}
	return c.JSON(out)
}

// deleteToken revokes a token.
//
//	@Summary	Revoke a personal API token
//	@Tags		tokens
//	@Security	BearerAuth
//	@Param		id	path	int	true	"token id"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem	"no such token of yours"
//	@Router		/api/v1/tokens/{id} [delete]
func (s *API) deleteToken(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := s.opts.Auth.RevokeAPIToken(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// callerProject is the caller's project named by the {id} path parameter;
// anybody else's answers ENOTFOUND.
func (s *API) callerProject(c *fiber.Ctx) (*folio.Project, error) {
	id, err := request.PathID(c)
	if err != nil {
		return nil, err
	}
	return s.opts.Projects.Project(c.UserContext(), request.User(c).ID, id)
}

// callerMedia is the caller's media item named by the {id} path parameter;
// anybody else's answers ENOTFOUND.
func (s *API) callerMedia(c *fiber.Ctx) (*folio.Media, error) {
	id, err := request.PathID(c)
	if err != nil {
		return nil, err
	}
	return s.opts.Media.OwnedMedia(c.UserContext(), request.User(c).ID, id)
}
