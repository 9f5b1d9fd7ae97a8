package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/httpapi"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/storage"
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
	store *storage.Store
	queue *asynq.Client
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
	a := &app{cfg: cfg, log: newLogger(cfg)}
	slog.SetDefault(a.log)
	if a.db, err = postgres.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
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

func (a *app) httpOptions() httpapi.Options {
	users := postgres.NewUserService(a.db)
	return httpapi.Options{
		Logger:       a.log,
		MaxBodyBytes: a.cfg.MaxBodyBytes,
		Checks:       a.checks(),
		Version:      version,
		BaseURL:      a.cfg.BaseURL,
		Auth:         auth.New(users, postgres.NewCredentialService(a.db), auth.DefaultBcryptCost),
		Users:        users,
		Projects:     postgres.NewProjectService(a.db),
		Idempotency:  postgres.NewIdempotencyService(a.db),
		Limiter:      ratelimit.New(a.redis),

		Media:         postgres.NewMediaService(a.db),
		Store:         a.store,
		Queue:         a.queue,
		MaxVideoBytes: a.cfg.MaxVideoBytes,
		MaxImageBytes: a.cfg.MaxImageBytes,
	}
}

func (a *app) migrateUp(ctx context.Context) error {
	m, err := postgres.NewMigrator(a.db, migrations.FS)
	if err != nil {
		return err
	}
	applied, err := m.Up(ctx)
	for _, name := range applied {
		a.log.Info("migration applied", "migration", name)
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}
