package server

import (
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/foliohq/folio/internal/api/archiveapi"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/site/archivepages"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/repoimportpages"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// routes is the table of contents of the server: its own routes, then the
// API, then the site, which takes every path left and answers the 404s.
func (s *Server) routes() {
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)
	s.app.Get(AskPath, s.ask)

	// Before the API, whose /api/v1 catch-all answers 404.
	if s.data != nil {
		h := archiveapi.Handlers{Deletion: s.opts.AccountData.Deletion, Archives: s.opts.AccountData.Archives, Intake: s.intake()}
		if s.opts.API.Uploads != nil {
			h.Gate = s.opts.API.Uploads
		}
		h.Routes(s.app, s.authn)
	}
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
	if s.admin != nil {
		s.admin.Routes(s.app)
	}
	if s.jobs != nil {
		s.jobs.Routes(s.app)
	}
	repoimportpages.Mount(s.app, repoimportpages.Options{Imports: s.opts.API.RepoImports, Auth: s.opts.Auth, Logger: s.log})
	if s.data != nil {
		s.data.Routes(s.app)
	}
	if s.security != nil {
		s.security.Routes(s.app)
	}
	if s.domainPages != nil {
		s.domainPages.Routes(s.app)
	}
	// The language switch of every page but the public ones.
	if s.opts.Auth != nil {
		s.app.Post("/language", s.authn.Authenticate, sitelang.Switch)
		s.app.Post("/dashboard/page-language", s.authn.Authenticate, sitelang.SavePageLanguage(dashkit.CSRFValid, s.site.ForgetOwner))
	}
	s.site.Routes(s.app)
}

// intake reads the bodies of the routes mounted here as the API reads its own.
func (s *Server) intake() body.Intake {
	return body.Intake{MaxBytes: s.opts.MaxBodyBytes, ReadTimeout: s.opts.ReadTimeout, IdleTimeout: s.opts.BodyIdleTimeout}
}

// declaredLimit is the largest body the route of h accepts: an archive
// upload's limit on its route, the API's limits elsewhere.
func (s *Server) declaredLimit(h *fasthttp.RequestHeader) int64 {
	if a := s.opts.AccountData.Archives; a != nil && h.IsPost() {
		path, _, _ := strings.Cut(string(h.RequestURI()), "?")
		if path = strings.TrimSuffix(strings.ToLower(path), "/"); path == archiveapi.ImportPath || path == archivepages.ImportPath {
			// The form's few other fields ride along.
			return a.MaxArchiveBytes() + 64<<10
		}
	}
	return s.api.DeclaredLimit(h)
}
