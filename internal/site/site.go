package site

import (
	"context"
	"html/template"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/projectpage"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/shed"
	"github.com/foliohq/folio/internal/site/appearancepages"
	"github.com/foliohq/folio/internal/site/exportpages"
	"github.com/foliohq/folio/internal/site/memo"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/site/sitemap"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/web"
)

// Options configure the site. Logger, BaseURL, Auth, MediaOrigin and
// PublicWindow are shared with the rest of the HTTP server: server.New
// sets them from server.Options. Without Auth only the static assets are
// served (tests of health and errors).
type Options struct {
	Logger  *slog.Logger
	BaseURL *url.URL
	Auth    *auth.Service
	// Accounts runs the account email flows (forgot password, links from
	// mail, the dashboard's verification banner); nil: off.
	Accounts *account.Service
	// MediaOrigin is the object store's origin, which the dashboard's
	// script PUTs upload parts to.
	MediaOrigin string
	// PublicWindow limits the pages and renditions per IP; nil: no limit.
	PublicWindow *ratelimit.IPWindow
	// ProjectPages reads a project page's project with its owner, demo
	// state and API docs, in one query.
	ProjectPages projectpage.Reader

	Users     folio.UserService
	Projects  folio.ProjectService
	Directory folio.Directory
	Media     folio.MediaService
	Store     *storage.Store
	APIDocs   folio.APIDocsService
	Demos     folio.DemoService
	PageCache *redis.Client // nil: public pages are rendered every time
	Analytics Tracker       // nil: nothing is counted
	// ShareLinks opens tailored share links at /s/{token}; nil: those
	// paths are 404s.
	ShareLinks folio.ShareLinkService
	// AnalyticsReader answers the owner's analytics page; nil: no page.
	AnalyticsReader folio.AnalyticsReader
	Metrics         *metrics.Metrics // nil: none
	// Notifications back the settings page and unsubscribe links; nil:
	// neither exists.
	Notifications *notify.Service
	Exports       exportpages.Options // the PDF and JSON Resume; nil Import: off
	Cards         *socialcard.Service // social cards (og:image); nil: posters
	// SitemapURLs is the most URLs a sitemap file lists; 0: the protocol's
	// 50,000. Tests set a few to see the split.
	SitemapURLs int
	// Overload (see internal/shed): the deadline of a page request (0:
	// none), and the slots of page renders (cache misses) and of explore
	// searches (nil: unlimited).
	RequestTimeout            time.Duration
	RenderLimit, ExploreLimit *shed.Limiter
	// ReplicaSettle is how long after a change a read replica may still
	// show the old data (0: no replicas); pages are not cached within it.
	ReplicaSettle time.Duration
	// Appearance backs the portfolios' own stylesheets and the appearance
	// page; nil: neither (pages still follow the look read with the owner).
	Appearance appearance.Store
	// Languages keeps the accounts' language choices (the dashboard's,
	// the public pages'); nil: every page follows the browser, public
	// pages are in English.
	Languages sitelang.Store
}

// Site is Folio's server-rendered surface: the public pages, the
// dashboard's pages, the sitemap, static assets and renditions.
type Site struct {
	opts     Options
	log      *slog.Logger
	pages    web.Templates
	memo     *memo.Memo
	links    *memo.Links
	sitemaps *sitemap.Sitemaps
	authn    *request.Authenticator
	exports  *exportpages.Pages     // nil: not mounted
	looks    *appearancepages.Pages // nil: not mounted

	beacons       *ratelimit.IPWindow
	beaconTargets beaconTargets

	cspStrict, cspInlineStyles string
	markdownRenders            atomic.Int64
}

// New builds the site; Routes mounts it.
func New(opts Options) *Site {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BaseURL == nil {
		opts.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	s := &Site{opts: opts, log: opts.Logger, pages: web.MustPages(), memo: memo.New(),
		authn:     &request.Authenticator{Auth: opts.Auth},
		beacons:   ratelimit.NewIPWindow(beaconLimit),
		cspStrict: request.CSP(opts.MediaOrigin, false), cspInlineStyles: request.CSP(opts.MediaOrigin, true),
	}
	if opts.ShareLinks != nil {
		s.links = &memo.Links{Active: opts.ShareLinks.ActiveShareLink}
	}
	s.sitemaps = sitemap.New(opts.Directory, opts.SitemapURLs, s.absolute)
	if e := opts.Exports; e.Import != nil {
		e.Logger, e.BaseURL, e.Users, e.Projects, e.NotFound = opts.Logger, opts.BaseURL, opts.Users, opts.Projects, s.renderNotFound
		s.exports = exportpages.New(e)
	}
	if opts.Appearance != nil {
		s.looks = appearancepages.New(appearancepages.Options{Store: opts.Appearance, Authn: s.authn,
			Preview: s.previewPortfolio, Changed: s.ForgetOwner, Redis: opts.PageCache})
	}
	// A form the owner posts to the site (a revoked share link, say)
	// changes their pages as an API call does.
	s.authn.Changed = s.ForgetOwner
	return s
}

// ForgetOwner drops an owner's cached pages and share links after a
// change made through this process, before the response is sent: the
// owner's next view (and a revoked link's) is fresh without waiting for
// the database's notification, which other processes act on (see
// InvalidatePages; a share link change sends none, so other processes
// see it within memo.TTL).
func (s *Site) ForgetOwner(userID int64) {
	s.forgetLocal(userID)
	if s.opts.PageCache == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.pageCache().Forget(ctx, userID); err != nil {
		s.log.Warn("page cache unavailable", "error", err)
	}
}

// MarkdownRenders is how many times the site has rendered Markdown, for
// tests that check a page renders its Markdown once.
func (s *Site) MarkdownRenders() int64 { return s.markdownRenders.Load() }

// renderMarkdown renders an owner's Markdown for a page.
func (s *Site) renderMarkdown(ctx context.Context, src string) (template.HTML, error) {
	s.markdownRenders.Add(1)
	return request.RenderMarkdown(ctx, src)
}
