package request

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/readpref"
)

// The cookies and header of a browser session.
const (
	SessionCookie = "folio_session"
	// CSRFCookie is readable by the page's script, which echoes it in the
	// CSRFHeader; a cross-site form can do neither.
	CSRFCookie = "folio_csrf"
	// DeviceCookie marks a browser that logged in to an account before;
	// see api.Limits.
	DeviceCookie = "folio_device"
	CSRFHeader   = "X-CSRF-Token"
)

// CodeCSRF is the problem code of a cookie request that changes state
// without the session's CSRF token (403).
const CodeCSRF = "csrf"

const (
	identityKey  = "identity"
	viaCookieKey = "via_cookie"
)

// Authenticator resolves callers and guards the routes that need one.
type Authenticator struct {
	Auth *auth.Service
	// Changed, when set, is called after every request of a signed-in
	// caller that may change state, with the caller's user id (the site
	// drops its in-process memo of their pages).
	Changed func(userID int64)
}

// Authenticate resolves the bearer token or session cookie, when there is
// one, and leaves the request anonymous otherwise. A bearer token that is
// present but invalid is refused rather than ignored.
func (a *Authenticator) Authenticate(c *fiber.Ctx) error {
	token, viaCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, value, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) == "" {
			return Unauthorized(c, "Send the token as 'Authorization: Bearer <token>'.")
		}
		token = strings.TrimSpace(value)
	} else if v := c.Cookies(SessionCookie); v != "" {
		token, viaCookie = v, true
	}
	if token == "" {
		return c.Next()
	}
	id, err := a.Auth.Resolve(c.UserContext(), token)
	if err != nil {
		if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
			if viaCookie {
				// A stale cookie must not lock the browser out of public pages.
				c.ClearCookie(SessionCookie)
				return c.Next()
			}
			return Unauthorized(c, folio.ErrorMessage(err))
		}
		return err
	}
	c.Locals(identityKey, id)
	c.Locals(viaCookieKey, viaCookie)
	return c.Next()
}

// RequireAuth refuses anonymous requests, and cookie requests that change
// state without the session's CSRF token. Bearer requests need no CSRF
// token: a browser never attaches an Authorization header on its own. It
// follows Authenticate.
func (a *Authenticator) RequireAuth(c *fiber.Ctx) error {
	id := Identity(c)
	if id == nil {
		return Unauthorized(c, "Log in, or send a valid bearer token.")
	}
	if viaCookie, _ := c.Locals(viaCookieKey).(bool); viaCookie && !SafeMethod(c.Method()) {
		if !auth.CSRFValid(id.Session, c.Get(CSRFHeader)) {
			return &folio.Error{Code: CodeCSRF, Message: "This request needs the X-CSRF-Token header from the folio_csrf cookie."}
		}
	}
	err := c.Next()
	if !SafeMethod(c.Method()) && a.Changed != nil {
		// The owner changed something: this replica's memo of their pages
		// is stale now (the content version takes care of Redis).
		a.Changed(id.User.ID)
	}
	return err
}

// RequireScope lets through browser sessions, and API tokens that were
// given scope; other tokens get 403. It follows RequireAuth.
func RequireScope(scope string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !Identity(c).HasScope(scope) {
			return folio.Errorf(folio.EFORBIDDEN, "This needs a browser session, or a token with the %q scope.", scope)
		}
		return c.Next()
	}
}

// RequireAdmin lets only administrators through; others get 404 when
// anonymous (the page does not exist for them) and 403 when signed in. It
// follows Authenticate.
func RequireAdmin(c *fiber.Ctx) error {
	id := Identity(c)
	if id == nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	if !id.User.IsAdmin {
		return folio.Errorf(folio.EFORBIDDEN, "Only administrators may see this.")
	}
	return c.Next()
}

// Unauthorized is the 401 answer, with the header that names the scheme.
func Unauthorized(c *fiber.Ctx, message string) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="folio"`)
	return folio.Errorf(folio.EUNAUTHORIZED, "%s", message)
}

// Identity is the authenticated caller, or nil.
func Identity(c *fiber.Ctx) *auth.Identity {
	id, _ := c.Locals(identityKey).(*auth.Identity)
	return id
}

// User is the caller of a route behind RequireAuth.
func User(c *fiber.Ctx) *folio.User { return Identity(c).User }

// Viewer is the signed-in visitor of a page, or nil for an anonymous one.
func Viewer(c *fiber.Ctx) *folio.User {
	if id := Identity(c); id != nil {
		return id.User
	}
	return nil
}

// VisitorsReadReplicas lets an anonymous visitor's reads be answered by a
// read replica (see internal/readpref). A signed-in request, the owner's
// above all, keeps reading the primary and so sees its own last write.
func VisitorsReadReplicas(c *fiber.Ctx) error {
	if Viewer(c) == nil {
		c.SetUserContext(readpref.Replica(c.UserContext()))
	}
	return c.Next()
}
