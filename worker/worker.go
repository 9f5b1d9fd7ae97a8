// Package worker runs Folio's background tasks: the asynq server, its
// handlers and the periodic scheduler.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// Options configure the worker.
type Options struct {
	Redis       asynq.RedisConnOpt
	Logger      *slog.Logger
	Concurrency int
	// ShutdownTimeout is how long running tasks may go on after a stop
	// signal before asynq hands them back to the queue for another worker.
	ShutdownTimeout time.Duration
	Media           *MediaHandlers
	Demo            *DemoHandlers      // nil: no demo checks
	APIDocs         *APIDocsHandlers   // nil: no API docs generation
	Objects         *ObjectHandlers    // nil: stored objects of deleted rows stay
	Analytics       *AnalyticsHandlers // nil: analytics tables are not maintained
	Notify          *NotifyHandlers    // nil: the notification outbox is not delivered
	Archive         *ArchiveHandlers   // nil: no account archives
	Audit           *AuditHandlers     // nil: the audit log is not pruned
	Exports         *ExportHandlers    // nil: PDF portfolios are not built
	// DemoConcurrency is how many demo checks run at once. Checks wait on
	// the network, so they get a pool of their own, apart from ffmpeg.
	DemoConcurrency int
	Metrics         *metrics.Metrics  // nil: none
	Errors          *errtrack.Tracker // nil: failures are only logged
	// RepoImport makes draft projects from repositories; nil: imports
	// stay queued.
	RepoImport *RepoImportHandlers
}

// Worker processes tasks and runs the periodic scheduler until Shutdown.
type Worker struct {
	srv       *asynq.Server
	demoSrv   *asynq.Server // nil without demo checks
	demoMux   *asynq.ServeMux
	exportSrv *asynq.Server // nil without exports
	exportMux *asynq.ServeMux
	mux       *asynq.ServeMux
	scheduler *asynq.Scheduler
	log       *slog.Logger
	metrics   *metrics.Metrics
}

