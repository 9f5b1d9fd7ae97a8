// Package sitelang decides the language of a page: a public page speaks
// its owner's chosen language (the handler sets it), every other page the
// visitor's: the account's preference when signed in, else the language
// switch's cookie (set only when an anonymous visitor uses the switch),
// else the browser's Accept-Language. It also serves the switch.
package sitelang

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/request"
)

// Store is where accounts keep their choices
// (internal/postgres/langstore): the dashboard's language and their
// public pages'.
type Store interface {
	DashboardLanguage(ctx context.Context, userID int64) (string, error)
	SetDashboardLanguage(ctx context.Context, userID int64, lang string) error
	SetPageLanguage(ctx context.Context, ownerID int64, lang string) error
}

// StoreOf is the store With put on the request; nil when there is none.
func StoreOf(c *fiber.Ctx) Store {
	st, _ := c.Locals(storeKey).(Store)
	return st
}

// Cookie holds an anonymous visitor's choice. It is set only by the
// switch (the visitor asked for it), and public pages never read it.
const Cookie = "folio_lang"

const (
	storeKey = "folio.langstore"
	langKey  = "folio.lang"
)

// With makes store the one Of asks; every request passes it (nil: no
// account preferences, the browser's language only).
func With(store Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if store != nil {
			c.Locals(storeKey, store)
		}
		return c.Next()
	}
}

// Set fixes the language of this response: a public page's owner's.
func Set(c *fiber.Ctx, lang string) {
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	c.Locals(langKey, lang)
}

// Of is the language of this response (see the package comment). Asked
// first after authentication, it is then kept for the request.
func Of(c *fiber.Ctx) string {
	if l, ok := c.Locals(langKey).(string); ok {
		return l
	}
	lang := resolve(c)
	c.Locals(langKey, lang)
	return lang
}

// L is the localizer of this response's language.
func L(c *fiber.Ctx) *i18n.Localizer { return i18n.For(Of(c)) }

// T is a message in this response's language.
func T(c *fiber.Ctx, id string, args ...any) string { return L(c).T(id, args...) }

func resolve(c *fiber.Ctx) string {
	if id := request.Identity(c); id != nil && id.User != nil {
		if st, ok := c.Locals(storeKey).(Store); ok {
			if l, err := st.DashboardLanguage(c.UserContext(), id.User.ID); err == nil && i18n.Supported(l) {
				return l
			}
		}
	}
	if l := c.Cookies(Cookie); i18n.Supported(l) {
		return l
	}
	// The page differs by the header from here on: shared caches must know.
	c.Vary(fiber.HeaderAcceptLanguage)
	return i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
}

// Switch is POST /language (form field lang; "" goes back to the
// browser's language): a signed-in account stores it as its preference,
// an anonymous visitor gets the cookie. It then goes back to the page the
// form was on. The session cookie is SameSite=Lax, so another site's form
// reaches here anonymous and can only set its own visitor's cookie;
// cross-site posts are refused anyway.
func Switch(c *fiber.Ctx) error {
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return fiber.ErrForbidden
	}
	lang := c.FormValue("lang")
	if lang != "" && !i18n.Supported(lang) {
		return fiber.NewError(fiber.StatusBadRequest, "unknown language")
	}
	id := request.Identity(c)
	st, _ := c.Locals(storeKey).(Store)
	if id != nil && id.User != nil && st != nil {
		if err := st.SetDashboardLanguage(c.UserContext(), id.User.ID, lang); err != nil {
			return err
		}
	} else {
		ck := &fiber.Cookie{Name: Cookie, Value: lang, Path: "/", HTTPOnly: true, Secure: c.Protocol() == "https",
			SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().AddDate(1, 0, 0)}
		if lang == "" {
			ck.Expires = time.Unix(1, 0)
		}
		c.Cookie(ck)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(back(c), fiber.StatusSeeOther)
}

// back is the path of the page the switch was on: the Referer when it is
// this host's (the site's policy sends it to the same origin), else home.
func back(c *fiber.Ctx) string {
	u, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || u.Host != c.Hostname() && u.Host != string(c.Request().Host()) || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery
	}
	return u.Path
}

// CSRFValid checks a dashboard form's token (dashkit's field); set by the
// server, which knows the sessions.
type CSRFValid func(c *fiber.Ctx) bool

// SavePageLanguage is POST /dashboard/page-language (fields lang and
// _csrf): the signed-in owner's public pages speak lang from now on (the
// appearance row's trigger bumps the content version, so cached pages
// follow; changed drops this process's copies at once). Then back to the
// dashboard.
func SavePageLanguage(csrf CSRFValid, changed func(userID int64)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := request.Identity(c)
		if id == nil || id.User == nil {
			return c.Redirect("/login", fiber.StatusSeeOther)
		}
		if !csrf(c) {
			return fiber.ErrForbidden
		}
		lang := c.FormValue("lang")
		if !i18n.Supported(lang) {
			return fiber.NewError(fiber.StatusBadRequest, "unknown language")
		}
		st := StoreOf(c)
		if st == nil {
			return fiber.ErrNotFound
		}
		if err := st.SetPageLanguage(c.UserContext(), id.User.ID, lang); err != nil {
			return err
		}
		if changed != nil {
			changed(id.User.ID)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
}
