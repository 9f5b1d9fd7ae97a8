package worker_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/worker"
)

// The work dir goes however a job ends: success, bad input, or a panic.
func TestAPIDocsWorkDirIsAlwaysCleaned(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	docs := postgres.NewAPIDocsService(f.db)
	tmp := t.TempDir()
	h := &worker.APIDocsHandlers{Docs: docs, Projects: postgres.NewProjectService(f.db), Store: f.handlers.Store,
		Extract: apidocs.DefaultLimits, TempDir: tmp}
	run := func(spec string) (err error, panicked bool) {
		key, err := docs.APIDocsObjectKey(ctx, f.project.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.handlers.Store.PutStream(ctx, folio.APIDocsSourceKey(key), strings.NewReader(spec), "application/json"); err != nil {
			t.Fatal(err)
		}
		if _, err := docs.RequestAPIDocs(ctx, f.project.ID, folio.SourceSpec, key); err != nil {
			t.Fatal(err)
		}
		return runTask(h, ctx, f.project.ID)
	}
	empty := func(when string) {
		entries, _ := os.ReadDir(tmp)
		if len(entries) != 0 {
			t.Errorf("after %s the work dir holds %v", when, entries)
		}
	}
	if err, _ := run(`{"openapi":"3.0.3","info":{"title":"ok","version":"1"},"paths":{}}`); err != nil {
		t.Fatalf("success: %v", err)
	}
	empty("a success")
	if err, _ := run(`{"openapi":"3.0.3"}`); err == nil {
		t.Fatal("an invalid spec succeeded")
	}
	empty("a failure")
	h.Store = nil // the next job panics when it reaches storage
	if _, panicked := runTask(h, ctx, f.project.ID); !panicked {
		t.Fatal("expected a panic")
	}
	empty("a panic")
}

// runTask runs the handler once for the current request, reporting a
// panic instead of dying of it.
func runTask(h *worker.APIDocsHandlers, ctx context.Context, projectID int64) (err error, panicked bool) {
	d, err := h.Docs.APIDocs(ctx, projectID)
	if err != nil {
		return err, false
	}
	task, _ := queue.NewAPIDocsTask(projectID, d.Key, d.Generation, "")
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	return h.HandleAPIDocsGenerate(ctx, task), false
}
