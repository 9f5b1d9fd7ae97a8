package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// errSourceChanged makes asynq run the job again: a newer source arrived
// while this one was being processed.
var errSourceChanged = errors.New("a newer source arrived; generating again")

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
// Its work dir is removed however the job ends, a panic included.
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
			return h.again(ctx, d, fmt.Errorf("%v: %w", err, asynq.SkipRetry))
		}
		return err
	}
	if _, err := h.Store.PutStream(ctx, folio.APIDocsKey(p.ProjectID), bytes.NewReader(doc.JSON), "application/json"); err != nil {
		return err
	}
	if err := h.Docs.FinishAPIDocs(ctx, folio.APIDocs{ProjectID: p.ProjectID, Generation: d.Generation, Title: doc.Title,
		Version: doc.Version, Operations: doc.Operations, Tags: doc.Tags}); err != nil {
		return err
	}
	return h.again(ctx, d, nil)
}

// again checks whether a newer request came in while this job ran; if so
// the job fails on purpose, and asynq's retry generates from the new source.
func (h *APIDocsHandlers) again(ctx context.Context, started *folio.APIDocs, result error) error {
	now, err := h.Docs.APIDocs(ctx, started.ProjectID)
	if err == nil && now.Generation != started.Generation {
		return errSourceChanged
	}
	return result
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
	if err := h.Store.GetFile(ctx, folio.APIDocsSourceKey(d.ProjectID), src); err != nil {
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
