package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/api/accountapi"
	"github.com/foliohq/folio/internal/api/adminapi"
	"github.com/foliohq/folio/internal/api/appearanceapi"
	"github.com/foliohq/folio/internal/api/domainapi"
	"github.com/foliohq/folio/internal/api/exportapi"
	"github.com/foliohq/folio/internal/api/mfaapi"
	"github.com/foliohq/folio/internal/api/notifications"
	"github.com/foliohq/folio/internal/api/preview"
	"github.com/foliohq/folio/internal/api/repoimportapi"
	"github.com/foliohq/folio/internal/api/securityapi"
	"github.com/foliohq/folio/internal/api/ssoapi"
	"github.com/foliohq/folio/internal/api/stats"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// signUp is the registration, sign-in provider and invitation handlers
// (internal/api/ssoapi) with the API's intake and sign-up limits.
func (s *API) signUp() ssoapi.Handlers {
	h := s.opts.SignUp
	h.Auth, h.Intake, h.Limiter = s.opts.Auth, s.intake, s.opts.Limiter
	h.RegisterPerIP, h.RegisterPerAccount = s.opts.Limits.RegisterPerIP, s.opts.Limits.RegisterPerAccount
	return h
}

// Routes is the table of contents of the API: its own documents under
// /api, then /api/v1.
func (s *API) Routes(r fiber.Router) {
	public := request.PerIP(s.opts.PublicWindow)
	// Swagger UI sets inline style attributes: its page and assets get the
	// policy that allows those (never inline scripts).
	inlineStyles := request.WithCSP(s.cspInlineStyles)
	r.Get("/api/openapi.json", public, s.spec.JSON)
	r.Get("/api/openapi.yaml", public, s.spec.YAML)
	r.Get("/api/docs", inlineStyles, public, s.spec.Page)
	r.Get("/api/docs/*", inlineStyles, s.spec.Assets)

	if s.opts.Auth == nil {
		return
	}
	// The private calendar feed: its token is the credential, so no session.
	r.Get("/calendar/:token.ics", public, s.jobs.Feed)

	// Every API response gets an ETag; a GET with a matching If-None-Match
	// answers 304. Routes marked signedIn refuse anonymous callers and
	// cookie requests without the CSRF token.
	v1 := r.Group("/api/v1", request.WithETag, s.authn.Authenticate)
	signedIn := s.authn.RequireAuth

	reg := s.signUp()
	v1.Post("/auth/register", reg.Register)
	v1.Get("/auth/providers", public, reg.Providers)
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/logout", signedIn, s.logout)
	v1.Post("/auth/logout-all", signedIn, s.logoutEverywhere)
	acc := accountapi.Handlers{Accounts: s.opts.Accounts, Intake: s.intake}
	v1.Post("/auth/password-reset", public, acc.RequestReset)
	v1.Post("/auth/password-reset/confirm", public, acc.ConfirmReset)
	v1.Post("/auth/verify-email", public, acc.VerifyEmail)
	v1.Post("/auth/email-change/confirm", public, acc.ConfirmEmailChange)

	mfaapi.Routes(v1, signedIn, s.twoFactor())

	v1.Get("/portfolios/:handle", public, s.getPortfolio)

	v1.Get("/me", signedIn, s.getMe)
	v1.Patch("/me", signedIn, s.patchMe)
	v1.Put("/me/featured", signedIn, s.putFeatured)
	v1.Get("/me/analytics", signedIn, stats.Handler(s.opts.Analytics))
	look := appearanceapi.Handlers{Store: s.opts.Appearance, Intake: s.intake}
	v1.Get("/me/appearance", signedIn, look.Get)
	v1.Put("/me/appearance", signedIn, look.Put)
	v1.Post("/me/password", signedIn, request.RequireRecentSignIn, s.changePassword)
	v1.Get("/me/calendar", signedIn, s.jobs.GetCalendar)
	v1.Post("/me/calendar", signedIn, s.jobs.RotateCalendar)
	v1.Delete("/me/calendar", signedIn, s.jobs.RevokeCalendar)
	v1.Post("/me/email", signedIn, acc.RequestEmailChange)
	v1.Post("/me/email/verification", signedIn, acc.ResendVerification)
	v1.Get("/me/identities", signedIn, reg.Identities)
	v1.Delete("/me/identities/:id", signedIn, reg.Unlink)
	v1.Get("/admin/invitations", signedIn, request.RequireAdmin, reg.Invitations)
	v1.Post("/admin/invitations", signedIn, request.RequireAdmin, reg.Invite)
	v1.Delete("/admin/invitations/:id", signedIn, request.RequireAdmin, reg.Revoke)
	ex := exportapi.Handlers{Services: s.opts.Exports, Projects: s.opts.Projects, BaseURL: s.opts.BaseURL, Intake: s.intake}
	v1.Get("/me/resume", signedIn, ex.ExportResume)
	v1.Post("/me/resume", signedIn, ex.ImportResume) // exportapi.ImportPath
	v1.Get("/me/portfolio.pdf", signedIn, ex.PortfolioPDF)

	v1.Post("/tokens", signedIn, request.RequireScope(folio.ScopeTokensWrite), s.createToken)
	v1.Get("/tokens", signedIn, s.listTokens)
	v1.Delete("/tokens/:id", signedIn, s.deleteToken)

	v1.Get("/projects", signedIn, s.listProjects)
	v1.Post("/projects", signedIn, s.idempotent.Handle, s.createProject)
	v1.Get("/projects/:id", signedIn, s.getProject)
	v1.Patch("/projects/:id", signedIn, s.patchProject)
	v1.Delete("/projects/:id", signedIn, s.deleteProject)

	// The streaming uploads; their bodies' limits are also in DeclaredLimit.
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

	v1.Get("/applications", signedIn, s.jobs.List)
	v1.Post("/applications", signedIn, s.idempotent.Handle, s.jobs.Create)
	v1.Get("/applications/export.csv", signedIn, s.jobs.Export)
	v1.Post("/applications/import", signedIn, s.jobs.Import)
	v1.Get("/applications/:id", signedIn, s.jobs.Get)
	v1.Patch("/applications/:id", signedIn, s.jobs.Patch)
	v1.Delete("/applications/:id", signedIn, s.jobs.Delete)
	v1.Post("/applications/:id/notes", signedIn, s.jobs.AddNote)
	v1.Get("/applications/:id/timeline", signedIn, s.jobs.GetTimeline)
	v1.Get("/applications/:id/share-links", signedIn, s.jobs.ListShareLinks)
	v1.Post("/applications/:id/share-links", signedIn, s.jobs.CreateShareLink)
	v1.Get("/share-links/:id", signedIn, s.jobs.GetShareLink)
	v1.Patch("/share-links/:id", signedIn, s.jobs.PatchShareLink)
	v1.Post("/share-links/:id/revoke", signedIn, s.jobs.RevokeShareLink)

	v1.Post("/preview", signedIn, preview.Handler(s.intake))
	notifications.Routes(v1, signedIn, s.opts.Notifications, s.intake)
	repoimportapi.Routes(v1, signedIn, s.idempotent.Handle, s.opts.RepoImports, s.intake)
	securityapi.Routes(v1, signedIn, s.opts.Security)
	adminapi.Routes(v1, signedIn, s.opts.Admin)
	(&domainapi.Handlers{Domains: s.opts.Domains, OwnHost: s.opts.BaseURL.Hostname(), Intake: s.intake}).Routes(v1, signedIn)

	// Unknown API paths answer problem+json rather than falling through to pages.
	v1.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
