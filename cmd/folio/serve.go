package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"time"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/demoapps"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/eventstore"
	"github.com/foliohq/folio/internal/postgres/listen"
	"github.com/foliohq/folio/internal/postgres/replicas"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/site"
	"github.com/foliohq/folio/internal/site/pagecache"
	"github.com/foliohq/folio/internal/wire"
	"github.com/foliohq/folio/worker"
)

func runServe(ctx context.Context, _ []string, _ io.Writer) error {
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	stopMetrics, err := a.serveMetrics(ctx)
	if err != nil {
		return err
	}
	defer stopMetrics()
	return a.serveHTTP(ctx)
}

func runWorker(ctx context.Context, _ []string, _ io.Writer) error {
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	stopMetrics, err := a.serveMetrics(ctx)
	if err != nil {
		return err
	}
	defer stopMetrics()
	w, err := a.newWorker()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.log.Info("worker started", "concurrency", a.cfg.WorkerConcurrency)
	<-ctx.Done()
	a.log.Info("worker stopping", "timeout", a.cfg.ShutdownTimeout)
	w.Shutdown()
	return nil
}

func runDev(ctx context.Context, _ []string, stdout io.Writer) error {
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.migrateUp(ctx); err != nil {
		return err
	}
	if err := a.store.EnsureBucket(ctx); err != nil {
		return err
	}
	stopMetrics, err := a.serveMetrics(ctx)
	if err != nil {
		return err
	}
	defer stopMetrics()
	w, err := a.newWorker()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Shutdown()
	apps, err := demoapps.Start(a.cfg.DevDemosAddr)
	if err != nil {
		return fmt.Errorf("demo apps on %s (set FOLIO_DEV_DEMOS_ADDR to move them): %w", a.cfg.DevDemosAddr, err)
	}
	defer apps.Close(context.WithoutCancel(ctx))
	// Check the demos now rather than one interval from now, so the badges
	// turn green within seconds of `make dev`; but once Folio answers, as
	// one of the demos is Folio itself, and a check before the listener
	// opens would show it down for a whole interval.
	go func() {
		waitListening(ctx, a.cfg.HTTPAddr, 30*time.Second)
		if err := queue.Enqueue(a.queue, queue.NewDemoDispatchNowTask(a.cfg.DemoCheckInterval)); err != nil {
			a.log.Warn("first demo check not queued", "error", err)
		}
	}()
	fmt.Fprintf(stdout, "Folio is running at %s (worker in-process, demo apps on http://%s; Ctrl-C to stop)\n", a.cfg.BaseURL, apps.Addr())
	return a.serveHTTP(ctx)
}

func (a *app) apiDocsHandlers() *worker.APIDocsHandlers {
	git, _ := exec.LookPath("git") // without git, repository sources fail with a reason
	clone := apidocs.DefaultCloneLimits
	clone.AllowPrivate = a.cfg.DemoAllowPrivate
	return &worker.APIDocsHandlers{
		Docs: postgres.NewAPIDocsService(a.db), Projects: postgres.NewProjectService(a.db), Store: a.store,
		Git: git, Clone: clone, Extract: apidocs.DefaultLimits,
	}
}

// repoImportHandlers run imports with the same git and clone limits as
// the API docs' repository sources.
func (a *app) repoImportHandlers() *worker.RepoImportHandlers {
	docs := a.apiDocsHandlers()
	return &worker.RepoImportHandlers{Imports: wire.RepoImports(a.pools(), docs.Git, docs.Clone)}
}

func (a *app) newWorker() (*worker.Worker, error) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, errors.New("ffmpeg is not on the PATH; install it (apt-get install ffmpeg) or run `make stack`, which does")
	}
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		return nil, errors.New("ffprobe is not on the PATH; it comes with ffmpeg")
	}
	notifyHandlers, err := a.notifyHandlers(context.Background())
	if err != nil {
		return nil, err
	}
	cards := wire.SocialCards(a.pools(), a.cfg.BaseURL)
	return worker.New(worker.Options{
		Notify:          notifyHandlers,
		Audit:           &worker.AuditHandlers{Log: wire.AuditLog(a.pools())},
		Analytics:       &worker.AnalyticsHandlers{Events: eventstore.New(a.db), Retention: a.cfg.AnalyticsRetention, Logger: a.log},
		Redis:           a.asynqRedis(),
		Logger:          a.log,
		Concurrency:     a.cfg.WorkerConcurrency,
		ShutdownTimeout: a.cfg.ShutdownTimeout,
		Metrics:         a.metrics,
		Errors:          a.errors,
		Demo: &worker.DemoHandlers{
			Demos: postgres.NewDemoService(a.db), Monitor: a.demoMonitor(), Queue: a.queue,
			Interval: a.cfg.DemoCheckInterval, Metrics: a.metrics,
		},
		APIDocs:         a.apiDocsHandlers(),
		RepoImport:      a.repoImportHandlers(),
		Objects:         &worker.ObjectHandlers{Purger: a.purger()},
		Archive:         &worker.ArchiveHandlers{Archives: wire.Archives(a.pools(), "folio "+version)},
		Exports:         &worker.ExportHandlers{PDF: wire.PortfolioPDF(a.pools(), a.cfg.BaseURL), Cards: cards},
		DemoConcurrency: a.cfg.DemoCheckConcurrency,
		Media: &worker.MediaHandlers{
			Metrics: a.metrics,
			Queue:   a.queue,
			Media:   postgres.NewMediaService(a.db),
			Store:   a.store,
			Cards:   cards,
			Processor: &media.Processor{
				FFmpeg: ffmpeg, FFprobe: ffprobe, Threads: a.cfg.FFmpegThreads,
				Timeout: a.cfg.FFmpegTimeout, MaxVideoSeconds: a.cfg.MaxVideoSeconds,
			},
		},
	})
}

