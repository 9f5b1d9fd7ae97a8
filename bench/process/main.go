// Command process measures how long the worker takes to process a 60 s
// 1080p screencast, next to running the very same ffmpeg commands by hand,
// so that the worker's own overhead (storage round trips, probing,
// bookkeeping) shows. Run it with `make bench-process`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/migrations"
	"github.com/foliohq/folio/worker"
)

func main() {
	seconds := flag.Int("seconds", 60, "screencast length")
	flag.Parse()
	if err := run(*seconds); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(seconds int) error {
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return err
	}
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "folio-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "screencast.mp4")
	fmt.Printf("generating a %d s 1080p screencast...\n", seconds)
	gen := exec.Command(ffmpeg, "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
		"-f", "lavfi", "-i", "sine=frequency=440", "-t", fmt.Sprint(seconds),
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p", "-c:a", "aac", input)
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("generate: %v\n%s", err, out)
	}
	proc := &media.Processor{FFmpeg: ffmpeg, FFprobe: ffprobe, Threads: cfg.FFmpegThreads, Timeout: time.Hour, MaxVideoSeconds: 3600}

	// By hand: the same commands, straight from a local file.
	probe, err := proc.Probe(ctx, folio.MediaScreencast, input)
	if err != nil {
		return err
	}
	handDir := filepath.Join(dir, "hand")
	if err := os.Mkdir(handDir, 0o700); err != nil {
		return err
	}
	start := time.Now()
	for _, c := range proc.Commands(folio.MediaScreencast, input, handDir, probe) {
		if out, err := exec.Command(ffmpeg, c.Args...).CombinedOutput(); err != nil {
			return fmt.Errorf("by hand: %v\n%s", err, out)
		}
	}
	hand := time.Since(start)

	// Through the worker: original from MinIO, renditions back to MinIO,
	// status in PostgreSQL.
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		return err
	}
	store, err := storage.New(storage.Options{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, UseSSL: cfg.S3UseSSL})
	if err != nil {
		return err
	}
	users, ms := postgres.NewUserService(db), postgres.NewMediaService(db)
	u := &folio.User{Email: fmt.Sprintf("bench-%d@example.com", time.Now().UnixNano()), PasswordHash: "-",
		Profile: folio.Profile{Handle: fmt.Sprintf("bench-%d", time.Now().UnixNano()%1e9), DisplayName: "Bench"}}
	if err := users.CreateUser(ctx, u); err != nil {
		return err
	}
	title := "Bench"
	p, err := postgres.NewProjectService(db).CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		return err
	}
	item := &folio.Media{OwnerID: u.ID, ProjectID: p.ID, Kind: folio.MediaScreencast, Status: folio.MediaUploading}
	if err := ms.CreateMedia(ctx, item); err != nil {
		return err
	}
	size, err := store.PutFile(ctx, item.OriginalKey, input, "video/mp4")
	if err != nil {
		return err
	}
	if err := ms.MarkUploaded(ctx, item.ID, "video/mp4", size); err != nil {
		return err
	}
	handlers := &worker.MediaHandlers{Media: ms, Store: store, Processor: proc}
	task, err := queue.NewMediaProcessTask(item.ID, item.PublicKey, "bench")
	if err != nil {
		return err
	}
	start = time.Now()
	if err := handlers.HandleMediaProcess(ctx, task); err != nil {
		return err
	}
	viaWorker := time.Since(start)
	defer func() {
		_ = store.RemovePrefix(ctx, item.ObjectPrefix())
		_, _ = db.NewDelete().Table("users").Where("id = ?", u.ID).Exec(ctx)
	}()

	fmt.Printf("%d s 1080p screencast, %d ffmpeg threads: by hand %.1f s | worker %.1f s | overhead %.1f%%\n",
		seconds, proc.Threads, hand.Seconds(), viaWorker.Seconds(), 100*(viaWorker.Seconds()/hand.Seconds()-1))
	return nil
}
