package ssopages

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
)

type identityView struct {
	ID                     int64
	Provider, Label, Email string
	LastLogin              string
}

type connectedView struct {
	pageBase
	Identities     []identityView
	Connectable    []providerView
	HasPassword    bool
	Message, Error string
}

func (p *Pages) label(provider string) string {
	for _, pr := range p.providers() {
		if pr.ID() == provider {
			return pr.Label()
		}
	}
	return provider
}

// when is a last sign-in in l's language.
func when(l *i18n.Localizer, t *time.Time) string {
	if t == nil {
		return l.T("sessions.never")
	}
	return l.Date(*t, "datetime")
}

// connectedPage lists the owner's connected accounts, with a button to
// connect each configured provider not yet connected.
func (p *Pages) connectedPage(c *fiber.Ctx) error {
	return p.renderConnected(c, fiber.StatusOK, "")
}

func (p *Pages) renderConnected(c *fiber.Ctx, status int, errMsg string) error {
	u := request.User(c)
	l := sitelang.L(c)
	v := connectedView{pageBase: p.base(c, "connected.title"), HasPassword: u.PasswordHash != "", Error: errMsg}
	if id := c.Query("linked"); id != "" {
		v.Message = l.T("dashc.connected.linked", "Provider", p.label(truncate(id, 40)))
	} else if c.Query("unlinked") != "" {
		v.Message = l.T("dashc.connected.unlinked")
	}
	connected := map[string]bool{}
	if p.opts.SSO != nil {
		ids, err := p.opts.SSO.Identities(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		for _, i := range ids {
			connected[i.Provider] = true
			v.Identities = append(v.Identities, identityView{ID: i.ID, Provider: i.Provider, Label: p.label(i.Provider), Email: i.Email, LastLogin: when(l, i.LastLoginAt)})
		}
	}
	for _, pr := range views(p.providers()) {
		if !connected[pr.ID] {
			v.Connectable = append(v.Connectable, pr)
		}
	}
	return p.render(c, status, "connected_accounts", v)
}

// unlink disconnects one of the owner's identities; another account's is
// the 404 page.
func (p *Pages) unlink(c *fiber.Ctx) error {
	if p.opts.SSO == nil {
		return p.notFound(c, "dashc.sso.off")
	}
	id, ok := request.ParseID(c.Params("id"))
	if !ok {
		return p.notFound(c, "dashc.sso.no_identity")
	}
	err := p.opts.SSO.Unlink(c.UserContext(), request.User(c).ID, id)
	switch folio.ErrorCode(err) {
	case "":
		return c.Redirect("/dashboard/connected-accounts?unlinked=1", fiber.StatusSeeOther)
	case folio.ECONFLICT: // the account's only way in
		return p.renderConnected(c, fiber.StatusConflict, sitelang.T(c, "dashc.connected.only_way"))
	case folio.ENOTFOUND:
		return p.notFound(c, "dashc.sso.no_identity")
	}
	return p.refusal(c, "dashc.sso.cannot_disconnect", err)
}

type invitationView struct {
	ID                           int64
	Email, Status, Sent, Expires string
}

type invitationsView struct {
	pageBase
	Mode, TTL      string
	Invitations    []invitationView
	Message, Error string
}

// invitationsPage lists the invitations, with what the last form did:
// ?sent=N&skipped=M or ?revoked=1 (counts, not text: a link cannot put
// words on an administrator's page).
func (p *Pages) invitationsPage(c *fiber.Ctx) error {
	l := sitelang.L(c)
	var msg string
	if sent, ok := count(c.Query("sent")); ok {
		msg = l.N("dashc.invitations.sent", sent)
		if skipped, ok := count(c.Query("skipped")); ok && skipped > 0 {
			msg += " " + l.N("dashc.invitations.skipped", skipped)
		}
	} else if c.Query("revoked") != "" {
		msg = l.T("dashc.invitations.revoked")
	}
	return p.renderInvitations(c, fiber.StatusOK, msg, "")
}

// count reads a count of addresses a form handled (at most a batch).
func count(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= invite.MaxBatch
}

func (p *Pages) renderInvitations(c *fiber.Ctx, status int, message, errMsg string) error {
	if p.opts.Gate == nil {
		return p.notFound(c, "dashc.invitations.off")
	}
	invs, err := p.opts.Gate.List(c.UserContext(), request.User(c))
	if err != nil {
		return err
	}
	ttl := p.opts.Gate.TTL
	if ttl == 0 {
		ttl = invite.DefaultTTL
	}
	l := sitelang.L(c)
	v := invitationsView{pageBase: p.base(c, "invitations.title"), Mode: string(p.mode()), TTL: l.N("dashc.invitations.days", int(ttl.Hours()/24)),
		Message: message, Error: errMsg}
	now := time.Now()
	for _, i := range invs {
		v.Invitations = append(v.Invitations, invitationView{ID: i.ID, Email: i.Email, Status: i.Status(now),
			Sent: l.Date(i.CreatedAt, "datetime"), Expires: l.Date(i.ExpiresAt, "datetime")})
	}
	return p.render(c, status, "invitations", v)
}

// invite sends the invitations of the pasted list.
func (p *Pages) invite(c *fiber.Ctx) error {
	if p.opts.Gate == nil {
		return p.notFound(c, "dashc.invitations.off")
	}
	emails, err := invite.ParseEmails(c.FormValue("emails"))
	if err != nil {
		return p.renderInvitations(c, fiber.StatusUnprocessableEntity, "", describe(c, err))
	}
	invs, skipped, err := p.opts.Gate.Invite(c.UserContext(), request.User(c), emails)
	if err != nil {
		if statusOf(err) == fiber.StatusInternalServerError {
			return err
		}
		return p.renderInvitations(c, statusOf(err), "", describe(c, err))
	}
	q := url.Values{"sent": {strconv.Itoa(len(invs))}, "skipped": {strconv.Itoa(len(skipped))}}
	return c.Redirect("/admin/invitations?"+q.Encode(), fiber.StatusSeeOther)
}

// describe is why a list of addresses was refused, in the request's
// language: invite's refusals are English (for the API), so the page
// says the ones it can tell apart in its own words, and the rest as
// they are.
func describe(c *fiber.Ctx, err error) string {
	l := sitelang.L(c)
	var e *folio.Error
	if !errors.As(err, &e) {
		return folio.ErrorMessage(err)
	}
	switch {
	case len(c.FormValue("emails")) > invite.MaxListBytes:
		return l.T("dashc.invitations.too_long", "KiB", invite.MaxListBytes>>10)
	case e.Message == fmt.Sprintf("At most %d addresses at once.", invite.MaxBatch):
		return l.T("dashc.invitations.too_many", "Max", invite.MaxBatch)
	case len(e.Fields) == 0:
		return e.Message
	}
	var out []string
	for _, f := range e.Fields {
		if f.Message == "has no email address" {
			out = append(out, l.T("dashc.invitations.no_address"))
		} else if addr, _, ok := strings.Cut(f.Message, " is not an email address"); ok {
			if a, uerr := strconv.Unquote(addr); uerr == nil {
				addr = a
			}
			out = append(out, l.T("dashc.invitations.not_email", "Address", addr))
		} else {
			out = append(out, f.Message+".")
		}
	}
	return strings.Join(out, " ")
}

func (p *Pages) revoke(c *fiber.Ctx) error {
	if p.opts.Gate == nil {
		return p.notFound(c, "dashc.invitations.off")
	}
	id, ok := request.ParseID(c.Params("id"))
	if !ok {
		return p.notFound(c, "dashc.invitations.none_such")
	}
	err := p.opts.Gate.Revoke(c.UserContext(), request.User(c), id)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return p.notFound(c, "dashc.invitations.none_such")
	} else if err != nil {
		return p.refusal(c, "dashc.invitations.cannot_revoke", err)
	}
	return c.Redirect("/admin/invitations?revoked=1", fiber.StatusSeeOther)
}
