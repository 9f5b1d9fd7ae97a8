// Package wire builds Folio's services on the open pools, in one place
// that `folio serve` and the HTTP tests share: a service added here is
// wired the same way in production and under test.
package wire

import (
	"log/slog"
	"net/url"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/accountdelete"
	"github.com/foliohq/folio/internal/admin"
	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/api/adminapi"
	"github.com/foliohq/folio/internal/api/applications"
	"github.com/foliohq/folio/internal/api/securityapi"
	"github.com/foliohq/folio/internal/api/ssoapi"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	jobfiles "github.com/foliohq/folio/internal/jobsearch"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/accountdeletion"
	"github.com/foliohq/folio/internal/postgres/accountstore"
	"github.com/foliohq/folio/internal/postgres/adminstore"
	"github.com/foliohq/folio/internal/postgres/appearancestore"
	"github.com/foliohq/folio/internal/postgres/archivestore"
	"github.com/foliohq/folio/internal/postgres/auditstore"
	"github.com/foliohq/folio/internal/postgres/cardstore"
	"github.com/foliohq/folio/internal/postgres/deletionstore"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/postgres/domainstore"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/postgres/langstore"
	"github.com/foliohq/folio/internal/postgres/mfastore"
	"github.com/foliohq/folio/internal/postgres/replicas"
	"github.com/foliohq/folio/internal/postgres/repoimportstore"
	"github.com/foliohq/folio/internal/postgres/sessionstore"
	"github.com/foliohq/folio/internal/postgres/ssostore"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/repoimport"
	"github.com/foliohq/folio/internal/resume"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/sessions"
	"github.com/foliohq/folio/internal/site"
	jobpages "github.com/foliohq/folio/internal/site/applications"
	"github.com/foliohq/folio/internal/site/pagecache"
	"github.com/foliohq/folio/internal/site/ssopages"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/sso"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
)

// Pools are the open connections the services run on.
type Pools struct {
	DB    *bun.DB
	Redis *redis.Client
	// Cache is the Redis of the page cache; nil: Redis.
	Cache   *redis.Client
	Store   *storage.Store   // nil: no media workflows (tests of accounts and pages)
	Queue   queue.Enqueuer   // nil: a client on Redis
	Logger  *slog.Logger     // nil: slog.Default()
	Metrics *metrics.Metrics // nil: none
	// Replicas may answer anonymous visitors' page reads; nil or empty:
	// every read goes to DB.
	Replicas *replicas.Set
}

// Settings are the few choices that differ between deployments and tests.
type Settings struct {
	BcryptCost                   int // 0: auth.DefaultBcryptCost
	MaxVideoBytes, MaxImageBytes int64
	MaxUploadsPerAccount         int // 0: upload.Service's default
	MaxUploads                   int // 0: upload.Service's default
	// Registration is the registration mode ("": invite.Open); Providers
	// are the single sign-on providers, in button order (none: no SSO).
	Registration invite.Mode
	Providers    []sso.Provider
}

// Domains is the custom domain workflow of the instance at ownHost,
// verifying through the DNS server at resolver ("": the system's).
func Domains(p Pools, ownHost, resolver string) *customdomain.Service {
	return &customdomain.Service{Store: domainstore.New(p.DB), Resolver: customdomain.NewResolver(resolver), OwnHost: ownHost}
}

// Purger is the removal of deleted rows' stored files, shared by the API's
// deletes and the worker's object handlers.
func Purger(p Pools) *purge.Purger {
	return &purge.Purger{Deletions: deletionstore.New(p.DB), Store: p.Store, Queue: queueOf(p), Logger: loggerOf(p)}
}

// AuditLog is the security audit log, which the HTTP services record to
// and the worker prunes.
func AuditLog(p Pools) *audit.Log {
	return &audit.Log{Store: auditstore.New(p.DB), Logger: loggerOf(p)}
}

// Uploads is the media intake the API and the seed share.
func Uploads(p Pools, s Settings) *upload.Service {
	return &upload.Service{
		Media: postgres.NewMediaService(p.DB), Projects: postgres.NewProjectService(p.DB),
		Store: p.Store, Queue: queueOf(p), Purger: Purger(p),
		MaxVideoBytes: s.MaxVideoBytes, MaxImageBytes: s.MaxImageBytes,
		MaxUploadsPerAccount: s.MaxUploadsPerAccount, MaxUploads: s.MaxUploads,
		Metrics: p.Metrics, Logger: loggerOf(p),
	}
}

