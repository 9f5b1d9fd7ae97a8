package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/queue"
)

// ArchiveHandlers build account archives into the bucket, import uploaded
// ones, and remove expired exports.
type ArchiveHandlers struct {
	Archives *archive.Service
}

func archivePayload(t *asynq.Task) (queue.ArchivePayload, error) {
	var p queue.ArchivePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return p, fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	return p, nil
}

// lastTry reports whether a failure now is the task's last.
func lastTry(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	max, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= max
}

// HandleArchiveExport builds one export; its last failure is recorded on
// the export, for the owner to see.
func (h *ArchiveHandlers) HandleArchiveExport(ctx context.Context, t *asynq.Task) error {
	p, err := archivePayload(t)
	if err != nil {
		return err
	}
	if err := h.Archives.BuildExport(ctx, p.JobID); err != nil {
		if lastTry(ctx) {
			if ferr := h.Archives.FailExport(context.WithoutCancel(ctx), p.JobID); ferr != nil {
				return errors.Join(err, ferr)
			}
		}
		return err
	}
	return nil
}

// HandleArchiveImport imports one uploaded archive. A refused archive is
// done (the import says why); other failures retry.
func (h *ArchiveHandlers) HandleArchiveImport(ctx context.Context, t *asynq.Task) error {
	p, err := archivePayload(t)
	if err != nil {
		return err
	}
	err = h.Archives.RunImport(ctx, p.JobID)
	var refused *archive.Refused
	if errors.As(err, &refused) {
		loggerFor(ctx, t).Info("archive import refused", "import_id", p.JobID, "reason", refused.Reason)
		return nil
	}
	if err != nil && lastTry(ctx) {
		if ferr := h.Archives.FailImport(context.WithoutCancel(ctx), p.JobID); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// HandleArchivePrune removes expired exports.
func (h *ArchiveHandlers) HandleArchivePrune(ctx context.Context, _ *asynq.Task) error {
	return h.Archives.ExpireExports(ctx)
}
