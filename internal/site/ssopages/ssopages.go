// Package ssopages serves the pages of signing in and up: the log in and
// register pages (with the sign-in buttons and the invitation a link
// carries), the browser's round trip through a provider
// (/auth/sso/{provider}, its callback), the owner's connected accounts and
// the admins' invitations page. The workflows are internal/sso's and
// internal/invite's.
package ssopages

import (
	"errors"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/sso"
	"github.com/foliohq/folio/web"
)

// StateCookie binds a sign-in in progress to the browser that started
// it. It lives ten minutes and goes only to /auth/sso/: no other page
// ever gets a cookie from single sign-on.
const StateCookie = "folio_sso_state"

// DefaultStartLimit bounds the sign-ins a client IP starts (each stores a
// flow) per minute.
var DefaultStartLimit = ratelimit.Limit{Rate: 30, Period: time.Minute}

// Options configure the pages.
type Options struct {
	Auth *auth.Service
	// SSO runs the sign-ins; nil: no providers (no buttons, 404s).
	SSO *sso.Service
	// Gate is the registration mode and invitations; nil: open.
	Gate    *invite.Service
	Limiter *ratelimit.Limiter
	// StartLimit bounds sign-ins started per client IP (zero:
	// DefaultStartLimit).
	StartLimit ratelimit.Limit
	BaseURL    *url.URL
	Logger     *slog.Logger
}

// Pages serves the pages.
type Pages struct {
	opts      Options
	templates web.Templates
	authn     *request.Authenticator
	csp       string
}

// New builds the pages; it panics on a template error, which every test
// catches.
func New(opts Options) *Pages {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BaseURL == nil {
		opts.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	if opts.StartLimit.Rate == 0 {
		opts.StartLimit = DefaultStartLimit
	}
	t := web.MustPages()
	return &Pages{opts: opts, templates: t, authn: &request.Authenticator{Auth: opts.Auth}, csp: request.CSP("", false)}
}

// Routes mounts the pages; they come before the site's, whose /{handle}
// would take /login and /register. Every POST needs the session's CSRF
// token as a form field.
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{request.WithCSP(p.csp), p.authn.Authenticate}, h...)
	}
	owner := func(h ...fiber.Handler) []fiber.Handler {
		return page(append([]fiber.Handler{dashkit.SignedIn}, h...)...)
	}
	form := func(h ...fiber.Handler) []fiber.Handler { return owner(append([]fiber.Handler{p.formCSRF}, h...)...) }
	admin := func(h ...fiber.Handler) []fiber.Handler { return owner(append([]fiber.Handler{p.admin}, h...)...) }
	r.Get("/login", page(p.loginPage)...)
	r.Get("/register", page(p.registerPage)...)
	// The round trip through a provider: start (a sign-in, or a signed-in
	// owner connecting an identity), then the provider's return.
	r.Get("/auth/sso/:provider", page(p.start)...)
	r.Post("/auth/sso/:provider/link", form(p.startLink)...)
	r.Get("/auth/sso/:provider/callback", page(p.callback)...)
	r.Get("/dashboard/connected-accounts", owner(p.connectedPage)...)
	r.Post("/dashboard/connected-accounts/:id/unlink", form(p.unlink)...)
	r.Get("/admin/invitations", admin(p.invitationsPage)...)
	r.Post("/admin/invitations", admin(p.formCSRF, p.invite)...)
	r.Post("/admin/invitations/:id/revoke", admin(p.formCSRF, p.revoke)...)
}

// admin lets administrators through; others get the 404 page.
func (p *Pages) admin(c *fiber.Ctx) error {
	if !request.User(c).IsAdmin {
		return dashkit.NotFound(p.templates, c)
	}
	return c.Next()
}

// formCSRF refuses a POST whose form does not carry the session's token;
// bearer tokens have no session and no business posting these forms.
func (p *Pages) formCSRF(c *fiber.Ctx) error {
	id := request.Identity(c)
	if id.Session == nil || !auth.CSRFValid(id.Session, c.FormValue(dashkit.CSRFField)) {
		return p.errorPage(c, fiber.StatusForbidden, "dashc.title.form_expired", sitelang.T(c, "dashc.sso.form_expired"))
	}
	return c.Next()
}

