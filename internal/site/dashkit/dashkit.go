// Package dashkit is what the dashboard's page packages (applications,
// archives, sign-in security, sessions and administration, single sign-on)
// share: the signed-in check, the form's CSRF check, the layout's data and
// rendering a page into the layout. Each package keeps its own routes and
// says itself what a failed check shows.
package dashkit

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// CSRFField is the hidden form field that carries the session's CSRF
// token: a cross-site form cannot know it.
const CSRFField = "_csrf"

// SignedIn sends anonymous visitors to the login page, and keeps the page
// out of caches.
func SignedIn(c *fiber.Ctx) error {
	if request.Identity(c) == nil {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Next()
}

// CSRFValid reports whether the posted form carries the session's token.
func CSRFValid(c *fiber.Ctx) bool {
	id := request.Identity(c)
	return id != nil && id.Session != nil && auth.CSRFValid(id.Session, FormValue(c, CSRFField))
}

// FormValue reads a urlencoded field, or a multipart one (file forms).
func FormValue(c *fiber.Ctx, name string) string {
	if v := c.FormValue(name); v != "" {
		return v
	}
	if f, err := c.MultipartForm(); err == nil {
		if vs := f.Value[name]; len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// Base is the layout's data and the session's CSRF token, which every
// form of these pages carries.
type Base struct {
	web.Page
	CSRF string
}

// NewBase is the layout's data of a dashboard page whose title is the
// catalog message titleKey in the request's language, with the page's
// scripts.
func NewBase(c *fiber.Ctx, titleKey string, scripts ...string) Base {
	return NewBaseTitled(c, sitelang.T(c, titleKey), scripts...)
}

// NewBaseTitled is NewBase for a title that is not a message: a name
// (an account's handle) or text already in the request's language.
func NewBaseTitled(c *fiber.Ctx, title string, scripts ...string) Base {
	b := Base{Page: web.Page{Meta: web.PageMeta{Title: title + " · Folio", NoIndex: true}, Scripts: scripts}}
	if id := request.Identity(c); id != nil {
		b.Viewer = id.User
		if id.Session != nil {
			b.CSRF = id.Session.CSRFToken
		}
	}
	return b
}

// FormExpired answers a dashboard form that lacks the session's CSRF
// token (a page left open past its session, or another site's form): the
// "form expired" page, in the request's language, with status 403.
func FormExpired(templates web.Templates, c *fiber.Ctx) error {
	return Render(templates, c, fiber.StatusForbidden, "form_expired", NewBase(c, "dashc.title.form_expired"))
}

// NotFound is the dashboard's 404 page, in the request's language.
func NotFound(templates web.Templates, c *fiber.Ctx) error {
	return Render(templates, c, fiber.StatusNotFound, "notfound", NewBase(c, "title.not_found"))
}

// Render writes the page name of templates, in the layout, with status.
// Dashboard pages are never cached.
func Render(templates web.Templates, c *fiber.Ctx, status int, name string, data any) error {
	t := templates.Page(sitelang.Of(c), name)
	ok := t != nil
	if !ok {
		return fmt.Errorf("dashboard: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}

// Page is the handlers of a signed-in dashboard page: its CSP, the
// caller's identity, the signed-in check, then h. Pages are mounted route
// by route, not as a /dashboard group, whose middleware would run for the
// site's other dashboard pages too.
func Page(authn *request.Authenticator, csp string, h ...fiber.Handler) []fiber.Handler {
	return append([]fiber.Handler{request.WithCSP(csp), authn.Authenticate, SignedIn}, h...)
}
