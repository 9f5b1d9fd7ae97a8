// Package securitypages serves the dashboard's sign-in security: the
// second step of a login, the security page (two-factor authentication,
// recovery codes, passkeys) and the re-authentication page that the
// sensitive changes send a stale session to. The security forms are plain
// POSTs with the session's CSRF token in a field; the passkey ceremonies
// need the browser's WebAuthn API, driven by web/static/passkey.js against
// the JSON API (internal/api/mfaapi). The server mounts the routes before
// the site's.
package securitypages

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/api/mfaapi"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// Pages serve the security pages.
type Pages struct {
	mfa       *mfa.Service
	templates web.Templates
	authn     *request.Authenticator
	csp       string
	// Reauth confirms a sign-in with the API's limits (mfaapi.Handlers).
	reauth func(c *fiber.Ctx, password, code string) error
}

// New builds the pages; reauth is the API's re-authentication (the same
// limits for the form as for the endpoint). It panics on a template
// error, a build-time mistake every test catches.
func New(svc *mfa.Service, a *auth.Service, reauth func(c *fiber.Ctx, password, code string) error) *Pages {
	t := web.MustPages()
	return &Pages{mfa: svc, templates: t, authn: &request.Authenticator{Auth: a}, csp: request.CSP("", false), reauth: reauth}
}

// Routes mounts the pages. Every dashboard route needs a signed-in
// browser, every POST the CSRF field, and the sensitive ones a recent
// sign-in (request.RequireRecentSignIn, which sends a stale session to
// /reauth and back).
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{request.WithCSP(p.csp), p.authn.Authenticate}, h...)
	}
	signedIn, form, fresh := p.signedIn, p.formCSRF, request.RequireRecentSignIn
	r.Get("/login/two-factor", page(p.twoFactorPage)...)
	r.Get(request.ReauthPath, page(signedIn, p.reauthPage)...)
	r.Post(request.ReauthPath, page(signedIn, form, p.reauthForm)...)
	r.Get("/dashboard/security", page(signedIn, p.securityPage)...)
	r.Get("/dashboard/security/totp", page(signedIn, fresh, p.enrolPage)...)
	r.Post("/dashboard/security/totp", page(signedIn, form, fresh, p.confirmTOTP)...)
	r.Post("/dashboard/security/totp/disable", page(signedIn, form, fresh, p.disableTOTP)...)
	r.Post("/dashboard/security/recovery-codes", page(signedIn, form, fresh, p.regenerateCodes)...)
	r.Post("/dashboard/security/passkeys/:id/rename", page(signedIn, form, p.renamePasskey)...)
	r.Post("/dashboard/security/passkeys/:id/delete", page(signedIn, form, fresh, p.deletePasskey)...)
}

// signedIn sends anonymous visitors (and bearer tokens) to the login page.
func (p *Pages) signedIn(c *fiber.Ctx) error {
	if id := request.Identity(c); id == nil || id.Session == nil {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Next()
}

func (p *Pages) formCSRF(c *fiber.Ctx) error {
	if !auth.CSRFValid(request.Identity(c).Session, c.FormValue(dashkit.CSRFField)) {
		return dashkit.FormExpired(p.templates, c)
	}
	return c.Next()
}

type twoFactorView struct {
	pageBase
	Methods map[string]bool
}

// twoFactorPage is the second step of a login: a TOTP code, a recovery
// code or a passkey. Without a pending login it goes back to the login.
func (p *Pages) twoFactorPage(c *fiber.Ctx) error {
	pending := c.Cookies(mfaapi.PendingCookie)
	if pending == "" {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	userID, err := p.mfa.PendingLogin(c.UserContext(), pending)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return c.Redirect("/login", fiber.StatusSeeOther)
	} else if err != nil {
		return err
	}
	keys, err := p.mfa.Passkeys(c.UserContext(), userID)
	if err != nil {
		return err
	}
	v := twoFactorView{pageBase: p.base(c, "twofactor.title"), Methods: map[string]bool{mfa.MethodTOTP: true, mfa.MethodRecovery: true, mfa.MethodPasskey: len(keys) > 0}}
	return p.render(c, fiber.StatusOK, "twofactor", v)
}

type reauthView struct {
	pageBase
	Next        string
	TOTP        bool
	HasPasskeys bool
	Error       string
}

func (p *Pages) reauthView(c *fiber.Ctx, next, errMsg string) (reauthView, error) {
	id := request.Identity(c)
	st, err := p.mfa.Status(c.UserContext(), id.User.ID)
	if err != nil {
		return reauthView{}, err
	}
	return reauthView{pageBase: p.base(c, "reauth.title"), Next: request.SafeNext(next), TOTP: st.TOTPEnabled,
		HasPasskeys: len(st.Passkeys) > 0, Error: errMsg}, nil
}

// reauthPage asks for the password (and a code), or a passkey, before a
// sensitive change; it returns to ?next= afterwards.
func (p *Pages) reauthPage(c *fiber.Ctx) error {
	v, err := p.reauthView(c, c.Query("next"), "")
	if err != nil {
		return err
	}
	return p.render(c, fiber.StatusOK, "reauth", v)
}

func (p *Pages) reauthForm(c *fiber.Ctx) error {
	next := request.SafeNext(c.FormValue("next"))
	err := p.reauth(c, c.FormValue("password"), c.FormValue("code"))
	if err == nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	status := fiber.StatusUnprocessableEntity
	msg := sitelang.T(c, "dashc.reauth.incorrect")
	switch folio.ErrorCode(err) {
	case folio.EINVALID, folio.EUNAUTHORIZED:
		if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
			status = fiber.StatusUnauthorized
		}
		if strings.Contains(folio.ErrorMessage(err), "required") {
			msg = sitelang.T(c, "dashc.reauth.code_required")
		}
	case folio.ETOOMANY:
		status, msg = fiber.StatusTooManyRequests, sitelang.T(c, "dashc.too_many")
	default:
		return err
	}
	c.Response().ResetBody()
	v, verr := p.reauthView(c, next, msg)
	if verr != nil {
		return verr
	}
	return p.render(c, status, "reauth", v)
}

// pageBase is the layout's data and the session's CSRF token.
type pageBase = dashkit.Base

// base is the layout's data of a page titled with the message titleKey.
func (p *Pages) base(c *fiber.Ctx, titleKey string) pageBase {
	return dashkit.NewBase(c, titleKey, "/static/dashboard.js", "/static/passkey.js")
}

func (p *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	return dashkit.Render(p.templates, c, status, name, data)
}
