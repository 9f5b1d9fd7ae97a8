package server

import (
	"github.com/foliohq/folio/internal/api/archiveapi"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/foliohq/folio/internal/request"
)

// routes is the table of contents of the server: its own routes, then the
// API, then the site, which takes every path left and answers the 404s.
func (s *Server) routes() {
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)

	// Before the API, whose /api/v1 catch-all answers 404.
	if s.data != nil {
		archiveapi.Handlers{Deletion: s.opts.AccountData.Deletion, Intake: s.intake()}.Routes(s.app, s.authn)
	}
	s.api.Routes(s.app)

	// The queue UI, read-only, for administrators; it sets inline styles.
	if s.opts.QueueUI != nil && s.opts.Auth != nil {
		queues := adaptor.HTTPHandler(s.opts.QueueUI)
		s.app.All("/admin/queues", request.WithCSP(s.cspInlineStyles), s.authn.Authenticate, request.RequireAdmin, queues)
		s.app.All("/admin/queues/*", request.WithCSP(s.cspInlineStyles), s.authn.Authenticate, request.RequireAdmin, queues)
	}

	// Before the site, whose /{handle}/{project} would take their paths.
	if s.jobs != nil {
		s.jobs.Routes(s.app)
	}
	if s.data != nil {
		s.data.Routes(s.app)
	}
	s.site.Routes(s.app)
}

// intake reads the bodies of the routes mounted here as the API reads its own.
func (s *Server) intake() body.Intake {
	return body.Intake{MaxBytes: s.opts.MaxBodyBytes, ReadTimeout: s.opts.ReadTimeout, IdleTimeout: s.opts.BodyIdleTimeout}
}
