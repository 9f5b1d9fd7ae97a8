// Package domainpages serves the dashboard's custom domain page
// (/dashboard/domain): attach a domain, see the DNS records to set, verify
// it, remove it. Plain forms answered by a redirect (post/redirect/get),
// working without JavaScript; each carries the session's CSRF token.
package domainpages

import (
	"errors"
	"github.com/foliohq/folio/web"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/api/domainapi"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// Pages are the custom domain pages.
type Pages struct {
	domains   *customdomain.Service
	ownHost   string
	templates web.Templates
	authn     *request.Authenticator
	csp       string
}

// New builds the pages for the owners of ownHost's instance.
func New(domains *customdomain.Service, a *auth.Service, ownHost string) *Pages {
	return &Pages{domains: domains, ownHost: ownHost, templates: dashkit.Templates(),
		authn: &request.Authenticator{Auth: a}, csp: request.CSP("", false)}
}

// Routes mounts the pages; before the site's, whose /{handle}/{project}
// would take these paths.
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler { return dashkit.Page(p.authn, p.csp, h...) }
	r.Get("/dashboard/domain", page(p.show)...)
	r.Post("/dashboard/domain", page(p.formCSRF, p.add)...)
	r.Post("/dashboard/domain/:id/verify", page(p.formCSRF, p.verify)...)
	r.Post("/dashboard/domain/:id/delete", page(p.formCSRF, p.remove)...)
}

// View is what the page shows.
type View struct {
	dashkit.Base
	Domains []domainapi.DomainResponse
	Max     int
	Full    bool
	// Input is what was typed into a refused form; Error why it was refused.
	Input, Error, Notice string
	OwnHost              string
}

func (p *Pages) view(c *fiber.Ctx) (View, error) {
	v := View{Base: dashkit.NewBase(c, "Custom domain"), Max: customdomain.MaxPerOwner, OwnHost: p.ownHost}
	ds, err := p.domains.Domains(c.UserContext(), request.User(c).ID)
	if err != nil {
		return v, err
	}
	for _, d := range ds {
		v.Domains = append(v.Domains, domainapi.Response(d, p.ownHost))
	}
	v.Full = len(ds) >= customdomain.MaxPerOwner
	return v, nil
}

func (p *Pages) show(c *fiber.Ctx) error {
	v, err := p.view(c)
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "added":
		v.Notice = sitelang.T(c, "sitego.domain.added")
	case "verified":
		v.Notice = sitelang.T(c, "sitego.domain.verified")
	case "unverified":
		v.Notice = sitelang.T(c, "sitego.domain.unverified")
	case "removed":
		v.Notice = sitelang.T(c, "sitego.domain.removed")
	}
	return dashkit.Render(p.templates, c, fiber.StatusOK, "domain", v)
}

func (p *Pages) add(c *fiber.Ctx) error {
	in := c.FormValue("domain")
	_, err := p.domains.Add(c.UserContext(), request.User(c).ID, in)
	if code := folio.ErrorCode(err); code == folio.EINVALID || code == folio.ECONFLICT {
		v, verr := p.view(c)
		if verr != nil {
			return verr
		}
		v.Input, v.Error = in, message(err)
		return dashkit.Render(p.templates, c, fiber.StatusUnprocessableEntity, "domain", v)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/domain?done=added", fiber.StatusSeeOther)
}

// message is what the form shows for a refused domain.
func message(err error) string {
	var e *folio.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return "The domain " + e.Fields[0].Message + "."
	}
	return folio.ErrorMessage(err)
}

func (p *Pages) verify(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return p.notFound(c)
	}
	d, err := p.domains.Verify(c.UserContext(), request.User(c).ID, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return p.notFound(c)
	} else if err != nil {
		return err
	}
	if d.Verified() {
		return c.Redirect("/dashboard/domain?done=verified", fiber.StatusSeeOther)
	}
	return c.Redirect("/dashboard/domain?done=unverified", fiber.StatusSeeOther)
}

func (p *Pages) remove(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return p.notFound(c)
	}
	err = p.domains.Remove(c.UserContext(), request.User(c).ID, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return p.notFound(c)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/domain?done=removed", fiber.StatusSeeOther)
}

func (p *Pages) notFound(c *fiber.Ctx) error {
	v := dashkit.NewBase(c, "Not found")
	return dashkit.Render(p.templates, c, fiber.StatusNotFound, "notfound", v)
}

// formCSRF refuses a POST whose form does not carry the session's token.
func (p *Pages) formCSRF(c *fiber.Ctx) error {
	if !dashkit.CSRFValid(c) {
		return dashkit.Render(p.templates, c, fiber.StatusForbidden, "application_error", dashkit.NewBase(c, "Form expired"))
	}
	return c.Next()
}
