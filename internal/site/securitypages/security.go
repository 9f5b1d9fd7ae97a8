package securitypages

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
)

type securityView struct {
	pageBase
	Status mfa.Status
	// RecentSignIn: the sensitive buttons work without a detour.
	RecentSignIn bool
	// Enrolment is set on the page that adds the authenticator app; QR
	// is its QR code, a data: URL made here (html/template refuses data:
	// URLs of unknown origin).
	Enrolment *mfa.Enrolment
	QR        template.URL
	// Codes are new recovery codes, shown this once.
	Codes []string
	// Notice says what just happened; Error what went wrong.
	Notice, Error string
}

func (p *Pages) view(c *fiber.Ctx) (securityView, error) {
	st, err := p.mfa.Status(c.UserContext(), request.User(c).ID)
	if err != nil {
		return securityView{}, err
	}
	v := securityView{pageBase: p.base(c, "nav.security"), Status: st, RecentSignIn: request.RecentSignIn(c)}
	switch c.Query("done") {
	case "disabled":
		v.Notice = sitelang.T(c, "sitego.security.mfa_off")
	case "renamed":
		v.Notice = sitelang.T(c, "sitego.security.renamed")
	case "removed":
		v.Notice = sitelang.T(c, "sitego.security.removed")
	case "added":
		v.Notice = sitelang.T(c, "sitego.security.added")
	}
	return v, nil
}

// securityPage shows the account's second factors and passkeys.
func (p *Pages) securityPage(c *fiber.Ctx) error {
	v, err := p.view(c)
	if err != nil {
		return err
	}
	return p.render(c, fiber.StatusOK, "security", v)
}

// enrolPage shows a new TOTP secret as a QR code and text, and the form
// that confirms it with a code. A secret waiting for its code is shown
// again rather than replaced, so a reload does not undo a scan.
func (p *Pages) enrolPage(c *fiber.Ctx) error {
	return p.enrol(c, fiber.StatusOK, "")
}

func (p *Pages) enrol(c *fiber.Ctx, status int, errMsg string) error {
	v, err := p.view(c)
	if err != nil {
		return err
	}
	if v.Status.TOTPEnabled {
		return c.Redirect("/dashboard/security", fiber.StatusSeeOther)
	}
	if v.Enrolment, err = p.mfa.BeginTOTP(c.UserContext(), request.User(c)); err != nil {
		return err
	}
	v.QR, v.Error = template.URL(v.Enrolment.QRCode), errMsg
	return p.render(c, status, "security", v)
}

// confirmTOTP turns two-factor authentication on and shows the recovery
// codes once.
func (p *Pages) confirmTOTP(c *fiber.Ctx) error {
	codes, err := p.mfa.ConfirmTOTP(c.UserContext(), request.User(c).ID, c.FormValue("code"))
	if folio.ErrorCode(err) == folio.EINVALID {
		return p.enrol(c, fiber.StatusUnprocessableEntity, sitelang.T(c, "dashc.security.wrong_code"))
	} else if err != nil {
		return err
	}
	return p.showCodes(c, codes, sitelang.T(c, "dashc.security.mfa_on"))
}

func (p *Pages) showCodes(c *fiber.Ctx, codes []string, notice string) error {
	v, err := p.view(c)
	if err != nil {
		return err
	}
	v.Codes, v.Notice = codes, notice
	return p.render(c, fiber.StatusOK, "security", v)
}

func (p *Pages) disableTOTP(c *fiber.Ctx) error {
	if err := p.mfa.DisableTOTP(c.UserContext(), request.User(c).ID); err != nil {
		return err
	}
	return c.Redirect("/dashboard/security?done=disabled", fiber.StatusSeeOther)
}

func (p *Pages) regenerateCodes(c *fiber.Ctx) error {
	codes, err := p.mfa.RegenerateRecoveryCodes(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	return p.showCodes(c, codes, sitelang.T(c, "dashc.security.new_codes"))
}

func (p *Pages) renamePasskey(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	err = p.mfa.RenamePasskey(c.UserContext(), request.User(c).ID, id, c.FormValue("name"))
	if folio.ErrorCode(err) == folio.EINVALID {
		v, verr := p.view(c)
		if verr != nil {
			return verr
		}
		v.Error = sitelang.T(c, "dashc.security.passkey_name_long", "Max", 100)
		return p.render(c, fiber.StatusUnprocessableEntity, "security", v)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/security?done=renamed", fiber.StatusSeeOther)
}

func (p *Pages) deletePasskey(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := p.mfa.DeletePasskey(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.Redirect("/dashboard/security?done=removed", fiber.StatusSeeOther)
}
