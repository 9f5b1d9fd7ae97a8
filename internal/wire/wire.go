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
	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/api/applications"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/auth"
	jobfiles "github.com/foliohq/folio/internal/jobsearch"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/accountstore"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/resume"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/site"
	jobpages "github.com/foliohq/folio/internal/site/applications"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
)

// Pools are the open connections the services run on.
type Pools struct {
	DB      *bun.DB
	Redis   *redis.Client
	Store   *storage.Store   // nil: no media workflows (tests of accounts and pages)
	Queue   queue.Enqueuer   // nil: a client on Redis
	Logger  *slog.Logger     // nil: slog.Default()
	Metrics *metrics.Metrics // nil: none
}

// Settings are the few choices that differ between deployments and tests.
type Settings struct {
	BcryptCost                   int // 0: auth.DefaultBcryptCost
	MaxVideoBytes, MaxImageBytes int64
	MaxUploadsPerAccount         int // 0: upload.Service's default
	MaxUploads                   int // 0: upload.Service's default
}

// Purger is the removal of deleted rows' stored files, shared by the API's
// deletes and the worker's object handlers.
func Purger(p Pools) *purge.Purger {
	return &purge.Purger{Deletions: postgres.NewObjectDeletionService(p.DB), Store: p.Store, Queue: queueOf(p), Logger: loggerOf(p)}
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
	authn := auth.New(users, postgres.NewCredentialService(p.DB), cost)
	limiter := ratelimit.New(p.Redis)
	// A sign-up mails its verification link; the links' base URL is the
	// server's (server.New sets it).
	accounts := &account.Service{Users: users, Tokens: accountstore.New(p.DB), Auth: authn, Limiter: limiter}
	authn.Registered, authn.Taken = accounts.SendVerification, accounts.NoticeSignUpAttempt
	o := server.Options{
		Logger:   p.Logger,
		Metrics:  p.Metrics,
		Auth:     authn,
		Accounts: accounts,
		API: api.Options{
			Users: users, Projects: projects,
			Idempotency:    postgres.NewIdempotencyService(p.DB),
			Limiter:        limiter,
			Media:          media,
			ProjectDeletes: &project.Service{Purger: Purger(p)},
			APIDocs:        apiDocs,
			Demos:          demos,
			JobSearch: applications.Services{Applications: jobs, ShareLinks: jobs, Calendar: jobs,
				Projects: projects},
		},
		Site: site.Options{
			Users: users, Projects: projects, Directory: directory.New(p.DB),
			Media: media, Store: p.Store, APIDocs: apiDocs, Demos: demos,
			PageCache:  p.Redis,
			ShareLinks: jobs,
		},
		Applications: jobpages.Options{
			Applications: jobs, ShareLinks: jobs, Calendar: jobs, Projects: projects,
			Transfer: &jobfiles.Transfer{Applications: jobs, Projects: projects},
		},
	}
	importer := &resume.Importer{Users: users, Projects: projects}
	o.Site.Exports.Import, o.API.Exports.Import = importer, importer
	if p.Store != nil {
		// The server only finds and queues PDFs; the worker's service
		// (PortfolioPDF) renders them, with the public base URL.
		o.Site.Exports.PDF = PortfolioPDF(p, nil)
		o.API.Exports.PDF = o.Site.Exports.PDF
		uploads := Uploads(p, s)
		o.API.Uploads = uploads
		o.API.DocsRequests = &apidocs.Requester{Docs: apiDocs, Store: p.Store, Queue: queueOf(p), Gate: uploads}
	}
	return o
}

// PortfolioPDF is the PDF portfolio workflow: the server finds and
// queues PDFs, the worker builds them with base, the public URL their
// links and QR codes point at.
func PortfolioPDF(p Pools, base *url.URL) *portfoliopdf.Service {
	return &portfoliopdf.Service{Users: postgres.NewUserService(p.DB), Projects: postgres.NewProjectService(p.DB),
		Store: p.Store, Queue: queueOf(p), BaseURL: base, Logger: loggerOf(p)}
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
