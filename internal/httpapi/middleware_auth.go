package httpapi

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/ratelimit"
)

const (
	sessionCookie = "folio_session"
	// csrfCookie is readable by the page's script, which echoes it in the
	// X-CSRF-Token header; a cross-site form can do neither.
	csrfCookie = "folio_csrf"
	// deviceCookie marks a browser that logged in to an account before;
	// see Limits.
	deviceCookie = "folio_device"
	csrfHeader   = "X-CSRF-Token"
	identityKey  = "identity"
	viaCookieKey = "via_cookie"
)

// authenticate resolves the bearer token or session cookie, when there is
// one, and leaves the request anonymous otherwise. A bearer token that is
// present but invalid is refused rather than ignored.
func (s *Server) authenticate(c *fiber.Ctx) error {
	token, viaCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, value, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) == "" {
			return s.unauthorized(c, "Send the token as 'Authorization: Bearer <token>'.")
		}
		token = strings.TrimSpace(value)
	} else if v := c.Cookies(sessionCookie); v != "" {
		token, viaCookie = v, true
	}
	if token == "" {
		return c.Next()
	}
	id, err := s.opts.Auth.Resolve(c.UserContext(), token)
	if err != nil {
		if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
			if viaCookie {
				// A stale cookie must not lock the browser out of public pages.
				c.ClearCookie(sessionCookie)
				return c.Next()
			}
			return s.unauthorized(c, folio.ErrorMessage(err))
		}
		return err
	}
	c.Locals(identityKey, id)
	c.Locals(viaCookieKey, viaCookie)
	return c.Next()
}

// requireAuth refuses anonymous requests, and cookie requests that change
// state without the session's CSRF token. Bearer requests need no CSRF
// token: a browser never attaches an Authorization header on its own.
func (s *Server) requireAuth(c *fiber.Ctx) error {
	id := identity(c)
	if id == nil {
		return s.unauthorized(c, "Log in, or send a valid bearer token.")
	}
	if viaCookie, _ := c.Locals(viaCookieKey).(bool); viaCookie && !safeMethod(c.Method()) {
		if !auth.CSRFValid(id.Session, c.Get(csrfHeader)) {
			return &folio.Error{Code: "csrf", Message: "This request needs the X-CSRF-Token header from the folio_csrf cookie."}
		}
	}
	err := c.Next()
	if !safeMethod(c.Method()) {
		// The owner changed something: this replica's memo of their pages
		// is stale now (the content version takes care of Redis).
		s.memo.forget(id.User.ID)
	}
	return err
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func (s *Server) unauthorized(c *fiber.Ctx, message string) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="folio"`)
	return folio.Errorf(folio.EUNAUTHORIZED, "%s", message)
}

// identity is the authenticated caller, or nil.
func identity(c *fiber.Ctx) *auth.Identity {
	id, _ := c.Locals(identityKey).(*auth.Identity)
	return id
}

// currentUser is the caller of a route behind requireAuth.
func currentUser(c *fiber.Ctx) *folio.User { return identity(c).User }

// rateLimit counts one attempt against key and refuses with 429 and
// Retry-After when the limit is spent.
func (s *Server) rateLimit(c *fiber.Ctx, key string, lim ratelimit.Limit) error {
	allowed, retryAfter, err := s.opts.Limiter.Allow(c.UserContext(), key, lim)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if !allowed {
		return s.tooMany(c, retryAfter)
	}
	return nil
}

// checkLimit refuses with 429 and Retry-After when the limit on key is
// spent, without counting this attempt; countFailure counts one.
func (s *Server) checkLimit(c *fiber.Ctx, key string, lim ratelimit.Limit) error {
	allowed, retryAfter, err := s.opts.Limiter.Check(c.UserContext(), key, lim)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if !allowed {
		return s.tooMany(c, retryAfter)
	}
	return nil
}

// countFailure counts one failed attempt against key; see checkLimit.
func (s *Server) countFailure(c *fiber.Ctx, key string, lim ratelimit.Limit) error {
	if err := s.opts.Limiter.Count(c.UserContext(), key, lim); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}

func (s *Server) tooMany(c *fiber.Ctx, retryAfter time.Duration) error {
	secs := int(math.Ceil(retryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Set(fiber.HeaderRetryAfter, fmt.Sprint(secs))
	return folio.Errorf(folio.ETOOMANY, "Too many requests; try again in %d seconds.", secs)
}

// requireScope lets through browser sessions, and API tokens that were
// given scope; other tokens get 403. It follows requireAuth.
func (s *Server) requireScope(scope string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !identity(c).HasScope(scope) {
			return folio.Errorf(folio.EFORBIDDEN, "This needs a browser session, or a token with the %q scope.", scope)
		}
		return c.Next()
	}
}

// requireAdmin lets only administrators through; others get 404 when
// anonymous (the page does not exist for them) and 403 when signed in.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	id := identity(c)
	if id == nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	if !id.User.IsAdmin {
		return folio.Errorf(folio.EFORBIDDEN, "Only administrators may see this.")
	}
	return c.Next()
}
