package server

import (
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/foliohq/folio/internal/request"
)

// routes is the table of contents of the server: its own routes, then the
// API, then the site, which takes every path left and answers the 404s.
func (s *Server) routes() {
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)

	s.api.Routes(s.app)

	// The queue UI, read-only, for administrators; it sets inline styles.
	if s.opts.QueueUI != nil && s.opts.Auth != nil {
		queues := adaptor.HTTPHandler(s.opts.QueueUI)
		s.app.All("/admin/queues", request.WithCSP(s.cspInlineStyles), s.authn.Authenticate, request.RequireAdmin, queues)
		s.app.All("/admin/queues/*", request.WithCSP(s.cspInlineStyles), s.authn.Authenticate, request.RequireAdmin, queues)
	}

	// Before the site, whose /{handle}/{project} would take their paths.
	if s.sign != nil {
		s.sign.Routes(s.app)
	}
	if s.jobs != nil {
		s.jobs.Routes(s.app)
	}
	s.site.Routes(s.app)
}
