package queue

import (
	"encoding/json"
	"time"

	"github.com/hibiken/asynq"
)

// Object deletion tasks remove the stored objects of deleted rows, as
// recorded in the object_deletions table in the rows' own transaction.
const (
	TypeObjectsDelete    = "objects:delete"
	TypeObjectsReconcile = "objects:reconcile"
)

// ObjectsDeletePayload names the recorded deletions to carry out.
type ObjectsDeletePayload struct {
	DeletionIDs []int64 `json:"deletion_ids"`
	RequestID   string  `json:"request_id,omitempty"`
}

// NewObjectsDeleteTask makes the task that removes the objects of the
// given recorded deletions at once. Losing it loses nothing: the periodic
// reconcile removes whatever is recorded.
func NewObjectsDeleteTask(ids []int64, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(ObjectsDeletePayload{DeletionIDs: ids, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeObjectsDelete, payload, asynq.Queue(QueueLow), asynq.MaxRetry(10)), nil
}

// NewObjectsReconcileTask makes the periodic task that removes every
// recorded deletion's objects still due. Unique keeps several schedulers
// (one per worker replica) from queueing the same run twice.
func NewObjectsReconcileTask() *asynq.Task {
	return asynq.NewTask(TypeObjectsReconcile, nil, asynq.Queue(QueueLow), asynq.Unique(4*time.Minute), asynq.MaxRetry(3))
}
