// Command analytics measures the analytics at the sizes the product
// promises: dashboard reports over 10 million events (1,000 portfolios, 90
// days), and sustained ingestion through the recorder. It works in a
// database of its own, dropped at the end. Run it with `make bench-analytics`.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/bench/scratch"
	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/eventstore"
)

func main() {
	events := flag.Int("events", 10_000_000, "raw events to generate")
	owners := flag.Int("owners", 1000, "portfolios")
	days := flag.Int("days", 90, "days the events span")
	queries := flag.Int("queries", 200, "reports per period")
	rate := flag.Int("rate", 5000, "events per second to ingest")
	seconds := flag.Int("seconds", 30, "how long to ingest")
	flag.Parse()
	if err := run(*events, *owners, *days, *queries, *rate, *seconds); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(events, owners, days, queries, rate, seconds int) error {
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	db, cleanup, err := scratch.Database(ctx, cfg.DatabaseURL, "analytics")
	if err != nil {
		return err
	}
	defer cleanup()
	store := eventstore.New(db)

	start := time.Now()
	if err := generate(ctx, db, store, events, owners, days); err != nil {
		return err
	}
	fmt.Printf("generated %d events over %d portfolios and %d days, rolled up, in %s\n", events, owners, days, time.Since(start).Round(time.Second))

	fmt.Println("| report | p50 | p99 | max |")
	fmt.Println("| --- | --- | --- | --- |")
	for _, period := range []int{7, 30, 90} {
		var took []time.Duration
		for i := 0; i < queries; i++ {
			owner := int64(1 + mrand.IntN(owners))
			now := time.Now().UTC()
			today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
			r := folio.AnalyticsRange{From: today.AddDate(0, 0, 1-period), To: today.AddDate(0, 0, 1), Granularity: folio.ByDay}
			t0 := time.Now()
			if _, err := store.Report(ctx, owner, r); err != nil {
				return err
			}
			took = append(took, time.Since(t0))
		}
		slices.Sort(took)
		fmt.Printf("| last %d days | %s | %s | %s |\n", period, pct(took, 50), pct(took, 99), took[len(took)-1].Round(time.Microsecond))
	}
	return ingest(ctx, cfg, store, owners, rate, seconds)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(i, 0)].Round(time.Microsecond)
}

// generate makes owners with five projects each and events spread over
// days with SQL (no round trip per row), then rolls every past day up as
// the worker would.
func generate(ctx context.Context, db *bun.DB, store *eventstore.Store, events, owners, days int) error {
	now := time.Now().UTC()
	if err := store.EnsurePartitions(ctx, now.AddDate(0, 0, -days), days/28+2); err != nil {
		return err
	}
	steps := []string{
		fmt.Sprintf(`INSERT INTO users (email, password_hash, handle, display_name)
			SELECT 'bench' || i || '@example.com', '-', 'bench' || i, 'Bench ' || i FROM generate_series(1, %d) i`, owners),
		`INSERT INTO projects (owner_id, title, slug, visibility)
			SELECT u.id, 'Project ' || p, 'project-' || p, 'public' FROM users u, generate_series(1, 5) p`,
		fmt.Sprintf(`INSERT INTO analytics_events (occurred_at, owner_id, project_id, kind, visitor_id, referrer, device, progress)
			SELECT now() - (random() * interval '%d days'),
			       o, CASE WHEN k < 0.5 THEN NULL ELSE (o - 1) * 5 + 1 + (i %% 5) END,
			       CASE WHEN k < 0.75 THEN 'view' WHEN k < 0.9 THEN 'play' WHEN k < 0.97 THEN 'demo_click' ELSE 'code_click' END,
			       (random() * 1e12)::bigint, (ARRAY['', 'linkedin.com', 'github.com', 'news.ycombinator.com'])[1 + (i %% 4)],
			       (ARRAY['desktop', 'mobile', 'tablet'])[1 + (i %% 3)],
			       CASE WHEN k >= 0.75 AND k < 0.9 THEN (ARRAY[0, 25, 50, 75, 100])[1 + (i %% 5)] ELSE 0 END
			FROM (SELECT i, 1 + (i %% %d) AS o, random() AS k FROM generate_series(1, %d) i) g`, days, owners, events),
		`ANALYZE analytics_events`,
	}
	for _, q := range steps {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%.60s…: %w", q, err)
		}
	}
	for d := days; d >= 1; d-- {
		if err := store.RollUp(ctx, now.AddDate(0, 0, -d)); err != nil {
			return err
		}
	}
	_, err := db.ExecContext(ctx, "ANALYZE analytics_daily")
	return err
}

// ingest tracks rate hits a second through a real recorder (salts in
// PostgreSQL, view dedupe in Redis) and reports what was written and the
// heap at the start and the end.
func ingest(ctx context.Context, cfg config.Config, store *eventstore.Store, owners, rate, seconds int) error {
	ropts, err := cfg.RedisOptions()
	if err != nil {
		return err
	}
	rdb := redis.NewClient(ropts)
	defer rdb.Close()
	rec := analytics.NewRecorder(analytics.RecorderOptions{Store: store, Salts: analytics.NewSalts(store, nil),
		Dedupe: analytics.NewRedisDeduper(rdb), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	var sent int
	var mid uint64
	for time.Since(start) < time.Duration(seconds)*time.Second {
		<-tick.C
		// Open loop: catch up to the schedule whatever a tick's delay.
		due := int(time.Since(start).Seconds() * float64(rate))
		for sent < due {
			sent++
			rec.Track(analytics.Hit{OwnerID: int64(1 + sent%owners), Kind: folio.EventView,
				IP: fmt.Sprintf("198.51.%d.%d", sent/250%250, sent%250), UserAgent: ua, Referer: "https://www.linkedin.com/"})
		}
		if mid == 0 && time.Since(start) > time.Duration(seconds)*time.Second/2 {
			mid = heap()
		}
	}
	elapsed := time.Since(start)
	if err := rec.Close(ctx); err != nil {
		return err
	}
	st := rec.Stats()
	after := heap()
	fmt.Printf("ingestion: %d hits in %s (%.0f/s): %d written, %d dropped, %d failed; heap in use %.1f MiB at start, %.1f MiB halfway, %.1f MiB at the end\n",
		sent, elapsed.Round(time.Millisecond), float64(sent)/elapsed.Seconds(), st.Written, st.Dropped, st.Failed,
		float64(before)/(1<<20), float64(mid)/(1<<20), float64(after)/(1<<20))
	return nil
}
