// Command scale loads synthetic portfolios into a database of its own on
// the configured PostgreSQL server (created, then dropped unless -keep)
// and measures the queries that grow with the number of portfolios:
// explore, the sitemap and an uncached portfolio page, with p50/p99 over
// repeated single-client runs and the PostgreSQL blocks each one reads
// (EXPLAIN (ANALYZE, BUFFERS)). Run it with `make bench-scale`.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/migrations"
)

func main() {
	users := flag.Int("users", 10000, "portfolios to generate (five projects each)")
	runs := flag.Int("runs", 50, "runs of each query (0: generate only)")
	checkEvery := flag.Duration("check-every", time.Hour, "interval of the generated demo checks")
	keep := flag.String("keep", "", "keep the generated database under this name (reused if it exists)")
	drop := flag.String("drop", "", "only drop this database (one -keep made)")
	flag.Parse()
	if *drop != "" {
		if err := dropDatabase(*drop); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*users, *runs, *checkEvery, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(users, runs int, checkEvery time.Duration, keep string) error {
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	admin, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	name, fresh := keep, true
	if name == "" {
		name = fmt.Sprintf("folio_scale_%d", time.Now().UnixNano()%1e9)
	} else if !strings.HasPrefix(name, "folio_scale_") {
		return fmt.Errorf("-keep: the name must start with folio_scale_")
	} else {
		var n int
		if err := admin.NewRaw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(ctx, &n); err != nil {
			return err
		}
		fresh = n == 0
	}
	if fresh {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pgIdent(name)); err != nil {
			return err
		}
	}
	if keep == "" {
		defer func() {
			if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+pgIdent(name)+" WITH (FORCE)"); err != nil {
				fmt.Fprintln(os.Stderr, "bench: drop database:", err)
			}
		}()
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		return err
	}
	if fresh {
		fmt.Printf("generating %d portfolios in %s\n", users, name)
		start := time.Now()
		if err := generate(ctx, db, users, checkEvery); err != nil {
			return err
		}
		fmt.Printf("  total %.1f s\n", time.Since(start).Seconds())
	}
	if err := markCards(ctx, db); err != nil {
		return err
	}
	if runs <= 0 {
		return nil // the data alone, for bench/scale.sh's mixed load
	}
	return measure(ctx, db, runs)
}

func dropDatabase(name string) error {
	if !strings.HasPrefix(name, "folio_scale_") {
		return fmt.Errorf("-drop: the name must start with folio_scale_")
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	admin, err := postgres.Open(context.Background(), cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+pgIdent(name)+" WITH (FORCE)")
	return err
}

// pgIdent quotes a database name for SQL.
func pgIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
