package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/postgres/prepared"
)

// recorder keeps the SQL of the queries run while it is on.
type recorder struct {
	mu      sync.Mutex
	on      bool
	queries []string
}

func (r *recorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (r *recorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.queries = append(r.queries, e.Query)
	}
}

func (r *recorder) record(on bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = on
	q := r.queries
	r.queries = nil
	return q
}

type op struct {
	name string
	run  func(ctx context.Context) error
}

func measure(ctx context.Context, db *bun.DB, runs int) error {
	rec := &recorder{}
	prepared.AddQueryHook(db, rec)
	projects := postgres.NewProjectService(db)
	dir := directory.New(db)
	demos := postgres.NewDemoService(db)
	var handle string
	var demoProject int64
	if err := db.NewRaw("SELECT handle FROM users ORDER BY id DESC LIMIT 1 OFFSET 1").Scan(ctx, &handle); err != nil {
		return err
	}
	if err := db.NewRaw("SELECT id FROM projects WHERE demo_url <> '' ORDER BY id DESC LIMIT 1").Scan(ctx, &demoProject); err != nil {
		return err
	}
	// The end of the first sitemap file: the user id after 50,000 URLs.
	var fileEnd int64
	if err := db.NewRaw(`SELECT coalesce(min(user_id), 0) FROM (SELECT user_id, sum(public_projects + 1) OVER (ORDER BY user_id) AS n
		FROM explore_portfolios) s WHERE n > 49998`).Scan(ctx, &fileEnd); err != nil {
		return err
	}
	explore := func(text, tag string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, _, err := dir.Explore(ctx, text, tag, 0, 20)
			return err
		}
	}
	ops := []op{
		{"explore ?q= common word", explore(commonWord, "")},
		{"explore ?q= rare word", explore(rareWord, "")},
		{"explore ?q= absent word", explore(absentWord, "")},
		{"explore ?tag= common tag", explore("", commonTag)},
		{"explore ?tag= absent tag", explore("", absentTag)},
		{"explore ?q=&tag= text + tag", explore(commonWord, "rust")},
		{"explore ?q=&tag= rare + tag", explore(rareWord, commonTag)},
		{"explore, second page", func(ctx context.Context) error {
			_, next, err := dir.Explore(ctx, "", "", 0, 20)
			if err == nil {
				_, _, err = dir.Explore(ctx, "", "", next, 20)
			}
			return err
		}},
		{"sitemap index (counts)", func(ctx context.Context) error {
			_, err := dir.SitemapCounts(ctx)
			return err
		}},
		{"sitemap file (50k URLs)", func(ctx context.Context) error {
			_, err := dir.SitemapEntries(ctx, 0, fileEnd)
			return err
		}},
		{"portfolio (queries)", func(ctx context.Context) error {
			_, err := projects.Portfolio(ctx, handle)
			return err
		}},
		{"demo summary", func(ctx context.Context) error {
			_, err := demos.DemoSummary(ctx, demoProject, 20)
			return err
		}},
	}
	fmt.Printf("\n%-30s %9s %9s %8s %10s\n", "query", "p50 ms", "p99 ms", "queries", "blocks")
	for _, o := range ops {
		rec.record(true)
		if err := o.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
		queries := rec.record(false)
		blocks, err := explainBlocks(ctx, db, queries)
		if err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
		times := make([]time.Duration, runs)
		for i := range runs {
			start := time.Now()
			if err := o.run(ctx); err != nil {
				return fmt.Errorf("%s: %w", o.name, err)
			}
			times[i] = time.Since(start)
		}
		slices.Sort(times)
		fmt.Printf("%-30s %9.2f %9.2f %8d %10d\n", o.name, ms(times[len(times)/2]), ms(times[(len(times)*99)/100]), len(queries), blocks)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// explainBlocks is the shared buffers (hit and read) the SELECTs among
// queries touch, by EXPLAIN (ANALYZE, BUFFERS).
func explainBlocks(ctx context.Context, db *bun.DB, queries []string) (int64, error) {
	var total int64
	for _, q := range queries {
		if q = strings.TrimSpace(q); !strings.HasPrefix(q, "SELECT") && !strings.HasPrefix(q, "(SELECT") {
			continue
		}
		var out string
		if err := db.QueryRowContext(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+q).Scan(&out); err != nil {
			return 0, err
		}
		var plans []struct {
			Plan struct {
				Hit  int64 `json:"Shared Hit Blocks"`
				Read int64 `json:"Shared Read Blocks"`
			} `json:"Plan"`
		}
		if err := json.Unmarshal([]byte(out), &plans); err != nil {
			return 0, err
		}
		for _, p := range plans {
			total += p.Plan.Hit + p.Plan.Read
		}
	}
	return total, nil
}