// RepoImports is the repository import workflow. The API's and the
// site's side (Start, Import) needs only the pools; the worker's (Run)
// also git and its clone limits, and a store for the API descriptions it
// hands on.
func RepoImports(p Pools, git string, clone apidocs.CloneLimits) *repoimport.Service {
	svc := &repoimport.Service{Imports: repoimportstore.New(p.DB), Queue: queueOf(p), Projects: postgres.NewProjectService(p.DB),
		Git: git, Clone: clone, Logger: loggerOf(p)}
	if p.Redis != nil {
		svc.Limiter = ratelimit.New(p.Redis)
	}
	if p.Store != nil {
		svc.Docs = &apidocs.Requester{Docs: postgres.NewAPIDocsService(p.DB), Store: p.Store, Queue: queueOf(p)}
	}
	return svc
}

// HTTPOptions wires the API's and the site's services to p. The caller
// sets what belongs to its process: addresses, timeouts, health checks,
// the queue UI, the demo checker, analytics.
func HTTPOptions(p Pools, s Settings) server.Options {
	cost := s.BcryptCost
	if cost == 0 {
		cost = auth.DefaultBcryptCost
	}
	users := postgres.NewUserService(p.DB)
	projects := postgres.NewProjectService(p.DB)
	media := postgres.NewMediaService(p.DB)
	apiDocs := postgres.NewAPIDocsService(p.DB)
	demos := postgres.NewDemoService(p.DB)
	jobs := jobsearch.New(p.DB)
	looks := appearancestore.New(p.DB)
	authn := auth.New(users, postgres.NewCredentialService(p.DB), cost)
	auditLog := AuditLog(p)
	sessionStore := sessionstore.New(p.DB)
	authn.Audit, authn.Sessions = auditLog, sessionStore
	limiter := ratelimit.New(p.Redis)
	// A sign-up mails its verification link; the links' base URL is the
	// server's (server.New sets it).
	accounts := &account.Service{Users: users, Tokens: accountstore.New(p.DB), Auth: authn, Limiter: limiter}
	authn.Registered, authn.Taken = accounts.SendVerification, accounts.NoticeSignUpAttempt
	// Two factors: a login of an account with TOTP on waits for its
	// second step. The passkeys' relying party is the server's base URL
	// (server.New sets it); the sealing key is the caller's (MasterKey).
	twoFactor := &mfa.Service{Store: mfastore.New(p.DB), Users: users, Auth: authn, Audit: auditLog}
	authn.SecondFactor = twoFactor
	gate, signOn := signIn(p, s, users, authn)
	o := server.Options{
		Logger:   p.Logger,
		Metrics:  p.Metrics,
		Auth:     authn,
		Accounts: accounts,
		MFA:      twoFactor,
		SignIn:   ssopages.Options{SSO: signOn, Gate: gate, Limiter: limiter},
		API: api.Options{
			SignUp: ssoapi.Handlers{Gate: gate, SSO: signOn},
			Users:  users, Projects: projects,
			Idempotency:    postgres.NewIdempotencyService(p.DB),
			Limiter:        limiter,
			Media:          media,
			ProjectDeletes: &project.Service{Purger: Purger(p)},
			APIDocs:        apiDocs,
			Demos:          demos,
			Appearance:     looks,
			RepoImports:    RepoImports(p, "", apidocs.CloneLimits{}),
			JobSearch: applications.Services{Applications: jobs, ShareLinks: jobs, Calendar: jobs,
				Projects: projects},
			Security: securityapi.Services{Sessions: &sessions.Service{Store: sessionStore, Audit: auditLog}, Audit: auditLog},
			Admin:    adminapi.Services{Admin: &admin.Service{Store: adminstore.New(p.DB), Audit: auditLog}, Audit: auditLog},
		},
		Site: site.Options{
			Users: users, Projects: projects, ProjectPages: projects, Directory: directory.New(p.DB),
			Media: media, Store: p.Store, APIDocs: apiDocs, Demos: demos,
			PageCache:  pageCacheOf(p),
			ShareLinks: jobs,
			Appearance: looks,
			Languages:  &langstore.Store{DB: p.DB},
		},
		Applications: jobpages.Options{
			Applications: jobs, ShareLinks: jobs, Calendar: jobs, Projects: projects,
			Transfer: &jobfiles.Transfer{Applications: jobs, Projects: projects},
		},
	}
	if r := p.Replicas; r != nil && r.Len() > 0 {
		ReadReplicas(&o, r)
	}
	o.AccountData.Deletion = AccountDeletion(p, authn, limiter)
	importer := &resume.Importer{Users: users, Projects: projects}
	o.Site.Exports.Import, o.API.Exports.Import = importer, importer
	o.API.Admin.Admin.Deleter = o.AccountData.Deletion
	if p.Store != nil {
		// The server only finds and queues PDFs; the worker's service
		// (PortfolioPDF) renders them, with the public base URL.
		o.Site.Exports.PDF = PortfolioPDF(p, nil)
		o.API.Exports.PDF = o.Site.Exports.PDF
		o.Site.Cards = SocialCards(p, nil)
		uploads := Uploads(p, s)
		o.API.Uploads = uploads
		o.AccountData.Archives = Archives(p, "folio")
		o.API.DocsRequests = &apidocs.Requester{Docs: apiDocs, Store: p.Store, Queue: queueOf(p), Gate: uploads}
	}
	return o
}

