package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/replicas"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/shed"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
	"github.com/foliohq/folio/internal/wire"
	"github.com/foliohq/folio/migrations"
)

// app holds the configuration and the open connections every long-running
// subcommand shares. openApp validates the whole configuration before it
// opens anything.
type app struct {
	cfg   config.Config
	log   *slog.Logger
	db    *bun.DB
	redis *redis.Client
	// cache is FOLIO_CACHE_REDIS_URL's, for the page cache; nil: redis.
	cache   *redis.Client
	store   *storage.Store
	queue   *asynq.Client
	metrics *metrics.Metrics
	errors  *errtrack.Tracker
	// replicas answer anonymous page reads; opened by serveHTTP only.
	replicas *replicas.Set
	// deliverer is the notification outbox's, made by notifier.
	deliverer *notify.Deliverer
	// warming: serve is opening and preparing the pool's connections,
	// and says it is not ready until they are.
	warming atomic.Bool
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
	pool := postgres.Pool{MaxConns: cfg.DBMaxConns, StatementTimeout: cfg.DBStatementTimeout}
	if a.db, err = postgres.OpenPool(ctx, cfg.DatabaseURL, pool); err != nil {
		return nil, err
	}
	a.metrics.WatchDB(a.db.DB)
	if a.redis, err = openRedis(cfg.RedisURL); err != nil {
		a.Close()
		return nil, err
	}
	if cfg.CacheRedisURL != "" {
		if a.cache, err = openRedis(cfg.CacheRedisURL); err != nil {
			a.Close()
			return nil, err
		}
	}
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

// openRedis is a client of the Redis at u. With Sentinel it asks the
// sentinels for the master and follows it through a failover.
func openRedis(u string) (*redis.Client, error) {
	if failover, err := config.RedisFailoverOptions(u); err != nil {
		return nil, err
	} else if failover != nil {
		return redis.NewFailoverClient(failover), nil
	}
	opts, err := redis.ParseURL(u)
	if err != nil {
		return nil, err
	}
	return redis.NewClient(opts), nil
}

// Close releases the pools in reverse order of opening.
func (a *app) Close() {
	a.errors.Flush(2 * time.Second)
	if a.cache != nil {
		a.cache.Close()
	}
	if a.redis != nil {
		a.redis.Close()
	}
	if a.db != nil {
		a.db.Close()
	}
}

func (a *app) checks() []health.Check {
	return []health.Check{
		{Name: "postgres", Ping: func(ctx context.Context) error {
			if a.warming.Load() {
				return errors.New("the connection pool is warming up")
			}
			return a.db.PingContext(ctx)
		}},
		{Name: "redis", Ping: func(ctx context.Context) error { return a.redis.Ping(ctx).Err() }},
		{Name: "minio", Ping: a.store.Ping},
	}
}

// httpOptions wires the HTTP server to this process's pools, through the
// same wire.HTTPOptions the tests use, plus what belongs to a process.
func (a *app) httpOptions() server.Options {
	o := wire.HTTPOptions(a.pools(), a.settings())
	o.BaseURL, o.Version, o.MaxBodyBytes = a.cfg.BaseURL, version, a.cfg.MaxBodyBytes
	o.ReadTimeout, o.WriteTimeout, o.BodyIdleTimeout = a.cfg.HTTPReadTimeout, a.cfg.HTTPWriteTimeout, a.cfg.HTTPBodyIdleTimeout
	o.MediaOrigin = a.mediaOrigin()
	o.PublicLimit = ratelimit.Limit{Rate: a.cfg.PublicRatePerMin, Period: time.Minute}
	o.Checks, o.Errors = a.checks(), a.errors
	o.QueueUI = asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: a.asynqRedis(), ReadOnly: true})
	o.API.DemoChecker = a.demoMonitor()
	o.Domains = wire.Domains(a.pools(), a.cfg.BaseURL.Hostname(), a.cfg.DNSResolver)
	o.TrustedProxies = a.cfg.TrustedProxies
	o.MFA.MasterKey = a.cfg.SecretKey
	if d, err := a.notifier(context.Background()); err != nil {
		a.log.Error("notification settings unavailable", "error", err)
	} else {
		svc := &notify.Service{D: d, Limiter: o.API.Limiter}
		o.API.Notifications, o.Site.Notifications = svc, svc
	}
	o.Site.RequestTimeout = a.cfg.RequestTimeout
	o.Site.RenderLimit = shed.New(a.cfg.RenderConcurrency, a.cfg.ShedWait)
	o.Site.ExploreLimit = shed.New(a.cfg.ExploreConcurrency, a.cfg.ShedWait)
	return o
}

func (a *app) pools() wire.Pools {
	return wire.Pools{DB: a.db, Redis: a.redis, Cache: a.cache, Store: a.store, Queue: a.queue, Logger: a.log, Metrics: a.metrics, Replicas: a.replicas}
}

func (a *app) settings() wire.Settings {
	return wire.Settings{MaxVideoBytes: a.cfg.MaxVideoBytes, MaxImageBytes: a.cfg.MaxImageBytes,
		MaxUploadsPerAccount: a.cfg.MaxUploadsPerAccount, MaxUploads: a.cfg.MaxUploads,
		Registration: a.registration(), Providers: a.ssoProviders()}
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
func (a *app) purger() *purge.Purger { return wire.Purger(a.pools()) }

// uploads is the media intake the API and the seed share.
func (a *app) uploads() *upload.Service { return wire.Uploads(a.pools(), a.settings()) }

func (a *app) asynqRedis() asynq.RedisConnOpt {
	if failover, _ := a.cfg.RedisFailover(); failover != nil {
		return queue.FailoverConnOpt(failover)
	}
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
