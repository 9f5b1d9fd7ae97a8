// Package accountpages serves the site's pages of the account email flows:
// forgot password, the reset form, and the landings of verification and
// email change links, plus the dashboard's resend button. They work
// without JavaScript: plain forms posted to the site. A link from a mail
// opens a page with a button rather than acting on the GET, since mail
// scanners open links before their owner does. The routes are listed in
// the site's route table (internal/site/routes.go).
package accountpages

import (
	"errors"
	"net/url"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// Pages serves the account pages.
type Pages struct {
	Accounts *account.Service
	BaseURL  *url.URL
	// Render answers the page "account" titled by the message id title
	// showing v, in the site's layout.
	Render func(c *fiber.Ctx, status int, title string, v View) error
}

// View is what the account pages show: a form, or the outcome. The site
// renders it in its layout (web/templates/account.html).
type View struct {
	Heading string
	// Form names the form to show ("" for none): forgot, reset, verify,
	// confirm.
	Form  string
	Token string
	Email string
	// Done is the outcome to show instead of the form; Error what went
	// wrong with a submitted form.
	Done  string
	Error string
}

// page answers the page titled by the message id title.
func (p *Pages) page(c *fiber.Ctx, status int, title string, v View) error {
	v.Heading = sitelang.T(c, title)
	// The token must not leak to other sites through the Referer (and
	// same-origin forms keep a real Origin, which no-referrer would make
	// "null").
	c.Set("Referrer-Policy", "same-origin")
	return p.Render(c, status, title, v)
}

// sameOrigin refuses a form posted from another site (the pages'
// anonymous forms carry no session, hence no CSRF token: what browsers
// say of every POST's origin stands in for it). Sec-Fetch-Site is read
// first; browsers without it send Origin.
func (p *Pages) sameOrigin(c *fiber.Ctx) error {
	refuse := &folio.Error{Code: folio.EFORBIDDEN, Message: sitelang.T(c, "dashd.account.cross_site", "Site", p.BaseURL.String())}
	if site := c.Get("Sec-Fetch-Site"); site != "" {
		if site != "same-origin" && site != "none" {
			return refuse
		}
		return nil
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" { // not a browser, or one that predates Origin
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != p.BaseURL.Scheme || u.Host != p.BaseURL.Host {
		return refuse
	}
	return nil
}

// accountError is the page's message for err and its status; ok is false
// for an error the page does not explain (it goes to the error handler).
// A refused new password is explained in the reader's language by its
// length, the one rule passwords have (folio.ValidatePassword); other
// refusals keep the service's message.
func accountError(c *fiber.Ctx, err error) (string, int, bool) {
	var tm *account.TooManyError
	switch {
	case errors.As(err, &tm):
		return sitelang.T(c, "dashd.account.too_many"), fiber.StatusTooManyRequests, true
	case folio.ErrorCode(err) == folio.EINVALID || folio.ErrorCode(err) == folio.ECONFLICT:
		msg := folio.ErrorMessage(err)
		var fe *folio.Error
		if errors.As(err, &fe) && len(fe.Fields) > 0 && fe.Fields[0].Field == "password" {
			msg = passwordRule(c, c.FormValue("password"), fe.Fields[0].Message)
		}
		status := fiber.StatusUnprocessableEntity
		if folio.ErrorCode(err) == folio.ECONFLICT {
			status = fiber.StatusConflict
		}
		return msg, status, true
	}
	return "", 0, false
}

// passwordRule says which length rule the new password p breaks; a
// refusal for another reason keeps the service's English message.
func passwordRule(c *fiber.Ctx, p, message string) string {
	switch {
	case utf8.RuneCountInString(p) < folio.MinPasswordLength:
		return sitelang.T(c, "dashd.account.password_short", "Min", folio.MinPasswordLength)
	case len(p) > folio.MaxPasswordLength:
		return sitelang.T(c, "dashd.account.password_long", "Max", folio.MaxPasswordLength)
	}
	return "The password " + message + "."
}

// ForgotPasswordPage is the form that asks for a reset link.
func (p *Pages) ForgotPasswordPage(c *fiber.Ctx) error {
	return p.page(c, fiber.StatusOK, "dashd.account.forgot_title", View{Form: "forgot"})
}

// ForgotPassword sends the reset link; its answer is the same whether or
// not the address has an account.
func (p *Pages) ForgotPassword(c *fiber.Ctx) error {
	if err := p.sameOrigin(c); err != nil {
		return err
	}
	email := c.FormValue("email")
	err := p.Accounts.RequestPasswordReset(c.UserContext(), email, c.IP())
	if msg, status, ok := accountError(c, err); ok {
		return p.page(c, status, "dashd.account.forgot_title", View{Form: "forgot", Email: email, Error: msg})
	} else if err != nil {
		return err
	}
	return p.page(c, fiber.StatusOK, "dashd.account.forgot_title", View{
		Done: sitelang.T(c, "dashd.account.reset_sent", "Email", folio.NormalizeEmail(email))})
}

// ResetPasswordPage is the form a reset link opens.
func (p *Pages) ResetPasswordPage(c *fiber.Ctx) error {
	return p.page(c, fiber.StatusOK, "dashd.account.reset_title", View{Form: "reset", Token: c.Query("token")})
}

// ResetPassword sets the new password, which logs out every browser.
func (p *Pages) ResetPassword(c *fiber.Ctx) error {
	if err := p.sameOrigin(c); err != nil {
		return err
	}
	token := c.FormValue("token")
	if c.FormValue("password") != c.FormValue("confirm") {
		return p.page(c, fiber.StatusUnprocessableEntity, "dashd.account.reset_title", View{Form: "reset", Token: token, Error: sitelang.T(c, "sitego.account.passwords_differ")})
	}
	_, err := p.Accounts.ResetPassword(c.UserContext(), token, c.FormValue("password"))
	if msg, status, ok := accountError(c, err); ok {
		return p.page(c, status, "dashd.account.reset_title", View{Form: "reset", Token: token, Error: msg})
	} else if err != nil {
		return err
	}
	// The reset ended every session, this browser's too.
	c.ClearCookie(request.SessionCookie, request.CSRFCookie)
	return p.page(c, fiber.StatusOK, "dashd.account.changed_title", View{Done: sitelang.T(c, "dashd.account.password_changed")})
}

// VerifyEmailPage is the landing of a verification link: a button.
func (p *Pages) VerifyEmailPage(c *fiber.Ctx) error {
	return p.page(c, fiber.StatusOK, "dashd.account.verify_title", View{Form: "verify", Token: c.Query("token")})
}

// VerifyEmail verifies the address with the link's token.
func (p *Pages) VerifyEmail(c *fiber.Ctx) error {
	if err := p.sameOrigin(c); err != nil {
		return err
	}
	u, err := p.Accounts.VerifyEmail(c.UserContext(), c.FormValue("token"))
	if msg, status, ok := accountError(c, err); ok {
		return p.page(c, status, "dashd.account.verify_title", View{Error: msg})
	} else if err != nil {
		return err
	}
	return p.page(c, fiber.StatusOK, "dashd.account.verified_title", View{Done: sitelang.T(c, "dashd.account.verified", "Email", u.Email)})
}

// ConfirmEmailPage is the landing of an email change link: a button.
func (p *Pages) ConfirmEmailPage(c *fiber.Ctx) error {
	return p.page(c, fiber.StatusOK, "dashd.account.confirm_title", View{Form: "confirm", Token: c.Query("token")})
}

// ConfirmEmail changes the address with the link's token.
func (p *Pages) ConfirmEmail(c *fiber.Ctx) error {
	if err := p.sameOrigin(c); err != nil {
		return err
	}
	u, err := p.Accounts.ConfirmEmailChange(c.UserContext(), c.FormValue("token"))
	if msg, status, ok := accountError(c, err); ok {
		return p.page(c, status, "dashd.account.confirm_title", View{Error: msg})
	} else if err != nil {
		return err
	}
	return p.page(c, fiber.StatusOK, "dashd.account.email_changed_title", View{Done: sitelang.T(c, "dashd.account.email_changed", "Email", u.Email)})
}

// ResendVerification is the dashboard banner's button: a plain form with
// the session's CSRF token in a field, so it works without JavaScript.
func (p *Pages) ResendVerification(c *fiber.Ctx) error {
	id := request.Identity(c)
	if id == nil || id.Session == nil {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	if !auth.CSRFValid(id.Session, c.FormValue("csrf")) {
		return &folio.Error{Code: request.CodeCSRF, Message: sitelang.T(c, "dashd.account.form_expired")}
	}
	err := p.Accounts.ResendVerification(c.UserContext(), id.User.ID)
	var tm *account.TooManyError
	switch {
	case errors.As(err, &tm):
		return c.Redirect("/dashboard?verification=wait", fiber.StatusSeeOther)
	case folio.ErrorCode(err) == folio.EINVALID: // verified meanwhile
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect("/dashboard?verification=sent", fiber.StatusSeeOther)
}
