// Package server assembles Folio's HTTP server: the Fiber configuration
// (body limits checked when a request's header arrives, connections that
// tell a cut body from a complete one), the middleware every request
// passes (request id, access log and metrics, panic recovery, security
// headers), /healthz and /readyz, the admin queue UI, and the two surfaces
// it mounts: internal/api and internal/site.
package server

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/accountdelete"
	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/request/forwarded"
	"github.com/foliohq/folio/internal/site"
	"github.com/foliohq/folio/internal/site/adminpages"
	"github.com/foliohq/folio/internal/site/applications"
	"github.com/foliohq/folio/internal/site/archivepages"
	"github.com/foliohq/folio/internal/site/domainpages"
	"github.com/foliohq/folio/internal/site/hostroute"
	"github.com/foliohq/folio/internal/site/securitypages"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/site/ssopages"
)

// Options configure the HTTP server. The fields above API are shared:
// New copies them into API and Site. Without Auth the server answers
// only health, errors and the documents that need no database.
type Options struct {
	Logger       *slog.Logger
	BaseURL      *url.URL
	Version      string
	MaxBodyBytes int64
	ReadTimeout  time.Duration // zero: body.DefaultReadTimeout
	WriteTimeout time.Duration // zero: ten minutes
	// BodyIdleTimeout cuts a request body that sends nothing for this long
	// (zero: body.DefaultIdleTimeout).
	BodyIdleTimeout time.Duration
	// MediaOrigin is the object store's origin, which browsers PUT upload
	// parts to; the Content-Security-Policy must allow connecting to it.
	MediaOrigin string
	PublicLimit ratelimit.Limit // per-IP limit on public routes; zero: none

	Auth *auth.Service
	// Accounts runs the account email flows for the API and the site;
	// nil: off. Its BaseURL defaults to BaseURL.
	Accounts *account.Service
	// MFA runs two-factor authentication and passkeys for the API and the
	// security pages; nil: off. Its BaseURL defaults to BaseURL.
	MFA     *mfa.Service
	Checks  []health.Check
	Metrics *metrics.Metrics  // nil: no metrics
	Errors  *errtrack.Tracker // nil: errors are only logged
	QueueUI http.Handler      // asynqmon, served to admins at /admin/queues

	API  api.Options
	Site site.Options
	// SignIn is the log in and register pages, single sign-on's round
	// trip, connected accounts and invitations (Auth, BaseURL and Logger
	// are set by New).
	SignIn ssopages.Options
	// Applications are the dashboard's job-search pages; without
	// Applications.Applications they are not mounted.
	Applications applications.Options
	// AccountData is the owner's own data: archives and deletion, in the
	// API and the dashboard; without Deletion they are not mounted.
	AccountData AccountData
	// Domains are owners' custom domains: the API, the dashboard page, and
	// host routing, which answers a plain 404 for a Host that is neither
	// BaseURL's nor a verified domain. nil: off (every Host is served as
	// BaseURL's, as before custom domains).
	Domains *customdomain.Service
	// TrustedProxies are the addresses and CIDR ranges whose X-Forwarded-
	// For, -Proto and -Host are believed; none: nobody's.
	TrustedProxies []string
}

// AccountData are the services of the owner's own data.
type AccountData struct {
	Deletion *accountdelete.Service
	Archives *archive.Service // nil: no archives (no store)
}

// Server is Folio's HTTP server.
type Server struct {
	app  *fiber.App
	opts Options
	log  *slog.Logger
	api  *api.API
	site *site.Site
	jobs *applications.Pages // nil: not mounted
	// admin: the dashboard's sessions page and the admin pages; nil
	// without the audit log and sessions services.
	admin *adminpages.Pages
	// data serves archives and deletion; nil: not mounted.
	data *archivepages.Pages
	// security are the sign-in security pages; nil: not mounted.
	security *securitypages.Pages
	sign     *ssopages.Pages // nil: not mounted (no Auth)
	// hosts routes custom domains; domainPages is their dashboard page
	// (both nil: custom domains are off).
	hosts       *hostroute.Router
	domainPages *domainpages.Pages
	proxies     forwarded.Proxies

	authn                      *request.Authenticator
	cspStrict, cspInlineStyles string
}

