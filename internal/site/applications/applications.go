// Package applications serves the owner's job-search pages in the
// dashboard: the board and table of applications, one application with its
// tailored share links and timeline, CSV import and the calendar feed.
// They are server-rendered and work without JavaScript: every change is a
// form posted here, answered by a redirect (post/redirect/get).
package applications

import (
	"log/slog"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/jobsearch"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// Options configure the pages. Logger, BaseURL and Auth are the server's.
type Options struct {
	Logger  *slog.Logger
	BaseURL *url.URL
	Auth    *auth.Service

	Applications folio.ApplicationService
	ShareLinks   folio.ShareLinkService
	Calendar     folio.CalendarFeedService
	Projects     folio.ProjectService
	// Transfer imports CSV files (the same workflow as the API's).
	Transfer *jobsearch.Transfer
	// Activity reads what visitors did through share links; nil: the
	// timeline shows the owner's own entries only.
	Activity folio.ShareActivityReader
	// Changed is called after a form that may have changed the owner's
	// pages (a share link revoked or edited), so this replica's memo of them
	// goes at once.
	Changed func(ownerID int64)
	// MaxImportBytes bounds an uploaded CSV file.
	MaxImportBytes int64
}

// Pages are the job-search pages of the dashboard.
type Pages struct {
	opts      Options
	templates web.Templates
	authn     *request.Authenticator
	csp       string
}

// New builds the pages; Routes mounts them. It panics on a template error,
// a build-time mistake every test catches.
func New(opts Options) *Pages {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BaseURL == nil {
		opts.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	if opts.MaxImportBytes == 0 {
		opts.MaxImportBytes = jobsearch.MaxImportBytes
	}
	t := web.MustPages()
	return &Pages{opts: opts, templates: t, authn: &request.Authenticator{Auth: opts.Auth}, csp: request.CSP("", false)}
}

// Routes mounts the pages; they must come before the site's, whose
// /{handle}/{project} would take these paths. Every route needs a signed-in
// browser; every POST needs the session's CSRF token as a form field.
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler { return dashkit.Page(p.authn, p.csp, h...) }
	form := func(h fiber.Handler) []fiber.Handler { return page(p.formCSRF, h) }
	r.Get("/dashboard/applications", page(p.listPage)...)
	r.Get("/dashboard/applications/new", page(p.newPage)...)
	r.Post("/dashboard/applications", form(p.create)...)
	r.Post("/dashboard/applications/import", form(p.importCSV)...)
	r.Post("/dashboard/calendar", form(p.rotateCalendar)...)
	r.Post("/dashboard/calendar/revoke", form(p.revokeCalendar)...)
	r.Get("/dashboard/applications/:id", page(p.owned(p.detailPage))...)
	r.Post("/dashboard/applications/:id", form(p.owned(p.update))...)
	r.Post("/dashboard/applications/:id/status", form(p.owned(p.setStatus))...)
	r.Post("/dashboard/applications/:id/notes", form(p.owned(p.addNote))...)
	r.Post("/dashboard/applications/:id/delete", form(p.owned(p.delete))...)
	r.Post("/dashboard/applications/:id/share-links", form(p.owned(p.createShareLink))...)
	r.Post("/dashboard/applications/:id/share-links/:link/revoke", form(p.owned(p.revokeShareLink))...)
}

// formCSRF refuses a POST whose form does not carry the session's token.
// Bearer tokens have no session and no business posting these forms.
func (p *Pages) formCSRF(c *fiber.Ctx) error {
	id := request.Identity(c)
	if id.Session == nil || !auth.CSRFValid(id.Session, dashkit.FormValue(c, dashkit.CSRFField)) {
		return p.render(c, fiber.StatusForbidden, "application_error", p.base(c, sitelang.T(c, "dashd.title.form_expired")))
	}
	err := c.Next()
	if p.opts.Changed != nil {
		p.opts.Changed(id.User.ID)
	}
	return err
}

func (p *Pages) notFound(c *fiber.Ctx) error {
	return p.render(c, fiber.StatusNotFound, "notfound", p.base(c, sitelang.T(c, "title.not_found")))
}

// absolute is the URL of a path on this installation.
func (p *Pages) absolute(parts ...string) string { return p.opts.BaseURL.JoinPath(parts...).String() }

// pageBase is the layout's data and the session's CSRF token.
type pageBase = dashkit.Base

// base is the layout's data of a page titled title, which is already in
// the reader's language.
// base is a page titled title, already in the reader's language.
func (p *Pages) base(c *fiber.Ctx, title string) pageBase { return dashkit.NewBaseTitled(c, title) }

func (p *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	return dashkit.Render(p.templates, c, status, name, data)
}
