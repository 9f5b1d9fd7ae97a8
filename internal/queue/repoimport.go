package queue

import (
	"encoding/json"
	"time"

	"github.com/hibiken/asynq"
)

// TypeRepoImport clones a repository and makes a draft project of it.
const TypeRepoImport = "repoimport:run"

// RepoImportPayload names the import to run.
type RepoImportPayload struct {
	ImportID  int64  `json:"import_id"`
	RequestID string `json:"request_id,omitempty"`
}

// NewRepoImportTask makes the task of one import. It carries no task id:
// the import's row is made once per request, and the job does nothing for
// an import that has finished, so a duplicate is harmless.
func NewRepoImportTask(importID int64, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(RepoImportPayload{ImportID: importID, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeRepoImport, payload,
		asynq.Queue(QueueDefault), asynq.MaxRetry(2), asynq.Timeout(6*time.Minute)), nil
}
