package upload_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/upload"
)

// An upload that ends while Sentinel promotes a replica (every enqueue is
// refused for a few seconds) still has its processing job queued, on the
// new primary, before the API answers: not left to the cleanup's next
// round minutes later.
func TestUploadQueuesItsJobThroughARedisFailover(t *testing.T) {
	f := newFixture(t)
	g := testenv.StartSentinelGroup(t)
	failover, err := config.Config{RedisURL: g.URL()}.RedisFailover()
	if err != nil {
		t.Fatal(err)
	}
	conn := queue.FailoverConnOpt(failover)
	client := asynq.NewClient(conn)
	t.Cleanup(func() { client.Close() })
	insp := asynq.NewInspector(conn)
	t.Cleanup(func() { insp.Close() })
	f.svc.Queue = client
	png, err := os.ReadFile(testenv.Image(t, 64, 40, ".png"))
	if err != nil {
		t.Fatal(err)
	}
	stream := func() *folio.Media {
		t.Helper()
		m, err := f.svc.Stream(context.Background(), upload.File{OwnerID: f.owner, ProjectID: f.project, Kind: folio.MediaScreenshot,
			Filename: "shot.png", Body: bytes.NewReader(png), DeclaredSize: -1})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	before := stream()
	g.Master.Stop() // SIGKILL
	during := stream()
	for _, m := range []*folio.Media{before, during} {
		if _, err := insp.GetTaskInfo(queue.QueueDefault, "media:process:"+m.PublicKey); err != nil {
			t.Errorf("media %d: its processing task is not on the new primary: %v", m.ID, err)
		}
	}
	g.WaitMaster(t, g.Replica.Addr)
}
