package api

import (
	"log/slog"
	"net/url"
	"time"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/api/adminapi"
	"github.com/foliohq/folio/internal/api/applications"
	"github.com/foliohq/folio/internal/api/exportapi"
	"github.com/foliohq/folio/internal/api/securityapi"
	"github.com/foliohq/folio/internal/api/ssoapi"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/apispec"
	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/idempotency"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/repoimport"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/upload"
)

// Options configure the API. Logger, BaseURL, Auth, Metrics, MediaOrigin,
// PublicWindow and Changed are shared with the rest of the HTTP server:
// server.New sets them from server.Options. Without Auth only the API's
// own documents are served (tests of health and errors).
type Options struct {
	Logger  *slog.Logger
	BaseURL *url.URL
	Metrics *metrics.Metrics // nil: no metrics
	// MediaOrigin is the object store's origin, which browsers PUT upload
	// parts to; the Content-Security-Policy must allow connecting to it.
	MediaOrigin string
	// PublicWindow limits the public routes per IP; nil: no limit.
	PublicWindow *ratelimit.IPWindow
	// Changed is called after a signed-in caller's request that may have
	// changed their content (see request.Authenticator).
	Changed func(userID int64)

	MaxBodyBytes int64
	// ReadTimeout bounds a whole request; BodyIdleTimeout cuts a request
	// body that sends nothing for this long (zero: body.DefaultIdleTimeout).
	ReadTimeout     time.Duration
	BodyIdleTimeout time.Duration

	Auth        *auth.Service
	Accounts    *account.Service // the account email flows; nil: off (404)
	MFA         *mfa.Service     // two-factor and passkeys; nil: off (404)
	SignUp      ssoapi.Handlers  // registration mode, SSO providers, invitations (Auth, limits: set by New)
	Users       folio.UserService
	Projects    folio.ProjectService
	Idempotency folio.IdempotencyService
	Limiter     *ratelimit.Limiter
	Limits      Limits

	// Media reads the caller's media; Uploads runs every workflow that
	// stores or deletes media, and holds the size limits and the gate on
	// streamed bodies that API docs sources count against too.
	Media   folio.MediaService
	Uploads *upload.Service
	// ProjectDeletes deletes a project with its stored files.
	ProjectDeletes *project.Service

	APIDocs      folio.APIDocsService
	DocsRequests *apidocs.Requester
	Demos        folio.DemoService
	DemoChecker  DemoChecker
	Analytics    folio.AnalyticsReader // nil: no /me/analytics
	Appearance   appearance.Store      // nil: /me/appearance answers 404
	JobSearch    applications.Services // applications, share links, the calendar feed
	// Notifications are the settings and webhooks; nil: their routes answer 404.
	Notifications *notify.Service
	RepoImports   *repoimport.Service // new projects from repositories; nil: 404
	// Security: the caller's sessions and audit log; Admin: the administrators' API.
	Security securityapi.Services
	Admin    adminapi.Services
	// Domains are the owner's custom domains; nil: their routes are 404s.
	Domains *customdomain.Service
	Exports exportapi.Services // the PDF and JSON Resume; nil ones answer 404
}

// API is Folio's JSON API under /api/v1, and the API's own OpenAPI
// document and Swagger UI under /api.
type API struct {
	opts   Options
	log    *slog.Logger
	spec   *apispec.Spec
	authn  *request.Authenticator
	intake body.Intake
	// idempotent replays the response of a repeated create.
	idempotent *idempotency.Middleware
	jobs       *applications.Handler

	cspInlineStyles string
}

// New builds the API; Routes mounts it.
func New(opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BaseURL == nil {
		opts.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = body.DefaultReadTimeout
	}
	if opts.BodyIdleTimeout == 0 {
		opts.BodyIdleTimeout = body.DefaultIdleTimeout
	}
	intake := body.Intake{MaxBytes: opts.MaxBodyBytes, ReadTimeout: opts.ReadTimeout, IdleTimeout: opts.BodyIdleTimeout}
	return &API{opts: opts, log: opts.Logger,
		authn:           &request.Authenticator{Auth: opts.Auth, Changed: opts.Changed},
		spec:            &apispec.Spec{BaseURL: opts.BaseURL},
		intake:          intake,
		idempotent:      &idempotency.Middleware{Records: opts.Idempotency, Intake: intake, Logger: opts.Logger},
		jobs:            applications.New(opts.JobSearch, opts.BaseURL, intake),
		cspInlineStyles: request.CSP(opts.MediaOrigin, true),
	}
}

// absolute is the URL of a path on this installation.
func (s *API) absolute(parts ...string) string { return s.opts.BaseURL.JoinPath(parts...).String() }