// New builds a worker with every handler registered.
func New(opts Options) (*Worker, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 2
	}
	log := opts.Logger.With("component", "worker")
	srv := asynq.NewServer(opts.Redis, asynq.Config{
		Concurrency:     opts.Concurrency,
		Queues:          map[string]int{queue.QueueCritical: 6, queue.QueueDefault: 3, queue.QueueLow: 1},
		ShutdownTimeout: opts.ShutdownTimeout,
		Logger:          slogAdapter{log},
		LogLevel:        asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			id, _ := asynq.GetTaskID(ctx)
			if opts.Metrics != nil {
				opts.Metrics.Tasks.WithLabelValues(t.Type(), "failed").Inc()
			}
			// Bad input is the owner's to fix, not an incident.
			if !errors.Is(err, asynq.SkipRetry) {
				opts.Errors.Capture(err, map[string]string{"task_type": t.Type(), "task_id": id, "request_id": payloadRequestID(t)})
			}
		}),
	})
	w := &Worker{srv: srv, mux: asynq.NewServeMux(), log: log, metrics: opts.Metrics}
	w.mux.Use(w.logTasks)
	if opts.Media != nil {
		w.mux.HandleFunc(queue.TypeMediaProcess, opts.Media.HandleMediaProcess)
		w.mux.HandleFunc(queue.TypeMediaDelete, opts.Media.HandleMediaDelete)
		w.mux.HandleFunc(queue.TypeUploadsCleanup, opts.Media.HandleUploadsCleanup)
	}
	w.scheduler = asynq.NewScheduler(opts.Redis, &asynq.SchedulerOpts{Logger: slogAdapter{log}, LogLevel: asynq.WarnLevel,
		// asynq drops a scheduler's enqueue error without a word. Every
		// periodic task is Unique, so that replicas' schedulers queue each
		// run once: a collision is that, counted; anything else is a run
		// that will not happen, logged. (The deprecated hook is the one
		// that names the task.)
		EnqueueErrorHandler: func(t *asynq.Task, _ []asynq.Option, err error) {
			if errors.Is(err, asynq.ErrDuplicateTask) || errors.Is(err, asynq.ErrTaskIDConflict) {
				log.Debug("scheduled task already queued", "task_type", t.Type())
				opts.Metrics.TaskAlreadyQueued(t.Type())
				return
			}
			log.Error("scheduled task not queued", "task_type", t.Type(), "error", err)
		},
	})
	if _, err := w.scheduler.Register("@every 5m", queue.NewUploadsCleanupTask()); err != nil {
		return nil, fmt.Errorf("schedule uploads cleanup: %w", err)
	}
	if opts.Objects != nil {
		w.mux.HandleFunc(queue.TypeObjectsDelete, opts.Objects.HandleObjectsDelete)
		w.mux.HandleFunc(queue.TypeObjectsReconcile, opts.Objects.HandleObjectsReconcile)
		if _, err := w.scheduler.Register("@every 5m", queue.NewObjectsReconcileTask()); err != nil {
			return nil, fmt.Errorf("schedule object reconcile: %w", err)
		}
	}
	if a := opts.Archive; a != nil {
		w.mux.HandleFunc(queue.TypeArchiveExport, a.HandleArchiveExport)
		w.mux.HandleFunc(queue.TypeArchiveImport, a.HandleArchiveImport)
		w.mux.HandleFunc(queue.TypeArchivePrune, a.HandleArchivePrune)
		if _, err := w.scheduler.Register("@every 1h", queue.NewArchivePruneTask()); err != nil {
			return nil, fmt.Errorf("schedule archive pruning: %w", err)
		}
	}
	if opts.APIDocs != nil {
		w.mux.HandleFunc(queue.TypeAPIDocsGenerate, opts.APIDocs.HandleAPIDocsGenerate)
	}
	if opts.RepoImport != nil {
		w.mux.HandleFunc(queue.TypeRepoImport, opts.RepoImport.HandleRepoImport)
	}
	if opts.Exports != nil {
		// A person waits for these: a pool of their own, never behind
		// ffmpeg's long jobs.
		w.exportSrv = asynq.NewServer(opts.Redis, asynq.Config{
			Concurrency: 2, Queues: map[string]int{queue.QueueExports: 1},
			ShutdownTimeout: opts.ShutdownTimeout, Logger: slogAdapter{log}, LogLevel: asynq.WarnLevel,
		})
		w.exportMux = asynq.NewServeMux()
		w.exportMux.Use(w.logTasks)
		w.exportMux.HandleFunc(queue.TypePortfolioPDF, opts.Exports.HandlePortfolioPDF)
		if opts.Exports.Cards != nil {
			w.exportMux.HandleFunc(queue.TypeSocialCards, opts.Exports.HandleSocialCards)
		}
	}
	if opts.Analytics != nil {
		w.mux.HandleFunc(queue.TypeAnalyticsMaintain, opts.Analytics.HandleAnalyticsMaintain)
		if _, err := w.scheduler.Register("@every 1h", queue.NewAnalyticsMaintainTask()); err != nil {
			return nil, fmt.Errorf("schedule analytics maintenance: %w", err)
		}
	}
	if opts.Audit != nil {
		w.mux.HandleFunc(queue.TypeAuditPrune, opts.Audit.HandleAuditPrune)
		if _, err := w.scheduler.Register("45 3 * * *", queue.NewAuditPruneTask()); err != nil {
			return nil, fmt.Errorf("schedule audit log pruning: %w", err)
		}
	}
	if n := opts.Notify; n != nil {
		w.mux.HandleFunc(queue.TypeNotifyDeliver, n.HandleNotifyDeliver)
		if _, err := w.scheduler.Register(fmt.Sprintf("@every %s", queue.NotifyDeliverEvery), queue.NewNotifyDeliverTask()); err != nil {
			return nil, fmt.Errorf("schedule notification delivery: %w", err)
		}
		w.mux.HandleFunc(queue.TypeNotifyPrune, n.HandleNotifyPrune)
		if _, err := w.scheduler.Register("30 3 * * *", queue.NewNotifyPruneTask()); err != nil {
			return nil, fmt.Errorf("schedule notification pruning: %w", err)
		}
		if n.Digest != nil {
			w.mux.HandleFunc(queue.TypeNotifyDigest, n.HandleNotifyDigest)
			// Mondays 08:00 UTC, about the week that just ended.
			if _, err := w.scheduler.Register("0 8 * * 1", queue.NewNotifyDigestTask()); err != nil {
				return nil, fmt.Errorf("schedule weekly digest: %w", err)
			}
		}
		if n.FollowUps != nil {
			w.mux.HandleFunc(queue.TypeNotifyFollowUps, n.HandleNotifyFollowUps)
			if _, err := w.scheduler.Register("0 7 * * *", queue.NewNotifyFollowUpsTask()); err != nil {
				return nil, fmt.Errorf("schedule follow-ups: %w", err)
			}
		}
	}
	if d := opts.Demo; d != nil {
		if opts.DemoConcurrency <= 0 {
			opts.DemoConcurrency = 20
		}
		w.demoSrv = asynq.NewServer(opts.Redis, asynq.Config{
			Concurrency: opts.DemoConcurrency,
			Queues:      map[string]int{queue.QueueDemo: 1},
			// Checks are delayed to their phase in the interval; look for
			// due ones every second so that the phase holds.
			DelayedTaskCheckInterval: time.Second,
			ShutdownTimeout:          opts.ShutdownTimeout,
			Logger:                   slogAdapter{log},
			LogLevel:                 asynq.WarnLevel,
		})
		w.demoMux = asynq.NewServeMux()
		w.demoMux.Use(w.logTasks)
		w.demoMux.HandleFunc(queue.TypeDemoDispatch, d.HandleDemoDispatch)
		w.demoMux.HandleFunc(queue.TypeDemoCheck, d.HandleDemoCheck)
		w.mux.HandleFunc(queue.TypeDemoPrune, d.HandleDemoPrune)
		if _, err := w.scheduler.Register(fmt.Sprintf("@every %s", d.Interval), queue.NewDemoDispatchTask(d.Interval)); err != nil {
			return nil, fmt.Errorf("schedule demo checks: %w", err)
		}
		if _, err := w.scheduler.Register("@every 1h", queue.NewDemoPruneTask()); err != nil {
			return nil, fmt.Errorf("schedule demo pruning: %w", err)
		}
	}
	return w, nil
}

