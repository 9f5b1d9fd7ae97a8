// Package mfaapi serves two-factor authentication and passkeys in the JSON
// API: the second step of a login, passkey sign-in, re-authentication, and
// the caller's TOTP, recovery codes and passkeys. The workflows are
// internal/mfa's; the routes are listed in Routes, mounted by the API's
// route table (internal/api/routes.go).
//
// Personal API tokens are not affected by two-factor authentication: they
// keep working when it is turned on, and cannot change it (the changes
// need a session that signed in within the last 10 minutes).
package mfaapi

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// PendingCookie carries a pending login in a browser: HttpOnly and
// SameSite=Strict, so neither the page's script nor another site's form
// can use it.
const PendingCookie = "folio_pending"

// Handlers serve the routes; a nil MFA answers 404 (the feature is off).
type Handlers struct {
	MFA     *mfa.Service
	Intake  body.Intake
	Limiter *ratelimit.Limiter
	// PerIP limits every second-step attempt from one address (the
	// login's limit); Failures limits wrong codes and passwords per
	// account (the limit of failed logins per account and address).
	PerIP, Failures ratelimit.Limit
	// LoggedIn answers a completed login as the password login does
	// (cookies, device, the LoginResponse body).
	LoggedIn func(c *fiber.Ctx, l *mfa.Login) error
}

// Routes mounts the handlers on v1; signedIn is the API's RequireAuth.
func Routes(v1 fiber.Router, signedIn fiber.Handler, h Handlers) {
	fresh := request.RequireRecentSignIn
	v1.Post("/auth/login/totp", h.loginTOTP)
	v1.Post("/auth/login/recovery", h.loginRecovery)
	v1.Post("/auth/passkey/begin", h.beginPasskeyLogin)
	v1.Post("/auth/passkey/finish", h.finishPasskeyLogin)
	v1.Post("/auth/reauthenticate", signedIn, h.reauthenticate)
	v1.Post("/auth/reauthenticate/passkey/begin", signedIn, h.beginPasskeyReauth)
	v1.Post("/auth/reauthenticate/passkey/finish", signedIn, h.finishPasskeyReauth)

	v1.Get("/me/two-factor", signedIn, h.status)
	v1.Post("/me/two-factor/totp", signedIn, fresh, h.beginTOTP)
	v1.Post("/me/two-factor/totp/confirm", signedIn, fresh, h.confirmTOTP)
	v1.Delete("/me/two-factor/totp", signedIn, fresh, h.disableTOTP)
	v1.Post("/me/two-factor/recovery-codes", signedIn, fresh, h.regenerateCodes)
	v1.Get("/me/passkeys", signedIn, h.listPasskeys)
	v1.Post("/me/passkeys/begin", signedIn, fresh, h.beginPasskey)
	v1.Post("/me/passkeys", signedIn, fresh, h.addPasskey)
	v1.Patch("/me/passkeys/:id", signedIn, h.renamePasskey)
	v1.Delete("/me/passkeys/:id", signedIn, fresh, h.deletePasskey)
}

func (h Handlers) on() error {
	if h.MFA == nil {
		return folio.Errorf(folio.ENOTFOUND, "Two-factor authentication is off on this instance.")
	}
	return nil
}

// SecondFactorChallenge answers a right password of an account with
// two-factor authentication: no session yet. Complete the login with one
// of methods before expires_at, sending pending_token (browsers also hold
// it in the folio_pending cookie).
type SecondFactorChallenge struct {
	SecondFactorRequired bool      `json:"second_factor_required" example:"true"`
	PendingToken         string    `json:"pending_token" example:"fc_..."`
	Methods              []string  `json:"methods" example:"totp,recovery,passkey"`
	ExpiresAt            time.Time `json:"expires_at"`
}

// SecondFactorNeeded answers 202 with the pending login, for the API's
// password login.
func SecondFactorNeeded(c *fiber.Ctx, secure bool, p *auth.SecondFactorRequired) error {
	c.Cookie(&fiber.Cookie{Name: PendingCookie, Value: p.Token, Path: "/", Expires: p.ExpiresAt,
		HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteStrictMode})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusAccepted).JSON(SecondFactorChallenge{SecondFactorRequired: true, PendingToken: p.Token,
		Methods: p.Methods, ExpiresAt: p.ExpiresAt})
}

// CodeRequest completes a pending login with a code.
type CodeRequest struct {
	// PendingToken is from the login's 202 answer; browsers may leave it
	// out (the folio_pending cookie carries it).
	PendingToken string `json:"pending_token" example:"fc_..."`
	Code         string `json:"code" example:"123456"`
}

// pendingToken is the request's pending login: the body's, else the cookie's.
func pendingToken(c *fiber.Ctx, fromBody string) string {
	if fromBody != "" {
		return fromBody
	}
	return c.Cookies(PendingCookie)
}

// loginTOTP completes a login with a TOTP code.
//
//	@Summary		Complete a login with a TOTP code
//	@Description	The second step of a login that answered 202. A code is accepted once: a replay, even within its 30-second window, is refused. Five wrong codes end the pending login (log in with the password again); wrong codes are also limited per account like wrong passwords.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeRequest	true	"the pending login and the code"
//	@Success		200		{object}	api.LoginResponse
//	@Failure		401		{object}	api.Problem	"wrong or replayed code, or the pending login expired"
//	@Failure		429		{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/login/totp [post]
func (h Handlers) loginTOTP(c *fiber.Ctx) error { return h.loginCode(c, mfa.MethodTOTP) }

