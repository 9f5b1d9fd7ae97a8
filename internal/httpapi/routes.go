package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/foliohq/folio/internal/folio"
)

// routes is the table of contents of Folio's HTTP surface.
func (s *Server) routes() {
	public := s.publicRateLimit
	s.app.Get("/static/*", s.staticAsset)
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)

	s.app.Get("/api/openapi.json", public, s.openAPIJSON)
	s.app.Get("/api/openapi.yaml", public, s.openAPIYAML)
	s.app.Get("/api/docs", public, s.apiDocsPage)
	s.app.Get("/api/docs/*", s.apiDocsAssets)

	if s.opts.Auth == nil {
		return
	}
	// Every API response gets an ETag; a GET with a matching If-None-Match
	// answers 304. Routes marked signedIn refuse anonymous callers and
	// cookie requests without the CSRF token.
	v1 := s.app.Group("/api/v1", withETag, s.authenticate)
	signedIn := s.requireAuth

	v1.Post("/auth/register", s.register)
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/logout", signedIn, s.logout)
	v1.Post("/auth/logout-all", signedIn, s.logoutEverywhere)

	v1.Get("/portfolios/:handle", public, s.getPortfolio)

	v1.Get("/me", signedIn, s.getMe)
	v1.Patch("/me", signedIn, s.patchMe)
	v1.Put("/me/featured", signedIn, s.putFeatured)
	v1.Post("/me/password", signedIn, s.changePassword)

	v1.Post("/tokens", signedIn, s.requireScope(folio.ScopeTokensWrite), s.createToken)
	v1.Get("/tokens", signedIn, s.listTokens)
	v1.Delete("/tokens/:id", signedIn, s.deleteToken)

	v1.Get("/projects", signedIn, s.listProjects)
	v1.Post("/projects", signedIn, s.idempotent, s.createProject)
	v1.Get("/projects/:id", signedIn, s.getProject)
	v1.Patch("/projects/:id", signedIn, s.patchProject)
	v1.Delete("/projects/:id", signedIn, s.deleteProject)

	// The streaming uploads; their bodies' limits are also in declaredLimit.
	v1.Post("/projects/:id/media", signedIn, s.uploadProjectMedia)
	v1.Post("/projects/:id/uploads", signedIn, s.startUpload)
	v1.Post("/uploads/:id/complete", signedIn, s.completeUpload)
	v1.Post("/uploads/:id/parts", signedIn, s.resumeUpload)
	v1.Delete("/uploads/:id", signedIn, s.abortUpload)
	v1.Post("/me/avatar", signedIn, s.uploadAvatar)
	v1.Post("/projects/:id/apidocs", signedIn, s.postAPIDocs)
	v1.Get("/projects/:id/apidocs", signedIn, s.getAPIDocs)
	v1.Get("/projects/:id/demo", signedIn, s.getDemo)
	v1.Post("/projects/:id/demo/check", signedIn, s.checkDemoNow)
	v1.Get("/media/:id", signedIn, s.getMedia)
	v1.Delete("/media/:id", signedIn, s.deleteMedia)

	v1.Post("/preview", signedIn, s.previewMarkdown)

	// Unknown API paths answer problem+json rather than falling through to pages.
	v1.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })

	// Rendition bytes by the media's public key: to anyone while in use on
	// a page they may open, else to the owner (cookie or bearer) alone.
	s.app.Get("/media/:key/:name", public, s.authenticate, s.serveRendition)

	// The queue UI, read-only, for administrators.
	if s.opts.QueueUI != nil {
		s.app.All("/admin/queues", s.authenticate, s.requireAdmin, adaptor.HTTPHandler(s.opts.QueueUI))
		s.app.All("/admin/queues/*", s.authenticate, s.requireAdmin, adaptor.HTTPHandler(s.opts.QueueUI))
	}

	// Pages. The visitor may be signed in (session cookie), which shows the
	// owner their drafts; every page answers 304 to a matching ETag.
	pages := s.app.Group("", public, withETag, s.authenticate)
	pages.Get("/", s.homePage)
	pages.Get("/explore", s.explorePage)
	pages.Get("/sitemap.xml", s.sitemap)
	pages.Get("/robots.txt", s.robots)
	pages.Get("/login", s.loginPage)
	pages.Get("/register", s.registerPage)
	pages.Get("/dashboard", s.dashboardPage)
	pages.Get("/dashboard/projects/:id", s.projectEditPage)
	// Last: a handle or project slug may be any word the routes above do
	// not take (handles cannot be those words; see folio.IsReservedHandle).
	pages.Get("/:handle", s.memoized, s.portfolioPage)
	pages.Get("/:handle/:project", s.memoized, s.projectPage)
	pages.Get("/:handle/:project/openapi.json", s.projectOpenAPI)
	s.app.Use(func(c *fiber.Ctx) error {
		if strings.HasPrefix(c.Path(), "/api/") || c.Method() != fiber.MethodGet {
			return fiber.ErrNotFound
		}
		return s.renderNotFound(c)
	})
}
