// Package archivepages serves the dashboard's page of the owner's own
// data: exporting and importing the full account archive, and, in its
// danger zone, deleting the account. Forms posted here, answered by a
// redirect (post/redirect/get); they work without JavaScript.
package archivepages

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/accountdelete"
	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// Options configure the pages. Logger and Auth are the server's.
type Options struct {
	Logger   *slog.Logger
	Auth     *auth.Service
	Deletion *accountdelete.Service
	Archives *archive.Service // nil: the page offers deletion alone
	// Gate bounds the streamed uploads in progress; nil: none.
	Gate interface {
		Acquire(ownerID int64) (release func(), err error)
	}
	Intake body.Intake
}

// Pages are the dashboard's account data pages.
type Pages struct {
	opts      Options
	templates web.Templates
	authn     *request.Authenticator
	csp       string
}

// New builds the pages; it panics on a template error, a build-time
// mistake every test catches.
func New(opts Options) *Pages {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	t := web.MustPages()
	return &Pages{opts: opts, templates: t, authn: &request.Authenticator{Auth: opts.Auth}, csp: request.CSP("", false)}
}

// Routes mounts the pages; they must come before the site's, whose
// /{handle}/{project} would take these paths.
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler { return dashkit.Page(p.authn, p.csp, h...) }
	form := func(h fiber.Handler) []fiber.Handler { return page(p.formCSRF, h) }
	r.Get("/dashboard/account", page(p.accountPage)...)
	r.Post("/dashboard/account/delete", form(p.deleteAccount)...)
	if p.opts.Archives != nil {
		r.Post("/dashboard/account/export", form(p.requestExport)...)
		r.Get("/dashboard/account/exports/:id/download", page(p.download)...)
		// Its CSRF token is read from the streamed form (importArchive).
		r.Post(ImportPath, page(p.importArchive)...)
	}
}

// View is what the page shows.
type View struct {
	web.Page
	CSRF   string
	Handle string
	// Archives says whether archives are on; Exports and Imports are the
	// latest of each, newest first.
	Archives bool
	Exports  []archive.Export
	Imports  []archive.Import
	Notice   string
	// ArchiveError says why an export or import request was refused.
	ArchiveError string
	// DeleteError says why a deletion form was refused.
	DeleteError string
}

// view is the page's data, titled by the message id title.
func (p *Pages) view(c *fiber.Ctx, title string) View {
	v := View{Page: web.Page{Meta: web.PageMeta{Title: sitelang.T(c, title) + " · Folio", NoIndex: true}}}
	if id := request.Identity(c); id != nil {
		v.Viewer, v.Handle = id.User, id.User.Handle
		if id.Session != nil {
			v.CSRF = id.Session.CSRFToken
		}
	}
	return v
}

func (p *Pages) accountPage(c *fiber.Ctx) error {
	v, err := p.withArchives(c, p.view(c, "acctdata.title"))
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "export":
		v.Notice = sitelang.T(c, "sitego.archive.export")
	case "import":
		v.Notice = sitelang.T(c, "sitego.archive.import")
	}
	return p.render(c, fiber.StatusOK, "account_data", v)
}

// deleteAccount deletes the account once the form names its handle and
// carries the current password; the browser is signed out.
func (p *Pages) deleteAccount(c *fiber.Ctx) error {
	v, err := p.withArchives(c, p.view(c, "acctdata.title"))
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != v.Handle {
		v.DeleteError = sitelang.T(c, "dashd.archive.confirm_handle", "Handle", v.Handle)
		return p.render(c, fiber.StatusUnprocessableEntity, "account_data", v)
	}
	err = p.opts.Deletion.DeleteOwn(c.UserContext(), request.User(c).ID, c.FormValue("password"))
	switch folio.ErrorCode(err) {
	case "":
	case folio.EINVALID:
		v.DeleteError = sitelang.T(c, "dashd.archive.wrong_password")
		return p.render(c, fiber.StatusUnprocessableEntity, "account_data", v)
	case folio.ETOOMANY:
		v.DeleteError = folio.ErrorMessage(err)
		return p.render(c, fiber.StatusTooManyRequests, "account_data", v)
	default:
		return err
	}
	c.ClearCookie(request.SessionCookie, request.CSRFCookie)
	gone := View{Page: web.Page{Meta: web.PageMeta{Title: sitelang.T(c, "dashd.title.account_deleted") + " · Folio", NoIndex: true}}}
	return p.render(c, fiber.StatusOK, "account_deleted", gone)
}

// formCSRF refuses a POST whose form does not carry the session's token.
func (p *Pages) formCSRF(c *fiber.Ctx) error {
	id := request.Identity(c)
	if id.Session == nil || !auth.CSRFValid(id.Session, c.FormValue(dashkit.CSRFField)) {
		return p.render(c, fiber.StatusForbidden, "application_error", p.view(c, "dashd.title.form_expired"))
	}
	return c.Next()
}

func (p *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	return dashkit.Render(p.templates, c, status, name, data)
}