// The login page offers passkey sign-in (passkey.js).
var dashboardScripts = []string{"/static/dashboard.js", "/static/passkey.js"}

type errorView struct {
	pageBase
	Heading, Message string
}

// errorPage is the sso_error page: its title and heading are the message
// headingKey; message is in the request's language already.
func (p *Pages) errorPage(c *fiber.Ctx, status int, headingKey, message string) error {
	heading := sitelang.T(c, headingKey)
	v := errorView{pageBase: dashkit.NewBaseTitled(c, heading, dashboardScripts...), Heading: heading, Message: message}
	return p.render(c, status, "sso_error", v)
}

// notFound is the 404 sso_error page saying the message whyKey (a
// feature this Folio has off, an id the account does not have).
func (p *Pages) notFound(c *fiber.Ctx, whyKey string) error {
	return p.errorPage(c, fiber.StatusNotFound, "title.not_found", sitelang.T(c, whyKey))
}

// statusOf is the HTTP status of a refusal.
func statusOf(err error) int {
	switch folio.ErrorCode(err) {
	case folio.EUNAUTHORIZED, folio.EINVALID:
		return fiber.StatusBadRequest
	case folio.EFORBIDDEN:
		return fiber.StatusForbidden
	case folio.ECONFLICT:
		return fiber.StatusConflict
	case folio.ENOTFOUND:
		return fiber.StatusNotFound
	case folio.EUNAVAILABLE:
		return fiber.StatusServiceUnavailable
	case folio.ETOOMANY:
		return fiber.StatusTooManyRequests
	}
	return fiber.StatusInternalServerError
}

// refusal renders err when it is an application error, and passes
// others on to the error handler (logged, a 500).
func (p *Pages) refusal(c *fiber.Ctx, headingKey string, err error) error {
	status := statusOf(err)
	if status == fiber.StatusInternalServerError {
		return err
	}
	return p.errorPage(c, status, headingKey, p.explain(c, err))
}

// explain is a refusal in the request's language, from its reason's
// code (the services' messages are English, for the API); the English
// message for a refusal the catalogs do not know.
func (p *Pages) explain(c *fiber.Ctx, err error) string {
	reason := sso.Reason(err)
	if errors.Is(err, invite.ErrSSOOnly) {
		reason = "sso_only"
	}
	key := refusedPrefix + reason
	if msg := sitelang.T(c, key, "Provider", p.label(c.Params("provider"))); msg != key {
		return msg
	}
	return folio.ErrorMessage(err)
}

// refusedPrefix prefixes the messages of refusal reasons (Reasons).
const refusedPrefix = "dashc.sso.refused."

// Reasons are the refusals the catalogs say in every language (the
// sso.Reason codes a sign-in can end with, and the registration modes'),
// listed for the test that keeps them there.
var Reasons = []string{"email_has_account", "identity_taken", "provider_connected", "suspended", "bad_state",
	"token_not_verified", "email_unverified", "domain_not_allowed", "invite_only", "bad_invitation", "sso_only",
	folio.ENOTFOUND, folio.EUNAVAILABLE}

func (p *Pages) providers() []sso.Provider {
	if p.opts.SSO == nil {
		return nil
	}
	return p.opts.SSO.Providers
}

func (p *Pages) mode() invite.Mode {
	if p.opts.Gate == nil {
		return invite.Open
	}
	return p.opts.Gate.Mode
}

// pageBase is the layout's data and the session's CSRF token.
type pageBase = dashkit.Base

// base is the layout's data of a page titled with the message titleKey.
func (p *Pages) base(c *fiber.Ctx, titleKey string) pageBase {
	return dashkit.NewBase(c, titleKey, dashboardScripts...)
}

func (p *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	return dashkit.Render(p.templates, c, status, name, data)
}