// Start begins fetching and processing tasks, and the scheduler.
func (w *Worker) Start() error {
	if err := w.srv.Start(w.mux); err != nil {
		return err
	}
	if w.exportSrv != nil {
		if err := w.exportSrv.Start(w.exportMux); err != nil {
			w.srv.Shutdown()
			return err
		}
	}
	if w.demoSrv != nil {
		if err := w.demoSrv.Start(w.demoMux); err != nil {
			w.srv.Shutdown()
			return err
		}
	}
	if err := w.scheduler.Start(); err != nil {
		w.Shutdown()
		return err
	}
	return nil
}

// Shutdown stops the scheduler and fetching, waits up to the shutdown
// timeout for running tasks, and returns unfinished ones to the queue.
func (w *Worker) Shutdown() {
	w.scheduler.Shutdown()
	if w.demoSrv != nil {
		w.demoSrv.Shutdown()
	}
	if w.exportSrv != nil {
		w.exportSrv.Shutdown()
	}
	w.srv.Shutdown()
}

type loggerKey struct{}

// logTasks logs one line per task and hands handlers a logger carrying the
// task's identity and the id of the request that queued it, so that one
// grep finds a request and everything it caused.
func (w *Worker) logTasks(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		id, _ := asynq.GetTaskID(ctx)
		log := w.log.With("task_type", t.Type(), "task_id", id)
		if rid := payloadRequestID(t); rid != "" {
			log = log.With("request_id", rid)
		}
		start := time.Now()
		err := next.ProcessTask(context.WithValue(ctx, loggerKey{}, log), t)
		level := slog.LevelInfo
		if err != nil && !errors.Is(err, asynq.SkipRetry) {
			level = slog.LevelWarn
		}
		log.Log(ctx, level, "task done", "seconds", time.Since(start).Seconds(), "error", errString(err))
		if err == nil && w.metrics != nil {
			w.metrics.Tasks.WithLabelValues(t.Type(), "processed").Inc()
		}
		return err
	})
}

// payloadRequestID reads the request_id every Folio payload may carry.
func payloadRequestID(t *asynq.Task) string {
	var p struct {
		RequestID string `json:"request_id"`
	}
	_ = json.Unmarshal(t.Payload(), &p)
	return p.RequestID
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func loggerFor(ctx context.Context, _ *asynq.Task) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }

// slogAdapter lets asynq log through slog.
type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.log.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.log.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.log.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.log.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.log.Error(fmt.Sprint(args...)) }
