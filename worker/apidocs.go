package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// APIDocsHandlers generate projects' API documents.
type APIDocsHandlers struct {
	Docs     folio.APIDocsService
	Projects folio.ProjectService
	Store    *storage.Store
	Git      string // path of the git command, for repository sources
	Clone    apidocs.CloneLimits
	Extract  apidocs.Limits
	TempDir  string
}

// HandleAPIDocsGenerate turns the stored source into an OpenAPI 3 document.
// Every request has a task of its own: a task whose request was superseded
// leaves the work to the newer request's task, and a result made from a
// source replaced meanwhile is dropped (FinishAPIDocs checks the
// generation). Its work dir is removed however the job ends, a panic
// included.
func (h *APIDocsHandlers) HandleAPIDocsGenerate(ctx context.Context, t *asynq.Task) error {
	var p queue.APIDocsPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	d, err := h.Docs.APIDocs(ctx, p.ProjectID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil // the project is gone
	} else if err != nil {
		return err
	}
	if p.Generation != 0 && p.Generation != d.Generation {
		loggerFor(ctx, t).Info("API docs request superseded; the newer request's task generates", "project_id", p.ProjectID,
			"generation", p.Generation, "current", d.Generation)
		return nil
	}
	if err := h.Docs.StartAPIDocs(ctx, p.ProjectID); err != nil {
		return err
	}
	work, err := os.MkdirTemp(h.TempDir, fmt.Sprintf("folio-apidocs-%d-", p.ProjectID))
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	doc, err := h.generate(ctx, d, work)
	if err != nil {
		if apidocs.IsBadInput(err) {
			if ferr := h.Docs.FailAPIDocs(ctx, p.ProjectID, d.Generation, err.Error()); ferr != nil {
				return ferr
			}
			return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
		}
		// The last attempt says so, rather than leave the docs
		// "generating" for good.
		retried, _ := asynq.GetRetryCount(ctx)
		maxRetry, _ := asynq.GetMaxRetry(ctx)
		if retried >= maxRetry {
			_ = h.Docs.FailAPIDocs(context.WithoutCancel(ctx), p.ProjectID, d.Generation, "Generating the API docs failed after several attempts; send them again.")
		}
		return err
	}
	key := folio.APIDocsDocumentKey(d.Key, d.Generation)
	if _, err := h.Store.PutStream(ctx, key, bytes.NewReader(doc.JSON), "application/json"); err != nil {
		return err
	}
	replaced, ok, err := h.Docs.FinishAPIDocs(ctx, folio.APIDocs{ProjectID: p.ProjectID, Generation: d.Generation, DocumentKey: key,
		Title: doc.Title, Version: doc.Version, Operations: doc.Operations, Tags: doc.Tags})
	if err != nil {
		return err
	}
	// The document no row names any more: this one when a newer request
	// came in meanwhile, else the one it replaces.
	if !ok {
		replaced = key
	}
	if replaced != "" {
		if err := h.Store.Remove(ctx, replaced); err != nil {
			loggerFor(ctx, t).Warn("old API document not removed", "key", replaced, "error", err)
		}
	}
	return nil
}

func (h *APIDocsHandlers) generate(ctx context.Context, d *folio.APIDocs, work string) (*apidocs.Document, error) {
	if d.Source == folio.SourceRepository {
		var repo string
		if err := h.projectRepo(ctx, d.ProjectID, &repo); err != nil {
			return nil, err
		}
		dest := filepath.Join(work, "repo")
		if err := apidocs.Clone(ctx, h.Git, repo, dest, h.Clone); err != nil {
			return nil, err
		}
		return apidocs.FromRepository(ctx, dest, work)
	}
	src := filepath.Join(work, "source")
	if err := h.Store.GetFile(ctx, folio.APIDocsSourceKey(d.Key), src); err != nil {
		return nil, fmt.Errorf("fetch source: %w", err)
	}
	switch d.Source {
	case folio.SourceSpec:
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		return apidocs.FromSpec(ctx, data)
	case folio.SourceZip, folio.SourceTarGz:
		dest := filepath.Join(work, "src")
		extract := apidocs.ExtractZip
		if d.Source == folio.SourceTarGz {
			extract = apidocs.ExtractTarGz
		}
		if err := extract(src, dest, h.Extract); err != nil {
			return nil, err
		}
		return apidocs.FromSource(ctx, dest, work)
	}
	return nil, fmt.Errorf("unknown source %q", d.Source)
}

func (h *APIDocsHandlers) projectRepo(ctx context.Context, projectID int64, out *string) error {
	url, err := h.Projects.RepositoryURL(ctx, projectID)
	if err != nil {
		return err
	}
	if url == "" {
		return &apidocs.BadInputError{Reason: "the project has no repository URL; add one or upload the spec"}
	}
	*out = url
	return nil
}
