package worker_test

import (
	"context"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
)

// Redis replicates asynchronously: when its primary fails, a task it had
// acknowledged, or had handed to a worker (the media then "processing"),
// may be missing on the promoted replica. The cleanup queues the job again
// for media left uploaded or processing, and never makes a second job for
// media whose task still exists.
func TestCleanupRequeuesJobsLostInAFailover(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ro := testenv.Redis(t)
	conn := asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB}
	client := asynq.NewClient(conn)
	t.Cleanup(func() { client.Close() })
	insp := asynq.NewInspector(conn)
	t.Cleanup(func() { insp.Close() })
	f.handlers.Queue = client

	png := testenv.Image(t, 64, 40, ".png")
	uploaded := f.uploaded(t, folio.MediaScreenshot, png, "image/png")
	lost := f.uploaded(t, folio.MediaScreenshot, png, "image/png")
	running := f.uploaded(t, folio.MediaScreenshot, png, "image/png")
	fresh := f.uploaded(t, folio.MediaScreenshot, png, "image/png")
	for _, m := range []*folio.Media{lost, running, fresh} {
		if err := f.media.StartProcessing(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	// running's task exists (a worker holds it); lost's went with the primary.
	if err := queue.Enqueue(client, processTask(t, running)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ExecContext(ctx, "UPDATE media SET updated_at = now() - interval '10 minutes' WHERE id IN (?, ?, ?)",
		uploaded.ID, lost.ID, running.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.handlers.HandleUploadsCleanup(ctx, queue.NewUploadsCleanupTask()); err != nil {
		t.Fatal(err)
	}
	pending, err := insp.ListPendingTasks(queue.QueueDefault)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, task := range pending {
		got[task.ID]++
	}
	want := map[string]int{}
	for _, m := range []*folio.Media{uploaded, lost, running} {
		want["media:process:"+m.PublicKey] = 1
	}
	if len(got) != len(want) {
		t.Errorf("pending tasks %v, want one each for uploaded, lost and running: %v", got, want)
	}
	for id := range want {
		if got[id] != 1 {
			t.Errorf("task %s: %d pending, want 1", id, got[id])
		}
	}
	// The queued job processes the media that was lost.
	if err := f.handlers.HandleMediaProcess(ctx, processTask(t, lost)); err != nil {
		t.Fatal(err)
	}
	if m, _ := f.media.MediaByID(ctx, lost.ID); m.Status != folio.MediaReady {
		t.Errorf("lost media is %s after its requeued job, want ready", m.Status)
	}
}
