package worker

import (
	"context"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/audit"
)

// AuditHandlers keep the audit log within its retention.
type AuditHandlers struct {
	Log *audit.Log
}

// HandleAuditPrune deletes the entries older than audit.Retention.
func (h *AuditHandlers) HandleAuditPrune(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Log.Prune(ctx)
	return err
}
