package site

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/shed"
)

// Routes is the table of contents of the site. It must be mounted last:
// its pages take any one- or two-word path the routes before it do not,
// and it answers the 404 page for the rest.
func (s *Site) Routes(r fiber.Router) {
	public := request.PerIP(s.opts.PublicWindow)
	r.Get("/static/*", s.staticAsset)
	if s.opts.Auth == nil {
		return
	}

	// Rendition bytes by the media's public key: to anyone while in use on
	// a page they may open, else to the owner (cookie or bearer) alone.
	r.Get("/media/:key/:name", public, s.authn.Authenticate, s.serveRendition)

	// The page script's reports of plays and API-docs opens: 204 always.
	r.Post("/beacon", s.authn.Authenticate, s.beacon)

	// Pages. The visitor may be signed in (session cookie), which shows the
	// owner their drafts; every page answers 304 to a matching ETag and
	// may load only its own scripts and styles.
	// Every page has a deadline; explore searches and page renders (cache
	// misses, see memoized) have bounded slots, and are shed with 503 when
	// none frees up soon.
	pages := r.Group("", request.WithCSP(s.cspStrict), public, shed.Deadline(s.opts.RequestTimeout), request.WithETag, s.authn.Authenticate)
	pages.Get("/", s.homePage)
	pages.Get("/explore", s.opts.ExploreLimit.Handler, s.explorePage)
	pages.Get("/sitemap.xml", s.sitemaps.Index)
	pages.Get("/sitemap-:n.xml", s.sitemapFile)
	pages.Get("/robots.txt", s.robots)
	pages.Get("/login", s.loginPage)
	pages.Get("/register", s.registerPage)
	pages.Get("/dashboard", s.dashboardPage)
	pages.Get("/dashboard/projects/:id", s.projectEditPage)
	pages.Get("/dashboard/analytics", s.analyticsPage)
	pages.Get("/dashboard/analytics.csv", s.analyticsCSV)
	// Last: a handle or project slug may be any word the routes above do
	// not take (handles cannot be those words; see folio.IsReservedHandle).
	// A project page embeds its API docs, whose viewer sets inline styles.
	// countView counts the page once answered, memo hits included.
	pages.Get("/:handle", s.countView, s.memoized, s.portfolioPage)
	pages.Get("/:handle/:project", request.WithCSP(s.cspInlineStyles), s.countView, s.memoized, s.projectPage)
	pages.Get("/:handle/:project/openapi.json", s.projectOpenAPI)
	// The counted way out to a project's live demo or code.
	pages.Get("/:handle/:project/go/:target", s.outbound)
	r.Use(s.notFound)
}
