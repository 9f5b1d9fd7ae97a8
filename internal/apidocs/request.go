package apidocs

import (
	"context"
	"fmt"
	"io"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// Requester turns a request for a project's API docs into a stored source
// and a queued job: the one workflow the API and the seed share.
type Requester struct {
	Docs  folio.APIDocsService
	Store *storage.Store
	Queue queue.Enqueuer
}

// Request stores the source read from body (nil for a repository source)
// in the docs' folder, records the request as a new generation and queues
// that generation's own job, so that it runs whatever became of earlier
// ones. An error of body is returned wrapped, so that the caller's size
// limit stays recognisable. It returns the docs' new state.
func (r *Requester) Request(ctx context.Context, projectID int64, source folio.APIDocsSource, body io.Reader, contentType, requestID string) (*folio.APIDocs, error) {
	key, err := r.Docs.APIDocsObjectKey(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if body != nil {
		if _, err := r.Store.PutStream(ctx, folio.APIDocsSourceKey(key), body, contentType); err != nil {
			return nil, fmt.Errorf("store API docs source: %w", err)
		}
	}
	generation, err := r.Docs.RequestAPIDocs(ctx, projectID, source, key)
	if folio.ErrorCode(err) == folio.ECONFLICT && body != nil {
		// A concurrent first request took another key: nothing will read
		// the source stored under this one.
		_ = r.Store.Remove(context.WithoutCancel(ctx), folio.APIDocsSourceKey(key))
	}
	if err != nil {
		return nil, err
	}
	task, err := queue.NewAPIDocsTask(projectID, key, generation, requestID)
	if err != nil {
		return nil, err
	}
	// Even ErrAlreadyQueued is a failure here: the id is this request's
	// own, so a task holding it is not one that will run this request.
	if err := queue.Enqueue(r.Queue, task); err != nil {
		return nil, err
	}
	return r.Docs.APIDocs(ctx, projectID)
}