// ReadReplicas lets r's replicas answer the site's reads for anonymous
// visitors. Only the site's: the API and the dashboard serve owners, who
// must see their own writes, and readpref keeps even the site's signed-in
// requests on the primary.
func ReadReplicas(o *server.Options, r *replicas.Set) {
	o.Site.Users, o.Site.Projects = replicas.NewUsers(o.Site.Users, r), replicas.NewProjects(o.Site.Projects, r)
	o.Site.ProjectPages = replicas.NewProjectPages(o.Site.ProjectPages, r)
	o.Site.Directory, o.Site.Media = replicas.NewDirectory(o.Site.Directory, r), replicas.NewMedia(o.Site.Media, r)
	o.Site.APIDocs, o.Site.Demos = replicas.NewAPIDocs(o.Site.APIDocs, r), replicas.NewDemos(o.Site.Demos, r)
	o.Site.ReplicaSettle = r.Settle()
}

// AccountDeletion is the deletion of whole accounts (internal/accountdelete),
// shared by the owner's own deletion and the administrators'. Without a
// store the folders are recorded in the ledger for a worker to remove.
func AccountDeletion(p Pools, authn *auth.Service, limiter *ratelimit.Limiter) *accountdelete.Service {
	d := &accountdelete.Service{Users: postgres.NewUserService(p.DB), Auth: authn, Rows: accountdeletion.New(p.DB),
		Limiter: limiter, Logger: loggerOf(p)}
	if p.Redis != nil {
		d.Queues, d.Pages = asynq.NewInspectorFromRedisClient(p.Redis), pagecache.Cache{R: pageCacheOf(p)}
	}
	if p.Store != nil {
		d.Purger = Purger(p)
	}
	return d
}

// Archives is the account archive workflow (internal/archive), shared by
// the API, the dashboard and the worker; nil without a store.
func Archives(p Pools, generator string) *archive.Service {
	if p.Store == nil {
		return nil
	}
	store := archivestore.New(p.DB)
	return &archive.Service{Jobs: store, Rows: store, Store: p.Store, Queue: queueOf(p), Purger: Purger(p),
		Generator: generator, Logger: loggerOf(p)}
}

// signIn is the registration mode and single sign-on; the invitation
// links' base URL is the server's (server.New sets it).
func signIn(p Pools, s Settings, users folio.UserService, authn *auth.Service) (*invite.Service, *sso.Service) {
	mode := s.Registration
	if mode == "" {
		mode = invite.Open
	}
	store := ssostore.New(p.DB)
	gate := &invite.Service{Mode: mode, Store: store, Auth: authn, Users: users, Audit: authn.Audit}
	signOn := &sso.Service{Providers: s.Providers, Store: store, Users: users, Gate: gate, Audit: authn.Audit}
	authn.PasswordLogin = gate.RefusePassword(signOn.HasIdentity)
	return gate, signOn
}

// PortfolioPDF is the PDF portfolio workflow: the server finds and
// queues PDFs, the worker builds them with base, the public URL their
// links and QR codes point at.
func PortfolioPDF(p Pools, base *url.URL) *portfoliopdf.Service {
	return &portfoliopdf.Service{Users: postgres.NewUserService(p.DB), Projects: postgres.NewProjectService(p.DB),
		Store: p.Store, Queue: queueOf(p), BaseURL: base, Logger: loggerOf(p)}
}

// SocialCards is the social card workflow: the server finds and queues
// cards, the worker renders them with base, the public URL their footers
// name, and drops the owner's cached pages once they exist.
func SocialCards(p Pools, base *url.URL) *socialcard.Service {
	s := &socialcard.Service{Users: postgres.NewUserService(p.DB), Projects: postgres.NewProjectService(p.DB),
		Media: postgres.NewMediaService(p.DB), Store: p.Store, Queue: queueOf(p), BaseURL: base, Logger: loggerOf(p),
		Marks: cardstore.Store{DB: p.DB}}
	if p.Redis != nil {
		s.Pages = pagecache.Cache{R: pageCacheOf(p)}
	}
	return s
}

// pageCacheOf is the Redis that holds the page cache.
func pageCacheOf(p Pools) *redis.Client {
	if p.Cache != nil {
		return p.Cache
	}
	return p.Redis
}

func queueOf(p Pools) queue.Enqueuer {
	if p.Queue != nil {
		return p.Queue
	}
	return asynq.NewClientFromRedisClient(p.Redis)
}

func loggerOf(p Pools) *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}
