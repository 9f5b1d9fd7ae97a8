package site

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/shed"
	"github.com/foliohq/folio/internal/site/accountpages"
	"github.com/foliohq/folio/internal/site/cardpages"
	"github.com/foliohq/folio/internal/site/memo"
	"github.com/foliohq/folio/internal/site/specdoc"
	"github.com/foliohq/folio/internal/site/staticfiles"
)

// Routes is the table of contents of the site. It must be mounted last:
// its pages take any one- or two-word path the routes before it do not,
// and it answers the 404 page for the rest.
func (s *Site) Routes(r fiber.Router) {
	public := request.PerIP(s.opts.PublicWindow)
	r.Get("/static/*", staticfiles.Asset)
	r.Get("/favicon.ico", staticfiles.Favicon)
	if s.opts.Auth == nil {
		return
	}
	if s.looks != nil {
		s.looks.Routes(r) // /dashboard/appearance and its preview
	}

	// Rendition bytes by the media's public key: to anyone while in use on
	// a page they may open, else to the owner (cookie or bearer) alone.
	r.Get("/media/:key/:name", public, s.authn.Authenticate, request.VisitorsReadReplicas, s.serveRendition)

	if s.opts.Cards != nil { // before the pages' /{handle}/{project}
		(&cardpages.Pages{Cards: s.opts.Cards, Users: s.opts.Users, Projects: s.opts.Projects}).Routes(r, public)
	}
	// The page script's reports of plays and API-docs opens: 204 always.
	r.Post("/beacon", s.authn.Authenticate, s.beacon)

	// Pages. The visitor may be signed in (session cookie), which shows the
	// owner their drafts; every page answers 304 to a matching ETag and
	// may load only its own scripts and styles.
	// Every page has a deadline; explore searches and page renders (cache
	// misses, see memoized) have bounded slots, and are shed with 503 when
	// none frees up soon.
	pages := r.Group("", request.WithCSP(s.cspStrict), public, shed.Deadline(s.opts.RequestTimeout), request.WithETag, s.authn.Authenticate, request.VisitorsReadReplicas)
	pages.Get("/", s.homePage)
	pages.Get("/explore", memo.Responses(s.memo), s.opts.ExploreLimit.Handler, s.explorePage)
	pages.Get("/sitemap.xml", s.sitemaps.Index)
	pages.Get("/sitemap-:n.xml", s.sitemapFile)
	pages.Get("/robots.txt", s.robots)
	if s.opts.Accounts != nil {
		// The account email flows: plain forms, and the pages that links
		// in mail open (each acts only on the POST of its button).
		ap := &accountpages.Pages{Accounts: s.opts.Accounts, BaseURL: s.opts.BaseURL, Render: s.accountPage}
		pages.Get("/forgot-password", ap.ForgotPasswordPage)
		pages.Post("/forgot-password", ap.ForgotPassword)
		pages.Get("/reset-password", ap.ResetPasswordPage)
		pages.Post("/reset-password", ap.ResetPassword)
		pages.Get("/verify-email", ap.VerifyEmailPage)
		pages.Post("/verify-email", ap.VerifyEmail)
		pages.Get("/confirm-email", ap.ConfirmEmailPage)
		pages.Post("/confirm-email", ap.ConfirmEmail)
		pages.Post("/dashboard/verification", ap.ResendVerification)
	}
	pages.Get("/dashboard", s.dashboardPage)
	pages.Get("/dashboard/projects/:id", s.projectEditPage)
	pages.Get("/dashboard/analytics", s.analyticsPage)
	pages.Get("/dashboard/analytics.csv", s.analyticsCSV)
	// Tailored share links: the link is checked on every request (a
	// revoked one is a 404 at once), then pages come from the memo or the
	// cache like public ones. Never indexed, no Referer sent anywhere.
	pages.Get("/s/:token", shared, s.countView, s.sharePage)
	pages.Get("/s/:token/:project", shared, request.WithCSP(s.cspInlineStyles), s.countView, s.shareProjectPage)
	pages.Get("/s/:token/:project/go/:target", shared, s.shareOutbound)
	np := s.notifyPages()
	pages.Get("/dashboard/notifications", np.SettingsPage)
	pages.Get("/unsubscribe/:token", np.UnsubscribePage)
	// Forms that work without JavaScript: the dashboard's carry the
	// session's CSRF token in a field; the unsubscribe POST (RFC 8058, sent
	// by mail clients) needs no login, its signed token is the permission.
	pages.Post("/dashboard/notifications", np.SavePreferences)
	pages.Post("/dashboard/notifications/webhooks", np.AddWebhook)
	pages.Post("/dashboard/notifications/webhooks/:id/test", np.TestWebhook)
	pages.Post("/dashboard/notifications/webhooks/:id/delete", np.DeleteWebhook)
	pages.Post("/unsubscribe/:token", np.Unsubscribe)
	s.exports.Routes(pages) // /{handle}.pdf, /{handle}/resume.json, /dashboard/resume
	// Last: a handle or project slug may be any word the routes above do
	// not take (handles cannot be those words; see folio.IsReservedHandle).
	// A project page embeds its API docs, whose viewer sets inline styles.
	// countView counts the page once answered, memo hits included.
	pages.Get("/:handle", s.countView, s.memoized, s.portfolioPage)
	if s.looks != nil {
		pages.Get("/:handle/style.css", s.looks.Stylesheet) // accent and custom CSS
	}
	pages.Get("/:handle/:project", request.WithCSP(s.cspInlineStyles), s.countView, s.memoized, s.projectPage)
	pages.Get("/:handle/:project/openapi.json", (&specdoc.Handler{Users: s.opts.Users, Projects: s.opts.Projects, APIDocs: s.opts.APIDocs, Store: s.opts.Store}).Serve)
	// The counted way out to a project's live demo or code.
	pages.Get("/:handle/:project/go/:target", s.outbound)
	r.Use(s.notFound)
}
