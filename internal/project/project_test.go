package project_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/deletionstore"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// stored is a project with every kind of stored file: media under their
// public key, a media item stored before keys (media/{id}/), and API docs.
type stored struct {
	owner, project int64
	keep           string // an object of another project, which must stay
}

func storeProject(t *testing.T, db *bun.DB, store *storage.Store) stored {
	t.Helper()
	ctx := context.Background()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	projects, media, docs := postgres.NewProjectService(db), postgres.NewMediaService(db), postgres.NewAPIDocsService(db)
	var ps []*folio.Project
	for _, title := range []string{"Orders", "Feeds"} {
		p, err := projects.CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	put := func(key string) {
		if _, err := store.PutStream(ctx, key, strings.NewReader(key), "application/octet-stream"); err != nil {
			t.Fatal(err)
		}
	}
	var keep string
	for i, p := range ps {
		for j, kind := range []folio.MediaKind{folio.MediaScreencast, folio.MediaScreenshot} {
			m := &folio.Media{OwnerID: u.ID, ProjectID: p.ID, Kind: kind, Status: folio.MediaUploading}
			if err := media.CreateMedia(ctx, m); err != nil {
				t.Fatal(err)
			}
			if j == 1 {
				// Stored before public keys existed.
				m.OriginalKey = fmt.Sprintf("media/%d/original", m.ID)
				if _, err := db.ExecContext(ctx, "UPDATE media SET original_key = ? WHERE id = ?", m.OriginalKey, m.ID); err != nil {
					t.Fatal(err)
				}
			}
			put(m.OriginalKey)
			put(m.ObjectPrefix() + "poster.jpg")
			if i == 1 {
				keep = m.OriginalKey
			}
		}
		key, err := docs.APIDocsObjectKey(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		put(folio.APIDocsSourceKey(key))
		put(folio.APIDocsDocumentKey(key, 1))
		if _, err := docs.RequestAPIDocs(ctx, p.ID, folio.SourceSpec, key); err != nil {
			t.Fatal(err)
		}
	}
	return stored{owner: u.ID, project: ps[0].ID, keep: keep}
}

// keys lists every stored object.
func keys(t *testing.T, store *storage.Store) []string {
	t.Helper()
	var all []string
	for _, prefix := range []string{"media/", "apidocs/"} {
		ks, err := store.Keys(context.Background(), prefix)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ks...)
	}
	return all
}

func pending(t *testing.T, db *bun.DB) (all, removed int) {
	t.Helper()
	if err := db.QueryRowContext(context.Background(), "SELECT count(*), count(removed_at) FROM object_deletions").Scan(&all, &removed); err != nil {
		t.Fatal(err)
	}
	return all, removed
}

func startWorker(t *testing.T, addr string, p *purge.Purger) {
	t.Helper()
	w, err := worker.New(worker.Options{Redis: asynq.RedisClientOpt{Addr: addr}, Logger: quiet, ShutdownTimeout: time.Second,
		Objects: &worker.ObjectHandlers{Purger: p}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
}

// waitFor polls until cond holds, for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A project deleted while Redis is down loses no stored file: the delete
// succeeds, its folders are recorded with it, and once Redis is back the
// reconcile removes them; nothing of the project is left in the bucket,
// and nothing of another project goes.
func TestDeleteWhileQueueIsDown(t *testing.T) {
	db, store := testenv.Postgres(t), testenv.Store(t)
	redis := testenv.StartPrivateRedis(t)
	s := storeProject(t, db, store)
	before := keys(t, store)
	if len(before) != 12 {
		t.Fatalf("stored %d objects, want 12: %v", len(before), before)
	}
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: redis.Addr})
	t.Cleanup(func() { client.Close() })
	purger := &purge.Purger{Deletions: deletionstore.New(db), Store: store, Queue: client, Logger: quiet}
	svc := &project.Service{Purger: purger}

	redis.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.Delete(ctx, s.owner, s.project); err != nil {
		t.Fatalf("delete with Redis down: %v", err)
	}
	if _, err := postgres.NewProjectService(db).Project(ctx, s.owner, s.project); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Fatalf("project after delete: %v", err)
	}
	var media int
	_ = db.QueryRowContext(ctx, "SELECT count(*) FROM media WHERE project_id = ?", s.project).Scan(&media)
	if all, removed := pending(t, db); all != 3 || removed != 0 || media != 0 {
		t.Fatalf("after delete: %d recorded deletions (%d removed), %d media rows; want 3, 0, 0", all, removed, media)
	}
	if got := keys(t, store); len(got) != 12 {
		t.Fatalf("objects removed without a queue: %v", got)
	}

	// Redis is back; the periodic reconcile (queued here rather than
	// waiting five minutes for the scheduler) removes the folders.
	redis.Start()
	startWorker(t, redis.Addr, purger)
	if err := queue.Enqueue(client, queue.NewObjectsReconcileTask()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reconcile", func() bool { _, removed := pending(t, db); return removed == 3 })
	left := keys(t, store)
	t.Logf("bucket before the delete: %d objects; after the reconcile: %v", len(before), left)
	if len(left) != 6 || !slices.Contains(left, s.keep) {
		t.Fatalf("after the reconcile: %v; want only the other project's 6 objects", left)
	}

	// A job still writing into a deleted folder (processing) is caught by
	// the second removal once the deletion has settled; then the records go.
	var late string
	_ = db.QueryRowContext(ctx, "SELECT key_prefix FROM object_deletions ORDER BY id LIMIT 1").Scan(&late)
	if _, err := store.PutStream(ctx, late+"video.mp4", strings.NewReader("late"), "video/mp4"); err != nil {
		t.Fatal(err)
	}
	settled := &purge.Purger{Deletions: purger.Deletions, Store: store, Queue: client, Settle: time.Nanosecond, Logger: quiet}
	if n, err := settled.Reconcile(ctx); err != nil || n != 3 {
		t.Fatalf("settled reconcile: %d, %v", n, err)
	}
	if all, _ := pending(t, db); all != 0 {
		t.Errorf("%d deletions still recorded after settling", all)
	}
	if left := keys(t, store); len(left) != 6 {
		t.Errorf("after settling: %v", left)
	}
}

// With the queue up, the folders go at once, by the delete's own task.
func TestDeleteQueuesRemoval(t *testing.T) {
	db, store := testenv.Postgres(t), testenv.Store(t)
	ro := testenv.Redis(t)
	s := storeProject(t, db, store)
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB})
	t.Cleanup(func() { client.Close() })
	purger := &purge.Purger{Deletions: deletionstore.New(db), Store: store, Queue: client, Logger: quiet}
	w, err := worker.New(worker.Options{Redis: asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB}, Logger: quiet, ShutdownTimeout: time.Second,
		Objects: &worker.ObjectHandlers{Purger: purger}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	svc := &project.Service{Purger: purger}
	if err := svc.Delete(queue.WithRequestID(context.Background(), "req-1"), s.owner, s.project); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion task", func() bool { return len(keys(t, store)) == 6 })
	if err := svc.Delete(context.Background(), s.owner, s.project); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("second delete: %v, want not_found", err)
	}
	if err := svc.Delete(context.Background(), s.owner+1, s.project+1); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("another owner's project: %v, want not_found", err)
	}
}
