package request

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CSP is a Content-Security-Policy: scripts, styles, images and media
// only from this origin; connections also to mediaOrigin, the object
// store browsers PUT upload parts to, when set. inlineStyles allows
// inline style attributes (never inline scripts), which Swagger UI and
// the queue UI set.
func CSP(mediaOrigin string, inlineStyles bool) string {
	style := "'self'"
	if inlineStyles {
		style = "'self' 'unsafe-inline'"
	}
	connect := "'self'"
	if mediaOrigin != "" {
		connect += " " + mediaOrigin
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src " + style,
		"img-src 'self' data:",
		"media-src 'self'",
		"font-src 'self'",
		"connect-src " + connect,
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// WithCSP sets policy as the response's Content-Security-Policy, in place
// of whatever an outer group set.
func WithCSP(policy string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Response().Header.Set(fiber.HeaderContentSecurityPolicy, policy)
		return c.Next()
	}
}
