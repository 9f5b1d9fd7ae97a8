package queue

import (
	"encoding/json"
	"time"

	"github.com/hibiken/asynq"
)

// Account archive tasks: building an export, importing an uploaded
// archive, and removing expired exports.
const (
	TypeArchiveExport = "archive:export"
	TypeArchiveImport = "archive:import"
	TypeArchivePrune  = "archive:prune"
)

// ArchivePayload names an export or import job and its owner (whose
// deletion finds the task by owner_id).
type ArchivePayload struct {
	JobID     int64  `json:"job_id"`
	OwnerID   int64  `json:"owner_id"`
	RequestID string `json:"request_id,omitempty"`
}

func archiveTask(typ, key string, jobID, ownerID int64, requestID string, timeout time.Duration) (*asynq.Task, error) {
	payload, err := json.Marshal(ArchivePayload{JobID: jobID, OwnerID: ownerID, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	// The id carries the job's random key: queued twice, it runs once.
	return asynq.NewTask(typ, payload, asynq.TaskID(typ+":"+key), asynq.Queue(QueueLow),
		asynq.MaxRetry(3), asynq.Timeout(timeout), asynq.Retention(time.Hour)), nil
}

// NewArchiveExportTask makes the task that builds export jobID into the
// bucket. An account of several GiB takes minutes.
func NewArchiveExportTask(jobID, ownerID int64, key, requestID string) (*asynq.Task, error) {
	return archiveTask(TypeArchiveExport, key, jobID, ownerID, requestID, 2*time.Hour)
}

// NewArchiveImportTask makes the task that verifies and imports the
// archive uploaded for import jobID.
func NewArchiveImportTask(jobID, ownerID int64, key, requestID string) (*asynq.Task, error) {
	return archiveTask(TypeArchiveImport, key, jobID, ownerID, requestID, 2*time.Hour)
}

// NewArchivePruneTask makes the periodic task that removes expired
// exports. Unique keeps several schedulers from queueing one run twice.
func NewArchivePruneTask() *asynq.Task {
	return asynq.NewTask(TypeArchivePrune, nil, asynq.Queue(QueueLow), asynq.Unique(50*time.Minute), asynq.MaxRetry(3))
}
