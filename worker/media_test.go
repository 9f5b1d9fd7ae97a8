package worker_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

type fixture struct {
	db       *bun.DB
	handlers *worker.MediaHandlers
	media    *postgres.MediaService
	project  *folio.Project
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testenv.Postgres(t)
	ctx := context.Background()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	title := "Orders"
	p, err := postgres.NewProjectService(db).CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	ffmpeg, ffprobe := testenv.FFmpeg(t)
	ms := postgres.NewMediaService(db)
	return &fixture{db: db, media: ms, project: p, handlers: &worker.MediaHandlers{
		Media: ms, Store: testenv.Store(t),
		Processor: &media.Processor{FFmpeg: ffmpeg, FFprobe: ffprobe, Threads: 2, Timeout: time.Minute, MaxVideoSeconds: 600},
	}}
}

// uploaded stores file as the original of a new media item, as the API does.
func (f *fixture) uploaded(t *testing.T, kind folio.MediaKind, file, contentType string) *folio.Media {
	t.Helper()
	ctx := context.Background()
	m := &folio.Media{OwnerID: f.project.OwnerID, ProjectID: f.project.ID, Kind: kind, Status: folio.MediaUploading}
	if err := f.media.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	size, err := f.handlers.Store.PutFile(ctx, m.OriginalKey, file, contentType)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.media.MarkUploaded(ctx, m.ID, contentType, size); err != nil {
		t.Fatal(err)
	}
	return m
}

func processTask(t *testing.T, m *folio.Media) *asynq.Task {
	task, err := queue.NewMediaProcessTask(m.ID, m.PublicKey, "req-1")
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// A worker killed after storing some renditions leaves the media
// "processing" with stale objects; the retry must finish it with exactly
// one copy of each rendition and nothing else.
func TestRetryAfterCrashCompletesWithoutOrphans(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.uploaded(t, folio.MediaScreencast, testenv.Video(t, 1280, 720, 2), "video/mp4")
	if err := f.media.StartProcessing(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	prefix := m.ObjectPrefix()
	if _, err := f.handlers.Store.PutStream(ctx, prefix+"poster.jpg", strings.NewReader("half-written garbage"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}

	if err := f.handlers.HandleMediaProcess(ctx, processTask(t, m)); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got, err := f.media.MediaByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != folio.MediaReady || len(got.Renditions) != 4 {
		t.Fatalf("after retry: %s with %d renditions", got.Status, len(got.Renditions))
	}
	keys, _ := f.handlers.Store.Keys(ctx, prefix)
	want := []string{prefix + "original", prefix + "poster.jpg", prefix + "poster.webp", prefix + "thumbnail.jpg", prefix + "video.mp4"}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("objects %v, want exactly %v", keys, want)
	}
	poster, _ := got.Rendition(media.PosterJPEG)
	info, _ := f.handlers.Store.Stat(ctx, poster.Key)
	if info.Size != poster.SizeBytes || info.Size < 1000 {
		t.Errorf("the stale poster was not replaced: %d bytes stored, %d recorded", info.Size, poster.SizeBytes)
	}
	if got.Width != 1280 || got.Height != 720 || got.VideoCodec != "h264" || got.AudioCodec != "aac" {
		t.Errorf("probe %+v", got)
	}

	// Running it once more (a duplicate delivery) changes nothing.
	if err := f.handlers.HandleMediaProcess(ctx, processTask(t, m)); err != nil {
		t.Fatal(err)
	}
	again, _ := f.handlers.Store.Keys(ctx, prefix)
	if len(again) != len(want) {
		t.Errorf("a duplicate run changed the objects: %v", again)
	}
}

func TestBadInputFailsAtOnceWithoutRetry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.handlers.Processor.MaxVideoSeconds = 1
	m := f.uploaded(t, folio.MediaScreencast, testenv.Video(t, 320, 240, 2), "video/mp4")
	err := f.handlers.HandleMediaProcess(ctx, processTask(t, m))
	if err == nil || !strings.Contains(err.Error(), asynq.SkipRetry.Error()) {
		t.Fatalf("err = %v, want a SkipRetry", err)
	}
	got, _ := f.media.MediaByID(ctx, m.ID)
	if got.Status != folio.MediaFailed || !strings.Contains(got.Error, "limit is 1 s") {
		t.Errorf("media %s %q", got.Status, got.Error)
	}
	img := f.uploaded(t, folio.MediaScreencast, testenv.Image(t, 100, 100, ".png"), "video/mp4")
	_ = f.handlers.HandleMediaProcess(ctx, processTask(t, img))
	if got, _ := f.media.MediaByID(ctx, img.ID); got.Status != folio.MediaFailed || !strings.Contains(got.Error, "must be a video") {
		t.Errorf("image as screencast: %s %q", got.Status, got.Error)
	}
}

func TestCleanupAbortsAbandonedUploads(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	store := f.handlers.Store
	m := &folio.Media{OwnerID: f.project.OwnerID, ProjectID: f.project.ID, Kind: folio.MediaScreencast, Status: folio.MediaUploading}
	if err := f.media.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	uploadID, err := store.StartMultipart(ctx, m.OriginalKey, "video/mp4")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.media.SetUploadID(ctx, m.ID, uploadID); err != nil {
		t.Fatal(err)
	}
	fresh := &folio.Media{OwnerID: f.project.OwnerID, ProjectID: f.project.ID, Kind: folio.MediaScreencast, Status: folio.MediaUploading}
	if err := f.media.CreateMedia(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ExecContext(ctx, "UPDATE media SET updated_at = now() - interval '25 hours' WHERE id = ?", m.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.handlers.HandleUploadsCleanup(ctx, queue.NewUploadsCleanupTask()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.media.MediaByID(ctx, m.ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("abandoned media still there: %v", err)
	}
	if _, err := f.media.MediaByID(ctx, fresh.ID); err != nil {
		t.Errorf("an upload under way was cleaned up: %v", err)
	}
	if ups, _ := store.IncompleteUploads(ctx, "media/"); len(ups) != 0 {
		t.Errorf("multipart upload not aborted: %v", ups)
	}
}

func TestDeleteTaskRefusesEmptyPrefix(t *testing.T) {
	f := newFixture(t)
	for _, prefix := range []string{"", "/", "media/", "media/1", "media/../", "media/0123456789abcdef0123456789abcde/", "media/0123456789ABCDEF0123456789ABCDEF/", "avatars/1/"} {
		payload, _ := json.Marshal(queue.DeletePayload{Prefix: prefix})
		if err := f.handlers.HandleMediaDelete(context.Background(), asynq.NewTask(queue.TypeMediaDelete, payload)); err == nil {
			t.Errorf("prefix %q was accepted; only media/{key}/ (or media/{id}/) may be deleted", prefix)
		}
	}
}
