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
	"github.com/foliohq/folio/internal/i18n"
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
	return &Pages{domains: domains, ownHost: ownHost, templates: web.MustPages(),
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
	v := View{Base: dashkit.NewBase(c, "nav.domain"), Max: customdomain.MaxPerOwner, OwnHost: p.ownHost}
	ds, err := p.domains.Domains(c.UserContext(), request.User(c).ID)
	if err != nil {
		return v, err
	}
	l := sitelang.L(c)
	for _, d := range ds {
		r := domainapi.Response(d, p.ownHost)
		r.LastError = whyUnverified(l, d)
		v.Domains = append(v.Domains, r)
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
		name := in
		if n, nerr := customdomain.Normalize(in, p.ownHost); nerr == nil {
			name = n // as the owner will see it listed
		}
		v.Input, v.Error = in, message(sitelang.L(c), err, name, v.Full)
		return dashkit.Render(p.templates, c, fiber.StatusUnprocessableEntity, "domain", v)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/domain?done=added", fiber.StatusSeeOther)
}

// message is what the form shows for a refused domain, in l's language:
// customdomain.Normalize's refusals (English, for the API) by their
// words, a conflict by whether the owner has all the domains they may.
func message(l *i18n.Localizer, err error, name string, full bool) string {
	if folio.ErrorCode(err) == folio.ECONFLICT {
		if full {
			return l.N("dashc.domain.full", customdomain.MaxPerOwner)
		}
		return l.T("dashc.domain.taken", "Domain", name)
	}
	var e *folio.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return folio.ErrorMessage(err)
	}
	if key, ok := refusals[e.Fields[0].Message]; ok {
		return l.T(key)
	}
	return "The domain " + e.Fields[0].Message + "."
}

// refusals are customdomain.Normalize's field messages and what each
// says in the catalogs.
var refusals = map[string]string{
	"is not a valid domain name":                  "dashc.domain.invalid",
	"must be a full domain name such as jane.dev": "dashc.domain.not_full",
	"must end in a top-level domain such as .dev": "dashc.domain.no_tld",
	"must be a public domain name":                "dashc.domain.not_public",
	"is this Folio's own host name":               "dashc.domain.own_host",
}

// whyUnverified is why d's last check failed, in l's language (the
// stored reason is English, for the API).
func whyUnverified(l *i18n.Localizer, d *customdomain.Domain) string {
	code, said := customdomain.Failure(d)
	switch code {
	case "", "other":
		return d.LastError
	}
	key := whyPrefix + code
	return l.T(key, "Name", d.RecordName(), "Value", d.RecordValue(), "Said", said)
}

// whyPrefix prefixes the message of each FailureCodes code.
const whyPrefix = "dashc.domain.why."

// FailureCodes are customdomain.Failure's codes the catalogs say, for
// the test that keeps them in every language.
var FailureCodes = []string{"no_record", "timeout", "no_record_dns", "lookup_failed", "wrong_value"}

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

func (p *Pages) notFound(c *fiber.Ctx) error { return dashkit.NotFound(p.templates, c) }

// formCSRF refuses a POST whose form does not carry the session's token.
func (p *Pages) formCSRF(c *fiber.Ctx) error {
	if !dashkit.CSRFValid(c) {
		return dashkit.FormExpired(p.templates, c)
	}
	return c.Next()
}
