package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/site"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
	"github.com/foliohq/folio/migrations"
)

// app holds the configuration and the open connections every long-running
// subcommand shares. openApp validates the whole configuration before it
// opens anything.
type app struct {
	cfg     config.Config
	log     *slog.Logger
	db      *bun.DB
	redis   *redis.Client
	store   *storage.Store
	queue   *asynq.Client
	metrics *metrics.Metrics
	errors  *errtrack.Tracker
}

func loadConfig() (config.Config, error) {
	return config.Load(os.LookupEnv)
}

func newLogger(cfg config.Config) *slog.Logger {
	if cfg.IsDev() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, nil))
}

func openApp(ctx context.Context) (*app, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: newLogger(cfg), metrics: metrics.New()}
	slog.SetDefault(a.log)
	if a.errors, err = errtrack.New(cfg.SentryDSN, cfg.Env, version); err != nil {
		return nil, err
	}
	if a.db, err = postgres.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	a.metrics.WatchDB(a.db.DB)
	redisOpts, err := cfg.RedisOptions()
	if err != nil {
		a.Close()
		return nil, err
	}
	a.redis = redis.NewClient(redisOpts)
	a.queue = asynq.NewClientFromRedisClient(a.redis)
	a.store, err = storage.New(storage.Options{
		Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, UseSSL: cfg.S3UseSSL,
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close releases the pools in reverse order of opening.
func (a *app) Close() {
	a.errors.Flush(2 * time.Second)
	if a.redis != nil {
		a.redis.Close()
	}
	if a.db != nil {
		a.db.Close()
	}
}

func (a *app) checks() []health.Check {
	return []health.Check{
		{Name: "postgres", Ping: a.db.PingContext},
		{Name: "redis", Ping: func(ctx context.Context) error { return a.redis.Ping(ctx).Err() }},
		{Name: "minio", Ping: a.store.Ping},
	}
}

// httpOptions wires the HTTP server to this process's pools; the tests'
// servertest.Options wires the same fields to theirs.
func (a *app) httpOptions() server.Options {
	users := postgres.NewUserService(a.db)
	projects := postgres.NewProjectService(a.db)
	mediaSvc := postgres.NewMediaService(a.db)
	apiDocs := postgres.NewAPIDocsService(a.db)
	demos := postgres.NewDemoService(a.db)
	uploads := a.uploads()
	return server.Options{
		Logger:          a.log,
		BaseURL:         a.cfg.BaseURL,
		Version:         version,
		MaxBodyBytes:    a.cfg.MaxBodyBytes,
		ReadTimeout:     a.cfg.HTTPReadTimeout,
		WriteTimeout:    a.cfg.HTTPWriteTimeout,
		BodyIdleTimeout: a.cfg.HTTPBodyIdleTimeout,
		MediaOrigin:     a.mediaOrigin(),
		PublicLimit:     ratelimit.Limit{Rate: a.cfg.PublicRatePerMin, Period: time.Minute},

		Auth:    auth.New(users, postgres.NewCredentialService(a.db), auth.DefaultBcryptCost),
		Checks:  a.checks(),
		Metrics: a.metrics,
		Errors:  a.errors,
		QueueUI: asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: a.asynqRedis(), ReadOnly: true}),

		API: api.Options{
			Users:       users,
			Projects:    projects,
			Idempotency: postgres.NewIdempotencyService(a.db),
			Limiter:     ratelimit.New(a.redis),

			Media:          mediaSvc,
			Uploads:        uploads,
			ProjectDeletes: &project.Service{Purger: a.purger()},

			APIDocs:      apiDocs,
			DocsRequests: &apidocs.Requester{Docs: apiDocs, Store: a.store, Queue: a.queue, Gate: uploads},
			Demos:        demos,
			DemoChecker:  a.demoMonitor(),
		},
		Site: site.Options{
			Users:     users,
			Projects:  projects,
			Directory: projects,
			Media:     mediaSvc,
			Store:     a.store,
			APIDocs:   apiDocs,
			Demos:     demos,
			PageCache: a.redis,
		},
	}
}

// demoMonitor is the demo-check workflow the worker's scheduled checks
// and the API's "check now" share.
func (a *app) demoMonitor() *demo.Monitor {
	checker := demo.NewChecker(a.cfg.DemoCheckTimeout, a.cfg.DemoAllowPrivate)
	if a.cfg.IsDev() && !a.cfg.DemoAllowPrivate {
		// The demo portfolio's live demos run on this machine (see folio dev).
		checker = demo.NewDevChecker(a.cfg.DemoCheckTimeout)
	}
	return &demo.Monitor{
		Demos:    postgres.NewDemoService(a.db),
		Projects: postgres.NewProjectService(a.db),
		Checker:  checker,
		Metrics:  a.metrics,
		Logger:   a.log,
	}
}

// purger removes the stored objects of deleted rows, for the services
// that delete them and for the worker.
func (a *app) purger() *purge.Purger {
	return &purge.Purger{Deletions: postgres.NewObjectDeletionService(a.db), Store: a.store, Queue: a.queue, Logger: a.log}
}

// uploads is the media intake the API and the seed share.
func (a *app) uploads() *upload.Service {
	return &upload.Service{
		Media: postgres.NewMediaService(a.db), Projects: postgres.NewProjectService(a.db),
		Store: a.store, Queue: a.queue, Purger: a.purger(),
		MaxVideoBytes: a.cfg.MaxVideoBytes, MaxImageBytes: a.cfg.MaxImageBytes,
		MaxUploadsPerAccount: a.cfg.MaxUploadsPerAccount, MaxUploads: a.cfg.MaxUploads,
		Metrics: a.metrics, Logger: a.log,
	}
}

func (a *app) asynqRedis() asynq.RedisConnOpt {
	opts, _ := a.cfg.RedisOptions()
	return queue.RedisConnOpt(opts)
}

// mediaOrigin is where browsers send direct-upload parts.
func (a *app) mediaOrigin() string {
	scheme := "http"
	if a.cfg.S3UseSSL {
		scheme = "https"
	}
	return scheme + "://" + a.cfg.S3Endpoint
}

// serveMetrics serves /metrics on the metrics address until ctx ends.
func (a *app) serveMetrics(ctx context.Context) (func(), error) {
	inspector := asynq.NewInspector(a.asynqRedis())
	a.metrics.WatchQueues(inspector)
	srv, err := a.metrics.Listen(a.cfg.MetricsAddr)
	if err != nil {
		inspector.Close()
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	go func() {
		if err := srv.Serve(); err != nil {
			a.log.Error("metrics server", "error", err)
		}
	}()
	a.log.Info("metrics listening", "addr", srv.Addr())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		inspector.Close()
	}, nil
}

func (a *app) migrateUp(ctx context.Context) error {
	applied, err := postgres.Migrate(ctx, a.db, migrations.FS)
	for _, name := range applied {
		a.log.Info("migration applied", "migration", name)
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}
