package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
)

// ObjectHandlers remove the stored objects of deleted rows, as recorded in
// the rows' own transaction.
type ObjectHandlers struct {
	Purger *purge.Purger
}

// HandleObjectsDelete removes the folders of the deletions the task names.
func (h *ObjectHandlers) HandleObjectsDelete(ctx context.Context, t *asynq.Task) error {
	var p queue.ObjectsDeletePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	return h.Purger.Remove(ctx, p.DeletionIDs)
}

// HandleObjectsReconcile removes every recorded folder still due: those
// whose task was never queued (the queue was down) or failed for good.
func (h *ObjectHandlers) HandleObjectsReconcile(ctx context.Context, t *asynq.Task) error {
	n, err := h.Purger.Reconcile(ctx)
	if n > 0 {
		loggerFor(ctx, t).Info("object folders removed", "count", n)
	}
	return err
}
