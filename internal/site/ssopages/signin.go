package ssopages

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/sso"
)

type providerView struct{ ID, Label string }

func views(ps []sso.Provider) []providerView {
	out := make([]providerView, len(ps))
	for i, p := range ps {
		out[i] = providerView{ID: p.ID(), Label: p.Label()}
	}
	return out
}

type loginView struct {
	pageBase
	Providers []providerView
	Mode      string
}

func (p *Pages) loginPage(c *fiber.Ctx) error {
	if request.Viewer(c) != nil {
		return c.Redirect("/dashboard")
	}
	return p.render(c, fiber.StatusOK, "login", loginView{pageBase: p.base(c, "login.title"), Providers: views(p.providers()), Mode: string(p.mode())})
}

type registerView struct {
	pageBase
	Providers    []providerView
	PasswordForm bool
	// Invite and Email come from a working invitation link.
	Invite, Email string
	Refusal       string
}

// registerPage shows what the registration mode allows: the password form
// and the sign-up buttons when open; with an invitation link, the form
// for its address (and the buttons, carrying the invitation) when
// invite-only; the buttons alone when SSO-only.
func (p *Pages) registerPage(c *fiber.Ctx) error {
	if request.Viewer(c) != nil {
		return c.Redirect("/dashboard")
	}
	v := registerView{pageBase: p.base(c, "register.title"), Providers: views(p.providers())}
	switch p.mode() {
	case invite.Open:
		v.PasswordForm = true
	case invite.SSOOnly:
		v.Refusal = sitelang.T(c, "dashc.register.sso_only")
	case invite.InviteOnly:
		token := c.Query("invite")
		if token == "" {
			has, err := p.opts.Gate.Store.HasUsers(c.UserContext())
			if err != nil {
				return err
			}
			if !has { // the operator's first account
				v.PasswordForm = true
				break
			}
			v.Refusal, v.Providers = sitelang.T(c, "dashc.register.invite_only"), nil
			break
		}
		inv, err := p.opts.Gate.Lookup(c.UserContext(), token)
		if errors.Is(err, invite.ErrBadInvite) {
			v.Refusal, v.Providers = sitelang.T(c, refusedPrefix+"bad_invitation"), nil
			return p.render(c, fiber.StatusNotFound, "register", v)
		} else if err != nil {
			return err
		}
		v.PasswordForm, v.Invite, v.Email = true, token, inv.Email
	}
	return p.render(c, fiber.StatusOK, "register", v)
}

// setState gives the browser the state of the sign-in it starts.
func (p *Pages) setState(c *fiber.Ctx, state string) {
	c.Cookie(&fiber.Cookie{Name: StateCookie, Value: state, Path: "/auth/sso/", MaxAge: int(sso.FlowTTL.Seconds()),
		HTTPOnly: true, Secure: p.opts.BaseURL.Scheme == "https", SameSite: fiber.CookieSameSiteLaxMode})
}

// start sends the browser to the provider to sign in (or up, with the
// invitation of ?invite=).
func (p *Pages) start(c *fiber.Ctx) error {
	if p.opts.SSO == nil {
		return p.notFound(c, "dashc.sso.off")
	}
	if request.Viewer(c) != nil {
		return c.Redirect("/dashboard")
	}
	return p.begin(c, 0, c.Query("invite"))
}

// startLink sends a signed-in owner to the provider to connect an
// identity to their account.
func (p *Pages) startLink(c *fiber.Ctx) error {
	if p.opts.SSO == nil {
		return p.notFound(c, "dashc.sso.off")
	}
	return p.begin(c, request.User(c).ID, "")
}

func (p *Pages) begin(c *fiber.Ctx, userID int64, inviteToken string) error {
	if err := request.Allow(c, p.opts.Limiter, "sso:start:"+c.IP(), p.opts.StartLimit); err != nil {
		return err
	}
	redirect, state, err := p.opts.SSO.Begin(c.UserContext(), c.Params("provider"), userID, inviteToken)
	if err != nil {
		return p.refusal(c, "dashc.sso.cannot_sign_in", err)
	}
	p.setState(c, state)
	return c.Redirect(redirect, fiber.StatusSeeOther)
}

// callback is where the provider sends the browser back. The state
// cookie is cleared whatever the outcome: a state works once.
func (p *Pages) callback(c *fiber.Ctx) error {
	if p.opts.SSO == nil {
		return p.notFound(c, "dashc.sso.off")
	}
	cookieState := c.Cookies(StateCookie)
	c.Cookie(&fiber.Cookie{Name: StateCookie, Value: "", Path: "/auth/sso/", Expires: time.Unix(1, 0), MaxAge: -1,
		HTTPOnly: true, Secure: p.opts.BaseURL.Scheme == "https", SameSite: fiber.CookieSameSiteLaxMode})
	if e := c.Query("error"); e != "" {
		// The person cancelled at the provider, or it refused: the flow
		// is spent either way.
		_, _ = p.opts.SSO.Finish(c.UserContext(), c.Params("provider"), c.Query("state"), cookieState, "")
		return p.errorPage(c, fiber.StatusBadRequest, "dashc.sso.cancelled", sitelang.T(c, "dashc.sso.cancelled_message", "Error", truncate(e, 60)))
	}
	out, err := p.opts.SSO.Finish(c.UserContext(), c.Params("provider"), c.Query("state"), cookieState, c.Query("code"))
	if err != nil {
		return p.refusal(c, "dashc.sso.cannot_sign_in", err)
	}
	if out.Linked {
		return c.Redirect("/dashboard/connected-accounts?linked="+c.Params("provider"), fiber.StatusSeeOther)
	}
	token, sess, err := p.opts.Auth.OpenSSOSession(c.UserContext(), out.User)
	if err != nil {
		return err
	}
	// The same cookies as a password login (internal/api's login).
	secure := p.opts.BaseURL.Scheme == "https"
	expires := sess.CreatedAt.Add(auth.SessionMaxAge)
	c.Cookie(&fiber.Cookie{Name: request.SessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteLaxMode})
	c.Cookie(&fiber.Cookie{Name: request.CSRFCookie, Value: sess.CSRFToken, Path: "/", Expires: expires,
		Secure: secure, SameSite: fiber.CookieSameSiteLaxMode})
	return c.Redirect("/dashboard", fiber.StatusSeeOther)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
