// Package exportpages serves the portfolio exports on the site: the PDF
// portfolio at /{handle}.pdf, the JSON Resume at /{handle}/resume.json,
// and the dashboard page (/dashboard/resume) with their downloads and the
// JSON Resume import form. The routes are listed in the site's route
// table (internal/site/routes.go), before /{handle}, whose parameter would
// take /{handle}.pdf otherwise. Handles and slugs cannot contain a dot,
// so neither path can be a portfolio's or a project's.
//
// Both documents show what the public page shows: the public projects,
// never drafts or unlisted ones, to every visitor, the owner included (a
// PDF is for sending). Answers are memoized in the process for a second,
// as public pages are, and dropped at once when the owner changes
// something through this process (Forget).
package exportpages

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/resume"
	"github.com/foliohq/folio/internal/site/memo"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// Options configure the pages. Logger and BaseURL are the site's.
type Options struct {
	Logger   *slog.Logger
	BaseURL  *url.URL
	Users    folio.UserService
	Projects folio.ProjectService
	// PDF finds and queues PDF portfolios; nil: /{handle}.pdf is a 404.
	PDF *portfoliopdf.Service
	// Import brings JSON Resume files into accounts.
	Import *resume.Importer
	// NotFound answers the site's 404 page.
	NotFound fiber.Handler
}

// Pages serve the exports.
type Pages struct {
	opts      Options
	memo      *memo.Memo
	flight    singleflight.Group
	templates web.Templates
}

// New builds the pages. It panics on a template error, a build-time
// mistake every test catches.
func New(opts Options) *Pages {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Pages{opts: opts, memo: memo.NewSized(memoEntries), templates: web.MustPages()}
}

// memoEntries bounds the memo: a PDF is some 50 KB, so at most about
// 13 MB of them are held.
const memoEntries = 256

// Forget drops the memoized documents of an owner, after a change. Nil
// pages (not mounted) hold nothing.
func (p *Pages) Forget(userID int64) {
	if p != nil {
		p.memo.Forget(userID)
	}
}

// Routes mounts the pages on r, which must authenticate (the dashboard
// routes need the signed-in owner) and come before the site's /{handle}.
// Nil pages mount nothing.
func (p *Pages) Routes(r fiber.Router) {
	if p == nil {
		return
	}
	r.Get("/dashboard/resume", p.dashboardPage)
	r.Post("/dashboard/resume/import", p.importForm)
	r.Get("/:handle.pdf", p.portfolioPDF)
	r.Get("/:handle/resume.json", p.resumeJSON)
}

// download adds the attachment disposition when ?download=1 asks for it.
func download(c *fiber.Ctx, name string) {
	disposition := "inline"
	if c.Query("download") == "1" {
		disposition = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disposition+`; filename="`+name+`"`)
}

// canonical redirects another spelling of a handle to the stored one.
func canonical(c *fiber.Ctx, path string) (bool, error) {
	if c.Path() == path {
		return false, nil
	}
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		path += "?" + string(q)
	}
	return true, c.Redirect(path, fiber.StatusMovedPermanently)
}

// portfolioPDF is /{handle}.pdf?paper=a4|letter (A4 when not given).
func (p *Pages) portfolioPDF(c *fiber.Ctx) error {
	if p.opts.PDF == nil {
		return p.opts.NotFound(c)
	}
	paper, ok := portfoliopdf.ParsePaper(c.Query("paper"))
	if !ok {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusBadRequest).SendString("paper must be a4 or letter\n")
	}
	handle := c.Params("handle")
	name := handle + "-portfolio-" + string(paper) + ".pdf"
	key := "pdf/" + handle + "/" + string(paper)
	if e, ok := p.memo.Get(key); ok {
		return sendPDF(c, name, e.Body, "memo")
	}
	owner, err := p.opts.Users.UserByHandle(c.UserContext(), handle)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return p.opts.NotFound(c)
	} else if err != nil {
		return err
	}
	if redirected, err := canonical(c, "/"+owner.Handle+".pdf"); redirected {
		return err
	}
	// Requests that find the same PDF missing wait for it together.
	v, err, _ := p.flight.Do(key, func() (any, error) { return p.opts.PDF.PDF(c.UserContext(), owner, paper, request.ID(c)) })
	if folio.ErrorCode(err) == folio.EUNAVAILABLE {
		// The worker is behind: ask the client to come back, and a
		// browser shows why meanwhile.
		c.Set(fiber.HeaderRetryAfter, "5")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusServiceUnavailable).SendString("The PDF is being made; try again in a few seconds.\n")
	} else if err != nil {
		return err
	}
	// A stale PDF is memoized too, so that while the worker is behind,
	// the requests of the next second do not each wait for it again.
	f := v.(*portfoliopdf.File)
	p.memo.Put(key, owner.ID, 0, f.Body)
	if f.Stale {
		c.Set("X-Folio-Stale", "1")
		return sendPDF(c, name, f.Body, "stale")
	}
	return sendPDF(c, name, f.Body, "store")
}

func sendPDF(c *fiber.Ctx, name string, body []byte, from string) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set("X-Cache", from)
	download(c, name)
	// No copy: memoized and stored bodies are never modified.
	c.Response().SetBodyRaw(body)
	return nil
}

