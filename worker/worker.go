// Package worker runs Folio's background tasks: the asynq server, its
// handlers and the periodic scheduler.
package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/queue"
)

// Options configure the worker.
type Options struct {
	Redis       asynq.RedisConnOpt
	Logger      *slog.Logger
	Concurrency int
	// ShutdownTimeout is how long running tasks may go on after a stop
	// signal before asynq hands them back to the queue for another worker.
	ShutdownTimeout time.Duration
}

// Worker processes tasks until Shutdown.
type Worker struct {
	srv *asynq.Server
	mux *asynq.ServeMux
	log *slog.Logger
}

// New builds a worker; handlers are registered by the task-specific files.
func New(opts Options) *Worker {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
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
			log.ErrorContext(ctx, "task failed", "task_type", t.Type(), "task_id", id, "error", err)
		}),
	})
	return &Worker{srv: srv, mux: asynq.NewServeMux(), log: log}
}

// Start begins fetching and processing tasks in the background.
func (w *Worker) Start() error {
	return w.srv.Start(w.mux)
}

// Shutdown stops fetching, waits up to the shutdown timeout for running
// tasks, and returns unfinished ones to the queue.
func (w *Worker) Shutdown() {
	w.srv.Shutdown()
}

// slogAdapter lets asynq log through slog.
type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.log.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.log.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.log.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.log.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.log.Error(fmt.Sprint(args...)) }
