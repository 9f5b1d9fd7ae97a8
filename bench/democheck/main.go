// Command democheck measures how many live demo checks one worker sustains
// against a local server that answers in 50 ms, at the default check
// concurrency, and the memory it holds while doing so. Run it with
// `make bench-demo`.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/migrations"
	"github.com/foliohq/folio/worker"
)

func main() {
	n := flag.Int("checks", 2000, "checks to run")
	latency := flag.Duration("latency", 50*time.Millisecond, "the demo server's answer time")
	flag.Parse()
	if err := run(*n, *latency); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n int, latency time.Duration) error {
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(latency)
		w.Write([]byte(strings.Repeat("<p>demo</p>", 200)))
	}))
	defer srv.Close()

	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		return err
	}
	stamp := time.Now().UnixNano()
	u := &folio.User{Email: fmt.Sprintf("bench-%d@example.com", stamp), PasswordHash: "-",
		Profile: folio.Profile{Handle: fmt.Sprintf("bench-%d", stamp%1e9), DisplayName: "Bench"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		return err
	}
	defer db.NewDelete().Table("users").Where("id = ?", u.ID).Exec(context.Background())
	projects := postgres.NewProjectService(db)
	ids := make([]int64, n)
	for i := range n {
		title, url, vis := fmt.Sprintf("P%d", i), fmt.Sprintf("%s/p%d", srv.URL, i), folio.VisibilityPublic
		p, err := projects.CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title, DemoURL: &url, Visibility: &vis})
		if err != nil {
			return err
		}
		ids[i] = p.ID
	}

	// A Redis database of the bench's own, emptied before and after.
	ro, err := cfg.RedisOptions()
	if err != nil {
		return err
	}
	ro.DB = 1023
	rdb := redis.NewClient(ro)
	defer rdb.Close()
	rdb.FlushDB(ctx)
	defer rdb.FlushDB(context.Background())
	redisOpt := queue.RedisConnOpt(ro)
	client := asynq.NewClient(redisOpt)
	defer client.Close()

	demos := postgres.NewDemoService(db)
	w, err := worker.New(worker.Options{
		Redis: redisOpt, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ShutdownTimeout: time.Second,
		Demo: &worker.DemoHandlers{Demos: demos, Queue: client, Interval: time.Hour,
			Monitor: &demo.Monitor{Demos: demos, Checker: demo.NewChecker(10*time.Second, true)}},
		// DemoConcurrency left at its default, as the issue asks.
	})
	if err != nil {
		return err
	}
	slot := time.Now().Truncate(time.Hour)
	for _, id := range ids {
		task, err := queue.NewDemoCheckTask(id, slot, 0, time.Hour)
		if err != nil {
			return err
		}
		if err := queue.Enqueue(client, task); err != nil {
			return err
		}
	}
	var peakHeap uint64
	start := time.Now()
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Shutdown()
	for {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peakHeap = max(peakHeap, ms.HeapInuse)
		var done int
		if err := db.NewSelect().Table("demo_checks").ColumnExpr("count(*)").
			Where("project_id IN (SELECT id FROM projects WHERE owner_id = ?)", u.ID).Scan(ctx, &done); err != nil {
			return err
		}
		if done >= n {
			break
		}
		if time.Since(start) > 10*time.Minute {
			return fmt.Errorf("only %d of %d checks in 10 minutes", done, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	fmt.Printf("%d checks against a %s server, default concurrency: %.1f s, %.0f checks/min, peak Go heap in use %.1f MiB\n",
		n, latency, elapsed.Seconds(), float64(n)/elapsed.Minutes(), float64(peakHeap)/(1<<20))
	return nil
}