// serveHTTP serves until ctx is cancelled (a signal), then stops accepting
// and drains in-flight requests for up to the shutdown timeout.
func (a *app) serveHTTP(ctx context.Context) error {
	if len(a.cfg.DatabaseReplicaURLs) > 0 {
		set, err := replicas.Open(ctx, a.db, replicas.Options{
			URLs:   a.cfg.DatabaseReplicaURLs,
			Pool:   postgres.Pool{MaxConns: a.cfg.DBMaxConns, StatementTimeout: a.cfg.DBStatementTimeout},
			MaxLag: a.cfg.DatabaseReplicaMaxLag, Logger: a.log,
		})
		if err != nil {
			return err
		}
		defer set.Close()
		go set.Run(ctx)
		a.replicas = set
		a.log.Info("read replicas", "count", set.Len(), "max_lag", a.cfg.DatabaseReplicaMaxLag)
	}
	opts := a.httpOptions()
	var recorder *analytics.Recorder
	if a.cfg.Analytics {
		events := eventstore.New(a.db)
		recorder = analytics.NewRecorder(analytics.RecorderOptions{
			Store: events, Salts: analytics.NewSalts(events, nil), Dedupe: analytics.NewRedisDeduper(a.redis),
			OwnHost: a.cfg.BaseURL.Host, Logger: a.log,
		})
		opts.Site.Analytics, opts.Site.AnalyticsReader, opts.API.Analytics = recorder, events, events
		// An application's timeline shows what was done through its share
		// links, from the same events.
		opts.API.JobSearch.ShareActivity, opts.Applications.Activity = events, events
	} else {
		a.log.Info("analytics are off (FOLIO_ANALYTICS=false): public page visits are not counted")
	}
	srv := server.New(opts)
	// Every change to an owner's pages, by any process, drops them from
	// the page cache (see site.PagesChannel).
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	go listen.Run(listenCtx, a.cfg.DatabaseURL, site.PagesChannel, a.log, func(payload string) {
		if err := srv.Site().HandlePagesNotice(listenCtx, payload); err != nil {
			a.log.Warn("page cache invalidation failed", "error", err)
		}
	}, func(reconnected bool) {
		// Changes made while the connection was down went unheard: pages
		// are cached for minutes, so drop them all rather than wait.
		if reconnected && opts.Site.PageCache != nil {
			if err := (pagecache.Cache{R: opts.Site.PageCache}).DropAll(listenCtx); err != nil {
				a.log.Warn("page cache not dropped after the notifications were interrupted", "error", err)
			}
		}
	})
	errc := make(chan error, 3)
	go func() { errc <- srv.Listen(a.cfg.HTTPAddr) }()
	stopTLS, err := a.serveTLS(srv, errc)
	if err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	defer stopTLS()
	// Warmed beside serving, not before: the port opens at once, and
	// /readyz says not ready until the pool is warm (under a second), so
	// a load balancer sends no traffic to a cold process.
	a.warming.Store(true)
	go func() {
		defer a.warming.Store(false)
		if err := postgres.Warm(listenCtx, a.db, a.cfg.DBMaxConns); err != nil {
			a.log.Warn("database pool not warmed", "error", err)
		}
	}()
	a.log.Info("http server listening", "addr", a.cfg.HTTPAddr, "base_url", a.cfg.BaseURL.String())
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("http server stopping", "timeout", a.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	// The last second of page views is still in memory: write it.
	if recorder != nil {
		if err := recorder.Close(shutdownCtx); err != nil {
			a.log.Warn("analytics events lost at shutdown", "error", err)
		}
	}
	return <-errc
}

func eventstoreReader(a *app) *eventstore.Store { return eventstore.New(a.db) }

// waitListening returns once addr accepts connections, ctx is done or
// within has passed.
func waitListening(ctx context.Context, addr string, within time.Duration) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
