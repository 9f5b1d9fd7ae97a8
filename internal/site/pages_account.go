package site

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/accountpages"
)

// accountView is an account page (internal/site/accountpages) in the
// site's layout.
type accountView struct {
	pageBase
	accountpages.View
}

func (s *Site) accountPage(c *fiber.Ctx, status int, title string, v accountpages.View) error {
	base := s.privatePage(title, c)
	base.Scripts = nil // plain forms
	return s.render(c, status, "account", accountView{pageBase: base, View: v})
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
