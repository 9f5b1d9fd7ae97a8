// Package httpapi serves Folio over HTTP with Fiber: the JSON API, health
// endpoints and, through web/, the pages.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/storage"
)

// Options configure the HTTP server. The services may be nil in tests
// that exercise only health and errors.
type Options struct {
	Logger       *slog.Logger
	MaxBodyBytes int64
	Checks       []health.Check
	Version      string
	BaseURL      *url.URL

	Auth        *auth.Service
	Users       folio.UserService
	Projects    folio.ProjectService
	Idempotency folio.IdempotencyService
	Limiter     *ratelimit.Limiter
	Limits      Limits

	Media         folio.MediaService
	Store         *storage.Store
	Queue         queue.Enqueuer
	MaxVideoBytes int64
	MaxImageBytes int64
	// Streamed uploads in progress, per account and in all (zero: the
	// defaults); over either the upload is refused before it is read.
	MaxUploadsPerAccount int
	MaxUploads           int

	Directory   folio.Directory
	APIDocs     folio.APIDocsService
	PageCache   *redis.Client // nil: public pages are rendered every time
	Demos       folio.DemoService
	DemoChecker DemoChecker

	Metrics      *metrics.Metrics  // nil: no metrics
	Errors       *errtrack.Tracker // nil: errors are only logged
	QueueUI      http.Handler      // asynqmon, served to admins at /admin/queues
	PublicLimit  ratelimit.Limit   // per-IP limit on public pages; zero: none
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// BodyIdleTimeout cuts a request body that sends nothing for this long
	// (zero: DefaultBodyIdleTimeout).
	BodyIdleTimeout time.Duration
	// MediaOrigin is the object store's origin, which browsers PUT upload
	// parts to; the Content-Security-Policy must allow connecting to it.
	MediaOrigin string
}

// Limits are the rate limits of the endpoints that guess passwords or make
// accounts. Login counts every attempt per client IP, but per account only
// failures: per account and IP, and a slower ceiling per account from any
// IP that a browser which logged in to the account before still passes.
// So a stranger's wrong guesses cannot lock the owner out, and guessing
// stays slow however many addresses the guesser has.
type Limits struct {
	LoginPerIP ratelimit.Limit
	// LoginPerAccountIP limits failed logins to one account from one IP; it
	// also limits wrong current passwords in a password change, per user.
	LoginPerAccountIP  ratelimit.Limit
	LoginPerAccount    ratelimit.Limit
	RegisterPerIP      ratelimit.Limit
	RegisterPerAccount ratelimit.Limit
}

// DefaultLimits let a person retry a mistyped password many times but stop
// a script guessing: 10 guesses per quarter hour from one address, and at
// most 100 an hour (2,400 a day) at one account from all of them.
var DefaultLimits = Limits{
	LoginPerIP:         ratelimit.Limit{Rate: 30, Period: time.Minute},
	LoginPerAccountIP:  ratelimit.Limit{Rate: 10, Period: 15 * time.Minute},
	LoginPerAccount:    ratelimit.Limit{Rate: 100, Period: time.Hour},
	RegisterPerIP:      ratelimit.Limit{Rate: 10, Period: time.Hour},
	RegisterPerAccount: ratelimit.Limit{Rate: 5, Period: time.Hour},
}

// withDefaults fills each limit left zero from DefaultLimits.
func (l Limits) withDefaults() Limits {
	for _, f := range []struct {
		dst *ratelimit.Limit
		def ratelimit.Limit
	}{
		{&l.LoginPerIP, DefaultLimits.LoginPerIP},
		{&l.LoginPerAccountIP, DefaultLimits.LoginPerAccountIP},
		{&l.LoginPerAccount, DefaultLimits.LoginPerAccount},
		{&l.RegisterPerIP, DefaultLimits.RegisterPerIP},
		{&l.RegisterPerAccount, DefaultLimits.RegisterPerAccount},
	} {
		if f.dst.Rate == 0 {
			*f.dst = f.def
		}
	}
	return l
}