// New builds the Fiber app with the API and the site mounted.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BaseURL == nil {
		opts.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = body.DefaultReadTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 10 * time.Minute
	}
	if opts.BodyIdleTimeout == 0 {
		opts.BodyIdleTimeout = body.DefaultIdleTimeout
	}
	// One count per IP across the API's and the site's public routes.
	window := ratelimit.NewIPWindow(opts.PublicLimit)

	if opts.Accounts != nil && opts.Accounts.BaseURL == nil {
		opts.Accounts.BaseURL = opts.BaseURL
	}
	if opts.MFA != nil && opts.MFA.BaseURL == nil {
		opts.MFA.BaseURL = opts.BaseURL
	}
	so := opts.Site
	so.Accounts = opts.Accounts
	so.Logger, so.BaseURL, so.Auth, so.MediaOrigin, so.PublicWindow = opts.Logger, opts.BaseURL, opts.Auth, opts.MediaOrigin, window
	so.Metrics = opts.Metrics
	st := site.New(so)

	ao := opts.API
	ao.Accounts, ao.MFA = opts.Accounts, opts.MFA
	ao.Logger, ao.BaseURL, ao.Auth, ao.MediaOrigin, ao.PublicWindow = opts.Logger, opts.BaseURL, opts.Auth, opts.MediaOrigin, window
	ao.Metrics, ao.MaxBodyBytes, ao.ReadTimeout, ao.BodyIdleTimeout = opts.Metrics, opts.MaxBodyBytes, opts.ReadTimeout, opts.BodyIdleTimeout
	// A change through the API makes this replica's memo of the owner's
	// pages stale.
	ao.Changed = st.ForgetOwner
	if adm := ao.Admin.Admin; adm != nil && adm.PagesChanged == nil {
		// A suspension takes the portfolio's cached pages down at once here;
		// other processes follow the database's notification.
		adm.PagesChanged = func(ctx context.Context, userID int64, handle string) {
			if err := st.InvalidatePages(ctx, userID, handle); err != nil {
				opts.Logger.Warn("page cache unavailable", "error", err)
			}
		}
	}

	ao.Domains = opts.Domains
	s := &Server{opts: opts, log: opts.Logger, api: api.New(ao), proxies: forwarded.Parse(opts.TrustedProxies), site: st, jobs: jobPages(opts, st.ForgetOwner), sign: signInPages(opts),
		authn:     &request.Authenticator{Auth: opts.Auth},
		cspStrict: request.CSP(opts.MediaOrigin, false), cspInlineStyles: request.CSP(opts.MediaOrigin, true),
	}
	if sec := ao.Security; opts.Auth != nil && sec.Sessions != nil && sec.Audit != nil {
		s.admin = adminpages.New(adminpages.Options{Auth: opts.Auth, Sessions: sec.Sessions, Audit: sec.Audit, Admin: ao.Admin.Admin})
	}
	fc := fiber.Config{
		AppName:               "folio",
		DisableStartupMessage: true,
		ErrorHandler:          api.ErrorHandler(opts.Logger, opts.Errors),
		BodyLimit:             int(opts.MaxBodyBytes),
		// Whole-request bounds: long enough for a large streamed upload or a
		// video download on a slow link, short enough to shed stuck clients.
		ReadTimeout:  opts.ReadTimeout,
		WriteTimeout: opts.WriteTimeout,
		IdleTimeout:  2 * time.Minute,
		// Uploads stream through to storage; the body is never buffered whole.
		StreamRequestBody: true,
		// Without this fasthttp reads a whole multipart body (to memory or
		// temp files) before any handler or limit runs.
		DisablePreParseMultipartForm: true,
	}
	forwarded.FiberConfig(&fc, opts.TrustedProxies)
	s.app = fiber.New(fc)
	if opts.AccountData.Deletion != nil && opts.Auth != nil {
		po := archivepages.Options{Logger: opts.Logger, Auth: opts.Auth,
			Deletion: opts.AccountData.Deletion, Archives: opts.AccountData.Archives,
			Intake: body.Intake{MaxBytes: opts.MaxBodyBytes, ReadTimeout: opts.ReadTimeout, IdleTimeout: opts.BodyIdleTimeout}}
		if opts.API.Uploads != nil {
			po.Gate = opts.API.Uploads
		}
		s.data = archivepages.New(po)
	}
	if opts.MFA != nil && opts.Auth != nil {
		s.security = securitypages.New(opts.MFA, opts.Auth, s.api.Reauthenticate)
	}
	s.app.Server().HeaderReceived = s.headerReceived
	// Order matters: the client's address is settled first; the access
	// log sits outside the panic recovery so that a panicking request is
	// still logged and counted, with its 500.
	s.app.Use(s.proxies.Normalize)
	s.app.Use(request.WithID)
	s.app.Use(request.WithUserAgent)
	s.app.Use(s.securityHeaders)
	s.app.Use(s.accessLog)
	s.app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	s.app.Use(s.refuseDeclared)
	s.mountDomains()
	s.app.Use(sitelang.With(opts.Site.Languages))
	s.routes()
	return s
}

