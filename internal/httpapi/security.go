package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// securityHeaders sets the headers every response carries. The pages load
// only their own scripts and styles; the API docs viewer needs inline style
// attributes (Swagger UI sets them), so its policy allows those and nothing
// else.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	csp := s.cspStrict
	if p := c.Path(); strings.HasPrefix(p, "/api/docs") || strings.HasPrefix(p, "/admin/queues") || isProjectPagePath(p) {
		csp = s.cspInlineStyles
	}
	h.Set(fiber.HeaderContentSecurityPolicy, csp)
	if s.opts.BaseURL.Scheme == "https" {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}

// buildCSP makes the policy once. Swagger UI sets style attributes: the
// API docs, the queue UI and the project pages that embed a project's docs
// get the variant that allows inline styles (never inline scripts).
func (s *Server) buildCSP(inlineStyles bool) string {
	style := "'self'"
	if inlineStyles {
		style = "'self' 'unsafe-inline'"
	}
	connect := "'self'"
	if s.opts.MediaOrigin != "" {
		connect += " " + s.opts.MediaOrigin
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

// publicRateLimit slows scrapers on public pages: the limit is far above
// what a person reading a portfolio produces. It counts in the process (see
// ipWindow), so it keeps working when Redis does not.
func (s *Server) publicRateLimit(c *fiber.Ctx) error {
	if s.opts.PublicLimit.Rate == 0 {
		return c.Next()
	}
	if ok, retryAfter := s.publicWindow.allow(c.IP(), s.opts.PublicLimit.Rate, s.opts.PublicLimit.Period); !ok {
		return s.tooMany(c, retryAfter)
	}
	return c.Next()
}

// isProjectPagePath matches /{handle}/{project}.
func isProjectPagePath(path string) bool {
	if strings.Count(path, "/") != 2 || strings.HasSuffix(path, "/") {
		return false
	}
	for _, prefix := range []string{"/api/", "/static/", "/media/", "/dashboard/", "/admin/"} {
		if strings.HasPrefix(path, prefix) {
			return false
		}
	}
	return true
}