// Server is Folio's HTTP surface.
type Server struct {
	app   *fiber.App
	opts  Options
	log   *slog.Logger
	spec  openAPI
	pages map[string]*template.Template
	memo  *pageMemo

	uploads *uploadGate

	publicWindow    ipWindow
	cspStrict       string
	cspInlineStyles string
	markdownRenders atomic.Int64 // for tests: a page renders its Markdown once
}

// New builds the Fiber app and its routes.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BaseURL == nil {
		opts.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 10 * time.Minute
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 10 * time.Minute
	}
	if opts.BodyIdleTimeout == 0 {
		opts.BodyIdleTimeout = DefaultBodyIdleTimeout
	}
	if opts.MaxUploadsPerAccount == 0 {
		opts.MaxUploadsPerAccount = DefaultMaxUploadsPerAccount
	}
	if opts.MaxUploads == 0 {
		opts.MaxUploads = DefaultMaxUploads
	}
	s := &Server{opts: opts, log: opts.Logger, pages: loadTemplates(), memo: newPageMemo(),
		uploads: newUploadGate(opts.MaxUploadsPerAccount, opts.MaxUploads)}
	s.cspStrict, s.cspInlineStyles = s.buildCSP(false), s.buildCSP(true)
	s.app = fiber.New(fiber.Config{
		AppName:               "folio",
		DisableStartupMessage: true,
		ErrorHandler:          errorHandler(opts.Logger, opts.Errors),
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
	})
	s.app.Server().HeaderReceived = s.headerReceived
	// Order matters: the access log sits outside the panic recovery so that
	// a panicking request is still logged and counted, with its 500.
	s.app.Use(withRequestID)
	s.app.Use(s.securityHeaders)
	s.app.Use(s.accessLog)
	s.app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	s.app.Use(s.refuseDeclared)
	s.routes()
	return s
}

// App exposes the Fiber app, for tests (app.Test) and for mounting.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown is called.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown is called. Connections are tracked so
// that a request body cut short is told from a complete one.
func (s *Server) Serve(ln net.Listener) error {
	return s.app.Listener(trackingListener{ln})
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
	s.log.Error("panic serving request", "request_id", requestID(c), "method", requestMethod(c), "route", c.Route().Path,
		"panic", fmt.Sprint(e), "stack", string(debug.Stack()))
	s.opts.Errors.CapturePanic(e, map[string]string{"request_id": requestID(c), "route": c.Route().Path})
}

// validRequestID accepts the ids that proxies and clients usually send, and
// nothing that could forge a log line.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

const requestIDKey = "request_id"

// requestIDPrefix makes this process's request ids unique among replicas;
// a counter makes them unique within it, without a random read per request.
var (
	requestIDPrefix = func() string {
		var b [6]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}()
	requestCounter atomic.Uint64
)

// withRequestID keeps the client's X-Request-ID, or makes one. The id goes
// into task payloads and error reports that outlive the request, so it is
// a copy: c.Get points into a buffer fasthttp reuses for the next request.
func withRequestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if id == "" || !validRequestID.MatchString(id) {
		id = requestIDPrefix + strconv.FormatUint(requestCounter.Add(1), 36)
	} else {
		id = strings.Clone(id)
	}
	c.Locals(requestIDKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// requestMethod is the request's method as one of Fiber's constant strings, safe
// to keep: c.Method() points into fasthttp's request buffer, which the next
// request on the pooled context overwrites, so a metric label taken from it
// turns GET into GETCH and later breaks every scrape. Fiber refuses methods
// it does not know before any handler runs; "OTHER" is a safeguard.
func requestMethod(c *fiber.Ctx) string {
	m := c.Method()
	for _, known := range fiber.DefaultMethods {
		if m == known {
			return known
		}
	}
	return "OTHER"
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
	// request; the method must be made so (see requestMethod).
	route, method := c.Route().Path, requestMethod(c)
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("request_id", requestID(c)),
		slog.String("method", method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int("bytes", responseBytes(c)),
		slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
	)
	if id := identity(c); id != nil {
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
