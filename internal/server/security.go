package server

import (
	"github.com/gofiber/fiber/v2"
)

// securityHeaders sets the headers every response carries, with the
// strict Content-Security-Policy as the default; the site's pages set
// theirs again, and the routes that show a viewer with inline style
// attributes (the API docs, a project page, the queue UI) replace it.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set(fiber.HeaderContentSecurityPolicy, s.cspStrict)
	if s.opts.BaseURL.Scheme == "https" {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}
