package site

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// The account pages work without JavaScript: plain forms posted to the
// site. A link from a mail opens a page with a button rather than acting
// on the GET, since mail scanners open links before their owner does.

// accountView is what the account pages show: a form, or the outcome.
type accountView struct {
	pageBase
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

func (s *Site) accountPage(c *fiber.Ctx, status int, title string, v accountView) error {
	v.pageBase, v.Heading = s.privatePage(title, c), title
	v.Scripts = nil // plain forms
	// The token must not leak to other sites through the Referer.
	c.Set("Referrer-Policy", "no-referrer")
	return s.render(c, status, "account", v)
}

// sameOrigin refuses a form posted from another site (the pages'
// anonymous forms carry no session, hence no CSRF token: the Origin that
// browsers send with every POST stands in for it).
func (s *Site) sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" { // not a browser, or one that predates Origin

		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != s.opts.BaseURL.Scheme || u.Host != s.opts.BaseURL.Host {
		return folio.Errorf(folio.EFORBIDDEN, "This form must be sent from %s.", s.absolute("/"))
	}
	return nil
}

// accountError is the page's message for err, and its status; nil for an
// error the page does not explain (it goes to the error handler).
func accountError(err error) (string, int, bool) {
	var tm *account.TooManyError
	switch {
	case errors.As(err, &tm):
		return "Too many requests. Please wait a while and try again.", fiber.StatusTooManyRequests, true
	case folio.ErrorCode(err) == folio.EINVALID || folio.ErrorCode(err) == folio.ECONFLICT:
		msg := folio.ErrorMessage(err)
		var fe *folio.Error
		if errors.As(err, &fe) && len(fe.Fields) > 0 && fe.Fields[0].Field == "password" {
			msg = "The password " + fe.Fields[0].Message + "."
		}
		status := fiber.StatusUnprocessableEntity
		if folio.ErrorCode(err) == folio.ECONFLICT {
			status = fiber.StatusConflict
		}
		return msg, status, true
	}
	return "", 0, false
}

func (s *Site) forgotPasswordPage(c *fiber.Ctx) error {
	return s.accountPage(c, fiber.StatusOK, "Forgot password", accountView{Form: "forgot"})
}

func (s *Site) forgotPassword(c *fiber.Ctx) error {
	if err := s.sameOrigin(c); err != nil {
		return err
	}
	email := c.FormValue("email")
	err := s.opts.Accounts.RequestPasswordReset(c.UserContext(), email, c.IP())
	if msg, status, ok := accountError(err); ok {
		return s.accountPage(c, status, "Forgot password", accountView{Form: "forgot", Email: email, Error: msg})
	} else if err != nil {
		return err
	}
	return s.accountPage(c, fiber.StatusOK, "Forgot password", accountView{
		Done: "If an account has the address " + folio.NormalizeEmail(email) + ", a link to reset its password is on its way. It works for 30 minutes."})
}

func (s *Site) resetPasswordPage(c *fiber.Ctx) error {
	return s.accountPage(c, fiber.StatusOK, "Choose a new password", accountView{Form: "reset", Token: c.Query("token")})
}

func (s *Site) resetPassword(c *fiber.Ctx) error {
	if err := s.sameOrigin(c); err != nil {
		return err
	}
	token := c.FormValue("token")
	if c.FormValue("password") != c.FormValue("confirm") {
		return s.accountPage(c, fiber.StatusUnprocessableEntity, "Choose a new password", accountView{Form: "reset", Token: token, Error: "The two passwords differ."})
	}
	_, err := s.opts.Accounts.ResetPassword(c.UserContext(), token, c.FormValue("password"))
	if msg, status, ok := accountError(err); ok {
		return s.accountPage(c, status, "Choose a new password", accountView{Form: "reset", Token: token, Error: msg})
	} else if err != nil {
		return err
	}
	// The reset ended every session, this browser's too.
	c.ClearCookie(request.SessionCookie, request.CSRFCookie)
	return s.accountPage(c, fiber.StatusOK, "Password changed", accountView{
		Done: "Your password is changed. Every browser and app was logged out: log in with the new password."})
}

func (s *Site) verifyEmailPage(c *fiber.Ctx) error {
	return s.accountPage(c, fiber.StatusOK, "Verify your address", accountView{Form: "verify", Token: c.Query("token")})
}

func (s *Site) verifyEmail(c *fiber.Ctx) error {
	if err := s.sameOrigin(c); err != nil {
		return err
	}
	u, err := s.opts.Accounts.VerifyEmail(c.UserContext(), c.FormValue("token"))
	if msg, status, ok := accountError(err); ok {
		return s.accountPage(c, status, "Verify your address", accountView{Error: msg})
	} else if err != nil {
		return err
	}
	return s.accountPage(c, fiber.StatusOK, "Address verified", accountView{
		Done: "Thank you: " + u.Email + " is verified, and Folio will send your notifications there."})
}

func (s *Site) confirmEmailPage(c *fiber.Ctx) error {
	return s.accountPage(c, fiber.StatusOK, "Confirm your new address", accountView{Form: "confirm", Token: c.Query("token")})
}

func (s *Site) confirmEmail(c *fiber.Ctx) error {
	if err := s.sameOrigin(c); err != nil {
		return err
	}
	u, err := s.opts.Accounts.ConfirmEmailChange(c.UserContext(), c.FormValue("token"))
	if msg, status, ok := accountError(err); ok {
		return s.accountPage(c, status, "Confirm your new address", accountView{Error: msg})
	} else if err != nil {
		return err
	}
	return s.accountPage(c, fiber.StatusOK, "Address changed", accountView{
		Done: "Your account's address is now " + u.Email + ". Log in with it from now on."})
}

// resendVerification is the dashboard banner's button: a plain form with
// the session's CSRF token in a field, so it works without JavaScript.
func (s *Site) resendVerification(c *fiber.Ctx) error {
	id := request.Identity(c)
	if id == nil || id.Session == nil {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	if !auth.CSRFValid(id.Session, c.FormValue("csrf")) {
		return &folio.Error{Code: request.CodeCSRF, Message: "This form has expired; reload the dashboard and try again."}
	}
	err := s.opts.Accounts.ResendVerification(c.UserContext(), id.User.ID)
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

// accountBanner is what the dashboard says about the account's address.
type accountBanner struct {
	On bool // the flows are on
	// Unverified: the address is not verified, so no notification is
	// mailed; the banner says so, with the resend button.
	Unverified bool
	// Resent is "sent" or "wait" after the resend button.
	Resent       string
	CSRF         string
	PendingEmail string
}

func (s *Site) accountBanner(c *fiber.Ctx, u *folio.User) (accountBanner, error) {
	if s.opts.Accounts == nil {
		return accountBanner{}, nil
	}
	b := accountBanner{On: true, Unverified: u.EmailVerifiedAt.IsZero()}
	if r := c.Query("verification"); r == "sent" || r == "wait" {
		b.Resent = r
	}
	if id := request.Identity(c); id != nil && id.Session != nil {
		b.CSRF = id.Session.CSRFToken
	}
	var err error
	b.PendingEmail, err = s.opts.Accounts.PendingEmailChange(c.UserContext(), u.ID)
	return b, err
}