// loginRecovery completes a login with a recovery code.
//
//	@Summary		Complete a login with a recovery code
//	@Description	The second step of a login that answered 202, when the authenticator app is not at hand. Each of the ten recovery codes works once. Limited like TOTP codes.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeRequest	true	"the pending login and a recovery code"
//	@Success		200		{object}	api.LoginResponse
//	@Failure		401		{object}	api.Problem	"wrong or used code, or the pending login expired"
//	@Failure		429		{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/login/recovery [post]
func (h Handlers) loginRecovery(c *fiber.Ctx) error { return h.loginCode(c, mfa.MethodRecovery) }

func (h Handlers) loginCode(c *fiber.Ctx, method string) error {
	if err := h.on(); err != nil {
		return err
	}
	var req CodeRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := request.Allow(c, h.Limiter, "login:ip:"+c.IP(), h.PerIP); err != nil {
		return err
	}
	pending := pendingToken(c, req.PendingToken)
	userID, err := h.MFA.PendingLogin(c.UserContext(), pending)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return folio.Errorf(folio.EUNAUTHORIZED, "This sign-in has expired; log in with your password again.")
	} else if err != nil {
		return err
	}
	key := failureKey(userID)
	if err := request.CheckLimit(c, h.Limiter, key, h.Failures); err != nil {
		return err
	}
	l, err := h.MFA.CompleteWithCode(c.UserContext(), pending, method, req.Code)
	if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
		if cerr := request.CountFailure(c, h.Limiter, key, h.Failures); cerr != nil {
			return cerr
		}
	}
	if err != nil {
		return err
	}
	c.ClearCookie(PendingCookie)
	return h.LoggedIn(c, l)
}

// failureKey counts an account's wrong second factors and re-auth
// passwords: a stolen session or password must not become a way to guess.
func failureKey(userID int64) string { return "2fa:failed:" + strconv.FormatInt(userID, 10) }

// PasskeyBeginRequest starts a passkey sign-in.
type PasskeyBeginRequest struct {
	// PendingToken makes the passkey the second factor of a pending login;
	// without it any passkey of this site signs in on its own.
	PendingToken string `json:"pending_token,omitempty"`
}

// PasskeyOptions are the options to pass to navigator.credentials (get or
// create), and the ceremony to finish with.
type PasskeyOptions struct {
	Ceremony string `json:"ceremony" example:"fc_..."`
	// PublicKey is the WebAuthn options object: {"publicKey": {...}}.
	PublicKey any `json:"options" swaggertype:"object"`
}

// PasskeyFinishRequest is the authenticator's answer to a ceremony.
type PasskeyFinishRequest struct {
	Ceremony string `json:"ceremony" example:"fc_..."`
	// Credential is the PublicKeyCredential as JSON (its toJSON()).
	Credential json.RawMessage `json:"credential" swaggertype:"object"`
	// Name labels a new passkey ("Passkey" when empty).
	Name string `json:"name,omitempty" example:"Laptop"`
}

// beginPasskeyLogin starts a passkey sign-in.
//
//	@Summary		Start a passkey sign-in
//	@Description	Without pending_token, any discoverable passkey of this site signs in on its own (with user verification), no email needed. With the pending_token of a login that answered 202 (or the folio_pending cookie), one of that account's passkeys is its second factor. The ceremony expires after 5 minutes.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		PasskeyBeginRequest	false	"the pending login, if any"
//	@Success		200		{object}	PasskeyOptions
//	@Failure		401		{object}	api.Problem	"the pending login expired"
//	@Failure		429		{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/passkey/begin [post]
func (h Handlers) beginPasskeyLogin(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req PasskeyBeginRequest
	if len(c.Body()) > 0 {
		if err := h.Intake.DecodeJSON(c, &req); err != nil {
			return err
		}
	}
	if err := request.Allow(c, h.Limiter, "login:ip:"+c.IP(), h.PerIP); err != nil {
		return err
	}
	pending := req.PendingToken
	if pending == "" && c.Query("second_factor") == "true" {
		pending = c.Cookies(PendingCookie)
	}
	opts, ceremony, err := h.MFA.BeginPasskeyLogin(c.UserContext(), pending)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(PasskeyOptions{Ceremony: ceremony, PublicKey: opts})
}

// finishPasskeyLogin completes a passkey sign-in.
//
//	@Summary		Finish a passkey sign-in
//	@Description	Checks the authenticator's signature with the stored public key and opens a session like a password login. A credential whose signature counter went backwards (a cloned authenticator) is refused.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		PasskeyFinishRequest	true	"the ceremony and the credential"
//	@Success		200		{object}	api.LoginResponse
//	@Failure		401		{object}	api.Problem	"the passkey could not sign in"
//	@Failure		429		{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/passkey/finish [post]
func (h Handlers) finishPasskeyLogin(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req PasskeyFinishRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := request.Allow(c, h.Limiter, "login:ip:"+c.IP(), h.PerIP); err != nil {
		return err
	}
	l, err := h.MFA.FinishPasskeyLogin(c.UserContext(), req.Ceremony, req.Credential)
	if err != nil {
		return err
	}
	c.ClearCookie(PendingCookie)
	return h.LoggedIn(c, l)
}