// resumeJSON is /{handle}/resume.json: the JSON Resume of the public
// portfolio. Anyone may fetch it, from any origin: it is public and the
// same for every visitor.
func (p *Pages) resumeJSON(c *fiber.Ctx) error {
	handle := c.Params("handle")
	key := "resume/" + handle
	var body []byte
	if e, ok := p.memo.Get(key); ok {
		body = e.Body
	} else {
		pf, err := p.opts.Projects.Portfolio(c.UserContext(), handle)
		if folio.ErrorCode(err) == folio.ENOTFOUND {
			return p.opts.NotFound(c)
		} else if err != nil {
			return err
		}
		if redirected, err := canonical(c, "/"+pf.Owner.Handle+"/resume.json"); redirected {
			return err
		}
		if body, err = json.MarshalIndent(resume.Export(pf, p.opts.BaseURL), "", "  "); err != nil {
			return err
		}
		p.memo.Put(key, pf.Owner.ID, 0, body)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	download(c, handle+"-resume.json")
	return c.Send(body)
}

// dashboardView is the dashboard page: the downloads, and an import's
// outcome when one was just posted.
type dashboardView struct {
	web.Page
	User   *folio.User
	CSRF   string
	Papers []portfoliopdf.Paper
	// MaxKiB is the largest file the import takes.
	MaxKiB int
	Report *reportView
	Error  string
	Fields []folio.FieldError
}

type reportView struct {
	Profile  []string
	Projects []*folio.Project
	Skipped  []resume.Skip
}

func (p *Pages) dashboardPage(c *fiber.Ctx) error {
	v, ok := p.view(c)
	if !ok {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return p.render(c, fiber.StatusOK, v)
}

func (p *Pages) view(c *fiber.Ctx) (dashboardView, bool) {
	id := request.Identity(c)
	if id == nil {
		return dashboardView{}, false
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := dashboardView{Page: web.Page{Viewer: id.User, Meta: web.PageMeta{Title: sitelang.T(c, "exports.title") + " · Folio", NoIndex: true}},
		User: id.User, Papers: portfoliopdf.Papers, MaxKiB: resume.MaxImportBytes >> 10}
	if id.Session != nil {
		v.CSRF = id.Session.CSRFToken
	}
	return v, true
}

// importForm takes a JSON Resume file from the dashboard's form (its
// session's CSRF token in the csrf field) and shows what it did.
func (p *Pages) importForm(c *fiber.Ctx) error {
	v, ok := p.view(c)
	if !ok {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	id := request.Identity(c)
	if id.Session == nil || !auth.CSRFValid(id.Session, c.FormValue("csrf")) {
		v.Error = sitelang.T(c, "sitego.form_expired")
		return p.render(c, fiber.StatusForbidden, v)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		v.Error = sitelang.T(c, "sitego.resume.choose_file")
		return p.render(c, fiber.StatusUnprocessableEntity, v)
	}
	if fh.Size > resume.MaxImportBytes {
		v.Error = sitelang.T(c, "sitego.resume.too_large", "KiB", resume.MaxImportBytes>>10)
		return p.render(c, fiber.StatusRequestEntityTooLarge, v)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := p.opts.Import.Import(c.UserContext(), id.User.ID, f)
	var fe *folio.Error
	if errors.As(err, &fe) && fe.Code != folio.EINTERNAL {
		v.Error, v.Fields = fe.Message, fe.Fields
		// The refusal in the reader's language; the fields keep the
		// schema validator's reasons, which are English.
		var ref *resume.Refusal
		if errors.As(err, &ref) {
			id := "dashd.resume." + ref.Reason // TestRefusalsExist checks each
			v.Error = sitelang.T(c, id, "Detail", ref.Detail)
		}
		return p.render(c, fiber.StatusUnprocessableEntity, v)
	} else if err != nil {
		return err
	}
	if u, err := p.opts.Users.UserByID(c.UserContext(), id.User.ID); err == nil {
		v.User, v.Viewer = u, u
	}
	v.Report = &reportView{Profile: rep.Profile, Projects: rep.Projects, Skipped: skipped(sitelang.L(c), rep.Skipped)}
	return p.render(c, fiber.StatusOK, v)
}

// skipped are an import's skipped fields with their reasons in l's
// language (the API answers the English ones). A reason that quotes
// Folio's validation keeps its message, which is English everywhere.
func skipped(l *i18n.Localizer, skips []resume.Skip) []resume.Skip {
	out := make([]resume.Skip, len(skips))
	for i, s := range skips {
		id := "dashd.skip." + s.Code // TestSkipReasonsExist checks each
		switch {
		case s.Code == "":
		case s.Code == "more":
			n, _ := strconv.Atoi(s.Value)
			s.Reason = l.N(id, n)
		default:
			s.Reason = l.T(id, "Value", s.Value)
		}
		out[i] = s
	}
	return out
}

func (p *Pages) render(c *fiber.Ctx, status int, v dashboardView) error {
	var buf bytes.Buffer
	if err := p.templates.Page(sitelang.Of(c), "exports").ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render exports: %w", err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}
