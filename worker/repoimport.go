package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/repoimport"
)

// RepoImportHandlers make draft projects from repositories.
type RepoImportHandlers struct {
	Imports *repoimport.Service
}

// HandleRepoImport runs one import. A failure the owner can act on is
// recorded on the import by the service and ends the task; other errors
// are retried, and the last attempt records that it failed.
func (h *RepoImportHandlers) HandleRepoImport(ctx context.Context, t *asynq.Task) error {
	var p queue.RepoImportPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	return h.Imports.Run(ctx, p.ImportID, p.RequestID, retried >= maxRetry)
}
