// Command archive measures the account archive export on a large account:
// it creates an account of -gib GiB (a few projects whose screencasts are
// put straight into a bucket of its own, with their rows in a database of
// its own), builds its export as the worker does (archive.Service.BuildExport:
// the zip streamed through a pipe into a multipart upload), and reports the
// time, the throughput and the process's peak RSS during the export, read
// from the kernel (VmHWM, reset just before the export) and sampled
// (VmRSS). Everything it made is removed at the end. Run it with
// `make bench-archive`.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/foliohq/folio/bench/scratch"
	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/archivestore"
	"github.com/foliohq/folio/internal/storage"
)

func main() {
	gib := flag.Float64("gib", 2, "size of the account's media, in GiB")
	objects := flag.Int("objects", 8, "screencasts the media is split into")
	maxRSS := flag.Int64("max-rss-mib", 0, "fail when the export's peak RSS is over this many MiB (0: report only)")
	flag.Parse()
	if err := run(int64(*gib*(1<<30)), *objects, *maxRSS); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(total int64, objects int, maxRSS int64) error {
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	db, cleanup, err := scratch.Database(ctx, cfg.DatabaseURL, "archive")
	if err != nil {
		return err
	}
	defer cleanup()
	bucket := fmt.Sprintf("folio-bench-archive-%d", time.Now().UnixNano()%1_000_000)
	store, err := storage.New(storage.Options{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: bucket, UseSSL: cfg.S3UseSSL})
	if err != nil {
		return err
	}
	if err := store.EnsureBucket(ctx); err != nil {
		return err
	}
	defer func() {
		if err := store.RemovePrefix(context.Background(), ""); err == nil {
			_ = store.Client().RemoveBucket(context.Background(), bucket)
		}
	}()

	var owner int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES ('bench@example.com', 'x', 'bench-archive', 'Bench') RETURNING id`).
		Scan(ctx, &owner); err != nil {
		return err
	}
	start := time.Now()
	per := total / int64(objects)
	for i := range objects {
		var project int64
		if err := db.NewRaw(`INSERT INTO projects (owner_id, slug, title, visibility) VALUES (?, ?, ?, 'public') RETURNING id`,
			owner, fmt.Sprintf("project-%d", i), fmt.Sprintf("Project %d", i)).Scan(ctx, &project); err != nil {
			return err
		}
		key := folio.NewPublicKey()
		// Random bytes, as a video's are: nothing compresses them.
		src := io.LimitReader(rand.NewChaCha8([32]byte{byte(i)}), per)
		if _, err := store.PutStream(ctx, folio.OriginalKey(key), src, "video/mp4"); err != nil {
			return err
		}
		if _, err := db.NewRaw(`INSERT INTO media (owner_id, project_id, kind, status, filename, content_type, size_bytes, original_key, public_key)
			VALUES (?, ?, 'screencast', 'ready', ?, 'video/mp4', ?, ?, ?)`, owner, project, fmt.Sprintf("demo-%d.mp4", i), per, folio.OriginalKey(key), key).Exec(ctx); err != nil {
			return err
		}
	}
	fmt.Printf("account: %d screencasts, %.2f GiB stored in %s\n", objects, float64(per*int64(objects))/(1<<30), time.Since(start).Round(time.Second))

	jobs := archivestore.New(db)
	svc := &archive.Service{Jobs: jobs, Rows: jobs, Store: store, Generator: "folio bench"}
	e, err := jobs.CreateExport(ctx, owner)
	if err != nil {
		return err
	}
	runtime.GC()
	before := status("VmRSS")
	resetPeak()
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if rss := status("VmRSS"); rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start = time.Now()
	err = svc.BuildExport(ctx, e.ID)
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	if err != nil {
		return err
	}
	hwm := status("VmHWM")
	done, err := jobs.Export(ctx, owner, e.ID)
	if err != nil {
		return err
	}
	info, err := store.Client().StatObject(ctx, bucket, archive.ExportKey(e.Key), minio.StatObjectOptions{})
	if err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("export: %s, %.2f GiB zip (%d bytes recorded) in %s, %.0f MiB/s\n", done.Status, float64(info.Size)/(1<<30), done.SizeBytes,
		elapsed.Round(100*time.Millisecond), float64(info.Size)/(1<<20)/elapsed.Seconds())
	fmt.Printf("rss: %d MiB before the export; during it, peak %d MiB (VmHWM) / %d MiB (sampled VmRSS); Go heap in use after %d MiB\n",
		before>>20, hwm>>20, peak.Load()>>20, ms.HeapInuse>>20)
	if maxRSS > 0 && hwm>>20 > maxRSS {
		return fmt.Errorf("peak RSS %d MiB is over %d MiB", hwm>>20, maxRSS)
	}
	return nil
}

// status reads a size field of /proc/self/status, in bytes.
func status(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeak resets VmHWM to the current RSS (Linux 4.0 and later), so
// that it reports the export's peak alone.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
