package request

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

// ReauthWindow is how recent a sign-in the sensitive changes need: turning
// two-factor authentication off, adding or removing a passkey, changing
// the password, deleting the account.
const ReauthWindow = 10 * time.Minute

// CodeReauth is the problem code (403) of a sensitive change whose session
// signed in longer than ReauthWindow ago: confirm the sign-in at
// POST /api/v1/auth/reauthenticate (or the /reauth page) and retry.
const CodeReauth = "reauthentication_required"

// ReauthPath is the page that confirms a sign-in and returns to ?next=.
const ReauthPath = "/reauth"

// RecentSignIn reports whether the caller is a session whose owner signed
// in, or confirmed their sign-in, within ReauthWindow. API tokens never
// are: they have no sign-in to confirm.
func RecentSignIn(c *fiber.Ctx) bool {
	id := Identity(c)
	return id != nil && id.Session != nil && time.Since(id.Session.AuthenticatedAt) < ReauthWindow
}

// RequireRecentSignIn guards a sensitive change (see ReauthWindow). A page
// or form of the site sends a stale session to the re-authentication page,
// which comes back here (to the page, for a form); the API answers 403
// with CodeReauth. It follows Authenticate, and RequireAuth on the API.
func RequireRecentSignIn(c *fiber.Ctx) error {
	if RecentSignIn(c) {
		return c.Next()
	}
	id := Identity(c)
	if id != nil && id.Session == nil {
		return folio.Errorf(folio.EFORBIDDEN, "This change needs a browser or app session signed in within the last %d minutes; API tokens cannot make it.", int(ReauthWindow.Minutes()))
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return &folio.Error{Code: CodeReauth, Message: "Confirm your sign-in first: this change needs one within the last 10 minutes."}
	}
	if id == nil {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	// A form's POST cannot be replayed after the detour: come back to the
	// page it was sent from.
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = sameSitePath(c.Get(fiber.HeaderReferer), c.BaseURL())
	}
	return c.Redirect(ReauthPath+"?next="+url.QueryEscape(next), fiber.StatusSeeOther)
}

// sameSitePath is the path and query of ref when it is a URL of base, and
// the dashboard otherwise.
func sameSitePath(ref, base string) string {
	if u, err := url.Parse(ref); err == nil && ref != "" && u.Scheme+"://"+u.Host == base {
		return SafeNext(u.RequestURI())
	}
	return "/dashboard"
}

// SafeNext is next when it is a path on this site, and "/dashboard"
// otherwise: a ?next= must not send anyone to another site.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/dashboard"
	}
	return next
}

// StartSession hands a new session to the client: the HttpOnly session
// cookie, the CSRF cookie the page script echoes, and, when device is not
// "", the device cookie that only the login endpoints see.
func StartSession(c *fiber.Ctx, token string, sess *folio.Session, device string, secure bool) {
	// The session cookie lives as long as the session may; the server
	// ends it sooner when it goes unused.
	expires := sess.CreatedAt.Add(auth.SessionMaxAge)
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteLaxMode})
	c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: sess.CSRFToken, Path: "/", Expires: expires,
		Secure: secure, SameSite: fiber.CookieSameSiteLaxMode})
	if device != "" {
		c.Cookie(&fiber.Cookie{Name: DeviceCookie, Value: device, Path: "/api/v1/auth/login", Expires: time.Now().Add(auth.DeviceTTL),
			HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteStrictMode})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
}
