package ssopages

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/request"
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

func when(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// connectedPage lists the owner's connected accounts, with a button to
// connect each configured provider not yet connected.
func (p *Pages) connectedPage(c *fiber.Ctx) error {
	return p.renderConnected(c, fiber.StatusOK, "")
}

func (p *Pages) renderConnected(c *fiber.Ctx, status int, errMsg string) error {
	u := request.User(c)
	v := connectedView{pageBase: p.base(c, "Connected accounts"), HasPassword: u.PasswordHash != "", Error: errMsg}
	if id := c.Query("linked"); id != "" {
		v.Message = "Connected " + p.label(id) + ": you can sign in with it now."
	} else if c.Query("unlinked") != "" {
		v.Message = "Disconnected."
	}
	connected := map[string]bool{}
	if p.opts.SSO != nil {
		ids, err := p.opts.SSO.Identities(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		for _, i := range ids {
			connected[i.Provider] = true
			v.Identities = append(v.Identities, identityView{ID: i.ID, Provider: i.Provider, Label: p.label(i.Provider), Email: i.Email, LastLogin: when(i.LastLoginAt)})
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
		return p.errorPage(c, fiber.StatusNotFound, "Not found", "Single sign-on is off on this Folio.")
	}
	id, ok := request.ParseID(c.Params("id"))
	if !ok {
		return p.errorPage(c, fiber.StatusNotFound, "Not found", "No such connected account.")
	}
	err := p.opts.SSO.Unlink(c.UserContext(), request.User(c).ID, id)
	switch folio.ErrorCode(err) {
	case "":
		return c.Redirect("/dashboard/connected-accounts?unlinked=1", fiber.StatusSeeOther)
	case folio.ECONFLICT:
		return p.renderConnected(c, fiber.StatusConflict, folio.ErrorMessage(err))
	}
	return p.refusal(c, "Cannot disconnect", err)
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

func (p *Pages) invitationsPage(c *fiber.Ctx) error {
	return p.renderInvitations(c, fiber.StatusOK, c.Query("message"), "")
}

func (p *Pages) renderInvitations(c *fiber.Ctx, status int, message, errMsg string) error {
	if p.opts.Gate == nil {
		return p.errorPage(c, fiber.StatusNotFound, "Not found", "Invitations are off on this Folio.")
	}
	invs, err := p.opts.Gate.List(c.UserContext(), request.User(c))
	if err != nil {
		return err
	}
	ttl := p.opts.Gate.TTL
	if ttl == 0 {
		ttl = invite.DefaultTTL
	}
	if len(message) > 200 {
		message = ""
	}
	v := invitationsView{pageBase: p.base(c, "Invitations"), Mode: string(p.mode()), TTL: fmt.Sprintf("%d days", int(ttl.Hours()/24)),
		Message: message, Error: errMsg}
	now := time.Now()
	for _, i := range invs {
		v.Invitations = append(v.Invitations, invitationView{ID: i.ID, Email: i.Email, Status: i.Status(now),
			Sent: i.CreatedAt.UTC().Format("2 Jan 2006 15:04"), Expires: i.ExpiresAt.UTC().Format("2 Jan 2006 15:04")})
	}
	return p.render(c, status, "invitations", v)
}

// invite sends the invitations of the pasted list.
func (p *Pages) invite(c *fiber.Ctx) error {
	if p.opts.Gate == nil {
		return p.errorPage(c, fiber.StatusNotFound, "Not found", "Invitations are off on this Folio.")
	}
	emails, err := invite.ParseEmails(c.FormValue("emails"))
	if err != nil {
		return p.renderInvitations(c, fiber.StatusUnprocessableEntity, "", describe(err))
	}
	invs, skipped, err := p.opts.Gate.Invite(c.UserContext(), request.User(c), emails)
	if err != nil {
		if statusOf(err) == fiber.StatusInternalServerError {
			return err
		}
		return p.renderInvitations(c, statusOf(err), "", describe(err))
	}
	msg := fmt.Sprintf("Sent %d invitation(s).", len(invs))
	if len(skipped) > 0 {
		var names []string
		for _, s := range skipped {
			names = append(names, s.Email)
		}
		if len(names) > 5 {
			names = append(names[:5], fmt.Sprintf("and %d more", len(skipped)-5))
		}
		msg += fmt.Sprintf(" Skipped %d with an account already: %s.", len(skipped), strings.Join(names, ", "))
	}
	return c.Redirect("/admin/invitations?message="+url.QueryEscape(truncate(msg, 200)), fiber.StatusSeeOther)
}

// describe is a refusal's message with its fields.
func describe(err error) string {
	msg := folio.ErrorMessage(err)
	if e, ok := err.(*folio.Error); ok {
		for _, f := range e.Fields {
			msg += " " + f.Message + "."
		}
	}
	return msg
}

func (p *Pages) revoke(c *fiber.Ctx) error {
	if p.opts.Gate == nil {
		return p.errorPage(c, fiber.StatusNotFound, "Not found", "Invitations are off on this Folio.")
	}
	id, ok := request.ParseID(c.Params("id"))
	if !ok {
		return p.errorPage(c, fiber.StatusNotFound, "Not found", "No such invitation.")
	}
	if err := p.opts.Gate.Revoke(c.UserContext(), request.User(c), id); err != nil {
		return p.refusal(c, "Cannot revoke", err)
	}
	return c.Redirect("/admin/invitations?message="+url.QueryEscape("Invitation revoked."), fiber.StatusSeeOther)
}
