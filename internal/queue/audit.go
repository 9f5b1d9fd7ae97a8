package queue

import (
	"time"

	"github.com/hibiken/asynq"
)

// TypeAuditPrune deletes audit entries older than audit.Retention.
const TypeAuditPrune = "audit:prune"

// NewAuditPruneTask makes the daily pruning of the audit log.
func NewAuditPruneTask() *asynq.Task {
	return asynq.NewTask(TypeAuditPrune, nil, asynq.Queue(QueueLow), asynq.Unique(time.Hour), asynq.MaxRetry(3))
}
