// Package repoimportpages serves "new project from a repository" in the
// dashboard: a form that starts an import, and the import's page, which
// refreshes itself (the Refresh header: no JavaScript) until the draft is
// made, then shows what was read for review. The routes are mounted by the
// server before the site's (internal/server/routes.go); the workflow is
// internal/repoimport's.
package repoimportpages

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/repoimport"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// Options configure the pages; without Imports or Auth they are not mounted.
type Options struct {
	Imports *repoimport.Service
	Auth    *auth.Service
	Logger  *slog.Logger
}

// Pages are the import pages.
type Pages struct {
	opts      Options
	templates web.Templates
	authn     *request.Authenticator
	csp       string
}

// Mount adds the pages to r when their services are given. It panics on a
// template error, a build-time mistake every test catches.
func Mount(r fiber.Router, opts Options) {
	if opts.Imports == nil || opts.Auth == nil {
		return
	}
	p := &Pages{opts: opts, templates: web.MustPages(), authn: &request.Authenticator{Auth: opts.Auth}, csp: request.CSP("", false)}
	page := func(h ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{request.WithCSP(p.csp), p.authn.Authenticate, p.signedIn}, h...)
	}
	r.Get("/dashboard/import", page(p.formPage)...)
	r.Post("/dashboard/import", page(p.start)...)
	r.Get("/dashboard/import/:id", page(p.importPage)...)
}

// signedIn sends anonymous visitors to the login page.
func (p *Pages) signedIn(c *fiber.Ctx) error {
	if request.Identity(c) == nil {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Next()
}

// csrfField carries the session's CSRF token in the form: a cross-site
// form cannot know it.
const csrfField = "_csrf"

// recent is how many imports the form page lists.
const recent = 10

type formView struct {
	web.Page
	CSRF, URL, Error string
	Imports          []*repoimport.Import
}

type importView struct {
	web.Page
	Import   *repoimport.Import
	Project  *folio.Project
	Finished bool
	Tags     string
}

// page is the layout's data of a page titled title, which is already in
// the reader's language.
func (p *Pages) page(c *fiber.Ctx, title string) web.Page {
	return web.Page{Meta: web.PageMeta{Title: title + " · Folio", NoIndex: true}, Viewer: request.Identity(c).User}
}

func (p *Pages) formPage(c *fiber.Ctx) error {
	return p.renderForm(c, fiber.StatusOK, "", "")
}

func (p *Pages) renderForm(c *fiber.Ctx, status int, url, msg string) error {
	id := request.Identity(c)
	v := formView{Page: p.page(c, sitelang.T(c, "repoimport.title")), URL: url, Error: msg}
	if id.Session != nil {
		v.CSRF = id.Session.CSRFToken
	}
	var err error
	if v.Imports, err = p.opts.Imports.Recent(c.UserContext(), id.User.ID, recent); err != nil {
		return err
	}
	return p.render(c, status, "repoimport", v)
}

// start begins an import and sends the owner to its page; a refusal comes
// back on the form with the URL as typed.
func (p *Pages) start(c *fiber.Ctx) error {
	id := request.Identity(c)
	url := c.FormValue("repository_url")
	if id.Session == nil || !auth.CSRFValid(id.Session, c.FormValue(csrfField)) {
		return p.renderForm(c, fiber.StatusForbidden, url, sitelang.T(c, "dashd.form_stale"))
	}
	imp, err := p.opts.Imports.Start(c.UserContext(), id.User.ID, url, request.ID(c))
	if err != nil {
		status, msg := fiber.StatusUnprocessableEntity, folio.ErrorMessage(err)
		var tm *repoimport.TooManyError
		switch {
		case errors.As(err, &tm):
			status, msg = fiber.StatusTooManyRequests, tooMany(sitelang.L(c), tm)
		case folio.ErrorCode(err) == folio.ETOOMANY:
			status = fiber.StatusTooManyRequests
		case folio.ErrorCode(err) == folio.EINVALID:
			// The one field is the address; the page says in the
			// reader's language what an address must be.
			msg = sitelang.T(c, "dashd.repoimport.bad_url")
		case folio.ErrorCode(err) == folio.EINTERNAL:
			return err
		}
		return p.renderForm(c, status, url, msg)
	}
	return c.Redirect("/dashboard/import/"+strconv.FormatInt(imp.ID, 10), fiber.StatusSeeOther)
}

// importPage shows an import: in progress (refreshing every two seconds),
// failed with its reason, or done with the draft and what was read.
func (p *Pages) importPage(c *fiber.Ctx) error {
	id := request.Identity(c)
	importID, ok := request.ParseID(c.Params("id"))
	var imp *repoimport.Import
	var err error
	if ok {
		imp, err = p.opts.Imports.Import(c.UserContext(), id.User.ID, importID)
	}
	if !ok || folio.ErrorCode(err) == folio.ENOTFOUND {
		return p.render(c, fiber.StatusNotFound, "notfound", p.page(c, sitelang.T(c, "title.not_found")))
	} else if err != nil {
		return err
	}
	v := importView{Page: p.page(c, sitelang.T(c, "dashd.title.import_of", "URL", imp.RepositoryURL)), Import: imp, Finished: imp.Status.Finished()}
	if !v.Finished {
		c.Set("Refresh", "2")
	}
	if imp.Status == repoimport.StatusDone && imp.ProjectID != 0 {
		if v.Project, err = p.opts.Imports.Projects.Project(c.UserContext(), id.User.ID, imp.ProjectID); err != nil && folio.ErrorCode(err) != folio.ENOTFOUND {
			return err
		}
		if v.Project != nil {
			v.Tags = strings.Join(v.Project.TechTags, ", ")
		}
	}
	return p.render(c, fiber.StatusOK, "repoimport_status", v)
}

// tooMany says in l's language how many imports the hour allows and when
// the next fits (the error's own text is English, for the API).
func tooMany(l *i18n.Localizer, tm *repoimport.TooManyError) string {
	if tm.Limit.Period != time.Hour {
		return tm.Error()
	}
	minutes := max(1, int((tm.RetryAfter+time.Minute-1)/time.Minute))
	return l.N("dashd.repoimport.too_many", tm.Limit.Rate, "Wait", l.N("dashd.repoimport.minutes", minutes))
}

func (p *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	t := p.templates.Page(sitelang.Of(c), name)
	ok := t != nil
	if !ok {
		return fmt.Errorf("repoimportpages: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}
