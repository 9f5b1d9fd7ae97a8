// Package adminpages serves the dashboard's sessions page
// (/dashboard/sessions: sessions, API tokens and the account's audit log)
// and the administrators' pages (/admin/users: accounts with search,
// suspension, the admin role, deletion, and each account's log). They are
// server-rendered and work without JavaScript: every change is a form
// carrying the session's CSRF token, answered by a redirect. To anybody
// but an administrator the admin pages are the 404 page.
package adminpages

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/admin"
	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/sessions"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// Options configure the pages; Auth is the server's.
type Options struct {
	Auth     *auth.Service
	Sessions *sessions.Service
	Audit    *audit.Log
	Admin    *admin.Service // nil: no admin pages
}

// Pages are the security and admin pages.
type Pages struct {
	opts      Options
	templates web.Templates
	authn     *request.Authenticator
	csp       string
}

// New builds the pages; it panics on a template error, which every test
// catches.
func New(opts Options) *Pages {
	t := web.MustPages()
	return &Pages{opts: opts, templates: t, authn: &request.Authenticator{Auth: opts.Auth}, csp: request.CSP("", false)}
}

// Routes mounts the pages, before the site's (whose /{handle}/{project}
// would take these paths).
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler { return dashkit.Page(p.authn, p.csp, h...) }
	form := func(h fiber.Handler) []fiber.Handler { return page(p.formCSRF, h) }
	r.Get("/dashboard/sessions", page(p.securityPage)...)
	r.Post("/dashboard/sessions/sessions/revoke-others", form(p.revokeOthers)...)
	r.Post("/dashboard/sessions/sessions/:id/revoke", form(p.revokeSession)...)
	r.Post("/dashboard/sessions/tokens/:id/revoke", form(p.revokeToken)...)
	if p.opts.Admin == nil {
		return
	}
	adm := func(h fiber.Handler) []fiber.Handler { return page(p.adminOnly, h) }
	admForm := func(h fiber.Handler) []fiber.Handler { return page(p.adminOnly, p.formCSRF, h) }
	r.Get("/admin/users", adm(p.usersPage)...)
	r.Get("/admin/users/:id", adm(p.userPage)...)
	r.Post("/admin/users/:id/:action", admForm(p.userAction)...)
}

// adminOnly answers the 404 page to anybody but an administrator.
func (p *Pages) adminOnly(c *fiber.Ctx) error {
	if !request.Identity(c).User.IsAdmin {
		return dashkit.NotFound(p.templates, c)
	}
	return c.Next()
}

// formCSRF refuses a form without the session's token.
func (p *Pages) formCSRF(c *fiber.Ctx) error {
	id := request.Identity(c)
	if id.Session == nil || !auth.CSRFValid(id.Session, c.FormValue("_csrf")) {
		return dashkit.FormExpired(p.templates, c)
	}
	return c.Next()
}

// entryView is an audit entry as the pages show it.
type entryView struct {
	When, Label, Device, Detail string
	ByAdmin                     bool
	UserID                      int64
}

func entryViews(l *i18n.Localizer, es []audit.Entry) []entryView {
	out := make([]entryView, len(es))
	for i, e := range es {
		d := ""
		for k, v := range e.Detail {
			d += k + ": " + v + " "
		}
		out[i] = entryView{When: e.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), Label: KindLabel(l, e.Kind), Device: DeviceLabel(l, e.Device),
			Detail: d, ByAdmin: e.ActorID != 0 && e.ActorID != e.UserID, UserID: e.UserID}
	}
	return out
}

type securityView struct {
	base
	Sessions []sessions.Session
	Tokens   []*folio.APIToken
	Entries  []entryView
	Next     string
}

// securityPage lists the sessions, API tokens and the account's log.
func (p *Pages) securityPage(c *fiber.Ctx) error {
	id := request.Identity(c)
	ctx := c.UserContext()
	v := securityView{base: p.base(c, "nav.sessions")}
	var current []byte
	if id.Session != nil {
		current = id.Session.TokenHash
	}
	var err error
	if v.Sessions, err = p.opts.Sessions.List(ctx, id.User.ID, current); err != nil {
		return err
	}
	if v.Tokens, err = p.opts.Auth.Credentials.APITokens(ctx, id.User.ID); err != nil {
		return err
	}
	before, _ := request.DecodeCursor(c.Query("cursor"))
	pg, err := p.opts.Audit.Entries(ctx, audit.Query{UserID: id.User.ID, Before: before})
	if err != nil {
		return err
	}
	for i := range v.Sessions {
		v.Sessions[i].Device = DeviceLabel(sitelang.L(c), v.Sessions[i].Device)
	}
	v.Entries, v.Next = entryViews(sitelang.L(c), pg.Entries), request.NextCursor(pg.Next)
	return p.render(c, fiber.StatusOK, "sessions", v)
}

