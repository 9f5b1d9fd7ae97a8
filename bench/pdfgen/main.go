// Command pdfgen times the making of a portfolio's PDF as the worker makes
// it: read the portfolio (one query), lay it out, render it with its fonts
// and QR codes, and store it in MinIO. It prints p50, p95 and max over
// -runs and fails when p95 reaches -max.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/storage"
)

func main() {
	handle := flag.String("handle", "demo", "the portfolio")
	runs := flag.Int("runs", 40, "how many PDFs to make (each paper size in turn)")
	limit := flag.Duration("max", time.Second, "the p95 to stay under")
	flag.Parse()
	if err := run(context.Background(), *handle, *runs, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "pdfgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, handle string, runs int, limit time.Duration) error {
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := storage.New(storage.Options{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, UseSSL: cfg.S3UseSSL})
	if err != nil {
		return err
	}
	svc := &portfoliopdf.Service{Users: postgres.NewUserService(db), Projects: postgres.NewProjectService(db), Store: store, BaseURL: cfg.BaseURL}
	var times []time.Duration
	var size int
	for i := range runs {
		paper := portfoliopdf.Papers[i%len(portfoliopdf.Papers)]
		start := time.Now()
		pf, err := svc.Projects.Portfolio(ctx, handle)
		if err != nil {
			return err
		}
		doc, err := svc.Document(ctx, pf)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := portfoliopdf.Render(&buf, doc, paper); err != nil {
			return err
		}
		size = buf.Len()
		key := "bench/pdfgen-" + string(paper) + ".pdf"
		if _, err := store.PutStream(ctx, key, &buf, "application/pdf"); err != nil {
			return err
		}
		times = append(times, time.Since(start))
		_ = store.Remove(ctx, key)
		if i == 0 {
			fmt.Printf("portfolio /%s: %d featured projects, PDF %d bytes\n", handle, len(doc.Projects), size)
		}
	}
	slices.Sort(times)
	pct := func(p float64) time.Duration { return times[int(p*float64(len(times)-1))] }
	fmt.Printf("PDF generation (read, render, store), %d runs: p50 %s, p95 %s, max %s\n",
		runs, pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	if pct(0.95) >= limit {
		return fmt.Errorf("p95 %s is over the %s budget", pct(0.95).Round(time.Millisecond), limit)
	}
	return nil
}