// App exposes the Fiber app, for tests (app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Site is the mounted site, for tests that look at its counters.
func (s *Server) Site() *site.Site { return s.site }

// Listen serves on addr until Shutdown is called.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown is called; accept errors that pass
// (out of file descriptors) are retried. Connections are tracked so
// that a request body cut short is told from a complete one.
func (s *Server) Serve(ln net.Listener) error {
	return s.app.Listener(trackingListener{retryListener{Listener: ln, log: s.log}})
}

// ServeTLS serves HTTPS on ln with cfg (see acmetls) until Shutdown, beside
// Serve's plain listener.
func (s *Server) ServeTLS(ln net.Listener, cfg *tls.Config) error {
	return s.app.Listener(tls.NewListener(trackingListener{retryListener{Listener: ln, log: s.log}}, cfg))
}

// Shutdown stops accepting connections and waits for in-flight requests,
// at most until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return s.app.Shutdown()
	}
	return s.app.ShutdownWithTimeout(time.Until(deadline))
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic serving request", "request_id", request.ID(c), "method", request.Method(c), "route", c.Route().Path,
		"panic", fmt.Sprint(e), "stack", string(debug.Stack()))
	s.opts.Errors.CapturePanic(e, map[string]string{"request_id": request.ID(c), "route": c.Route().Path})
}

func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	if s.opts.Metrics != nil {
		s.opts.Metrics.HTTPInFlight.Inc()
		defer s.opts.Metrics.HTTPInFlight.Dec()
	}
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the logged
		// status is the one the client receives.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	// The route pattern, not the raw path: /api/v1/projects/:id is one
	// series and one log key however many projects there are. Patterns are
	// the strings the routes were registered with, so they outlive the
	// request; the method must be made so (see request.Method).
	route, method := c.Route().Path, request.Method(c)
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("request_id", request.ID(c)),
		slog.String("method", method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int("bytes", responseBytes(c)),
		slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
	)
	if id := request.Identity(c); id != nil {
		attrs = append(attrs, slog.Int64("user_id", id.User.ID))
	}
	s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", attrs...)
	if m := s.opts.Metrics; m != nil {
		m.HTTPRequests.WithLabelValues(route, method, metrics.CodeClass(status)).Inc()
		m.HTTPDuration.WithLabelValues(route, method).Observe(elapsed.Seconds())
	}
	return nil
}

// responseBytes is the body size without reading a streamed body (which
// would pull a whole video into memory).
func responseBytes(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}

// jobPages builds the job-search pages when their services are given.
func jobPages(opts Options, changed func(int64)) *applications.Pages {
	jo := opts.Applications
	if jo.Applications == nil || opts.Auth == nil {
		return nil
	}
	jo.Logger, jo.BaseURL, jo.Auth, jo.Changed = opts.Logger, opts.BaseURL, opts.Auth, changed
	return applications.New(jo)
}

// signInPages builds the sign-in pages when there is Auth.
func signInPages(opts Options) *ssopages.Pages {
	if opts.Auth == nil {
		return nil
	}
	so := opts.SignIn
	so.Auth, so.BaseURL, so.Logger = opts.Auth, opts.BaseURL, opts.Logger
	if so.Gate != nil && so.Gate.BaseURL == nil {
		so.Gate.BaseURL = opts.BaseURL
	}
	return ssopages.New(so)
}