func pathID(c *fiber.Ctx) int64 {
	id, _ := request.ParseID(c.Params("id"))
	return id
}

func (p *Pages) revokeSession(c *fiber.Ctx) error {
	err := p.opts.Sessions.Revoke(c.UserContext(), request.User(c).ID, pathID(c))
	if folio.ErrorCode(err) == folio.ENOTFOUND { // another account's, or gone
		return dashkit.NotFound(p.templates, c)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/sessions", fiber.StatusSeeOther)
}

func (p *Pages) revokeOthers(c *fiber.Ctx) error {
	var current []byte
	if s := request.Identity(c).Session; s != nil {
		current = s.TokenHash
	}
	if _, err := p.opts.Sessions.RevokeOthers(c.UserContext(), request.User(c).ID, current); err != nil {
		return err
	}
	return c.Redirect("/dashboard/sessions", fiber.StatusSeeOther)
}

func (p *Pages) revokeToken(c *fiber.Ctx) error {
	id := pathID(c)
	if id == 0 {
		return dashkit.NotFound(p.templates, c)
	}
	err := p.opts.Auth.RevokeAPIToken(c.UserContext(), request.User(c).ID, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return dashkit.NotFound(p.templates, c)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/sessions", fiber.StatusSeeOther)
}

type usersView struct {
	base
	Query    string
	Accounts []admin.Account
	Next     string
}

func (p *Pages) usersPage(c *fiber.Ctx) error {
	before, _ := request.DecodeCursor(c.Query("cursor"))
	v := usersView{base: p.base(c, "adminusers.title"), Query: c.Query("q")}
	pg, err := p.opts.Admin.Accounts(c.UserContext(), request.User(c), admin.Query{Search: v.Query, Before: before})
	if err != nil {
		return err
	}
	v.Accounts = pg.Accounts
	if pg.Next != 0 {
		v.Next = "?q=" + url.QueryEscape(v.Query) + "&cursor=" + request.EncodeCursor(pg.Next)
	}
	return p.render(c, fiber.StatusOK, "admin_users", v)
}

type userView struct {
	base
	Account *admin.Account
	Entries []entryView
	Error   string
}

func (p *Pages) userPage(c *fiber.Ctx) error {
	return p.renderUser(c, fiber.StatusOK, nil)
}

// renderUser shows an account's page, with refused, when set, saying why
// its button was refused.
func (p *Pages) renderUser(c *fiber.Ctx, status int, refused error) error {
	a, err := p.opts.Admin.Account(c.UserContext(), request.User(c), pathID(c))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return dashkit.NotFound(p.templates, c)
	} else if err != nil {
		return err
	}
	pg, err := p.opts.Audit.Entries(c.UserContext(), audit.Query{UserID: a.ID})
	if err != nil {
		return err
	}
	v := userView{base: dashkit.NewBaseTitled(c, a.Handle), Account: a, Entries: entryViews(sitelang.L(c), pg.Entries)}
	if refused != nil {
		v.Error = RefusalMessage(sitelang.L(c), refused, a.Handle)
	}
	return p.render(c, status, "admin_user", v)
}

// userAction runs a button of an account's page.
func (p *Pages) userAction(c *fiber.Ctx) error {
	ctx, actor, id := c.UserContext(), request.User(c), pathID(c)
	var err error
	switch c.Params("action") {
	case "suspend":
		_, err = p.opts.Admin.Suspend(ctx, actor, id)
	case "unsuspend":
		_, err = p.opts.Admin.Unsuspend(ctx, actor, id)
	case "grant":
		_, err = p.opts.Admin.SetAdmin(ctx, actor, id, true)
	case "revoke":
		_, err = p.opts.Admin.SetAdmin(ctx, actor, id, false)
	case "delete":
		if err = p.opts.Admin.Delete(ctx, actor, id); err == nil {
			return c.Redirect("/admin/users", fiber.StatusSeeOther)
		}
	default:
		return dashkit.NotFound(p.templates, c)
	}
	switch code := folio.ErrorCode(err); code {
	case "":
	case folio.ECONFLICT, folio.EUNAVAILABLE:
		return p.renderUser(c, fiber.StatusConflict, err)
	default:
		return err
	}
	if !request.User(c).IsAdmin {
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/users/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// base is the layout's data and the session's CSRF token.
type base = dashkit.Base

// base is the layout's data of a page titled with the message titleKey.
func (p *Pages) base(c *fiber.Ctx, titleKey string) base { return dashkit.NewBase(c, titleKey) }

func (p *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	return dashkit.Render(p.templates, c, status, name, data)
}
