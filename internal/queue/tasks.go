package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Task types.
const (
	TypeMediaProcess   = "media:process"
	TypeMediaDelete    = "media:delete"
	TypeUploadsCleanup = "uploads:cleanup"
)

// MediaPayload names one media item.
type MediaPayload struct {
	MediaID   int64  `json:"media_id"`
	RequestID string `json:"request_id,omitempty"`
}

// DeletePayload names an object-key prefix to delete.
type DeletePayload struct {
	Prefix    string `json:"prefix"`
	RequestID string `json:"request_id,omitempty"`
}

// NewMediaProcessTask makes the task that turns an upload into renditions.
// Its id is derived from the media id, so enqueueing it twice (a retried
// request, a double click, a second complete) makes one job; completed
// tasks are kept a day so that a late duplicate is still recognised.
func NewMediaProcessTask(mediaID int64, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(MediaPayload{MediaID: mediaID, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeMediaProcess, payload,
		asynq.TaskID(fmt.Sprintf("media:process:%d", mediaID)),
		asynq.Queue(QueueDefault),
		asynq.MaxRetry(5),
		asynq.Timeout(45*time.Minute),
		asynq.Retention(24*time.Hour),
	), nil
}

// NewMediaDeleteTask makes the task that deletes every object of a media
// item (or any other prefix) from storage.
func NewMediaDeleteTask(prefix, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(DeletePayload{Prefix: prefix, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeMediaDelete, payload, asynq.Queue(QueueLow), asynq.MaxRetry(10)), nil
}

// NewUploadsCleanupTask makes the periodic task that aborts multipart
// uploads abandoned for more than a day and re-queues lost jobs.
func NewUploadsCleanupTask() *asynq.Task {
	// Unique keeps several worker replicas, each with a scheduler, from
	// queueing the same hourly run more than once.
	return asynq.NewTask(TypeUploadsCleanup, nil, asynq.Queue(QueueLow), asynq.Unique(4*time.Minute), asynq.MaxRetry(3))
}

// Enqueuer is what enqueues tasks: an *asynq.Client.
type Enqueuer interface {
	Enqueue(t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Enqueue adds a task, treating "already queued with this id" as success:
// that is the deduplication the id is for.
func Enqueue(c Enqueuer, t *asynq.Task) error {
	if _, err := c.Enqueue(t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("enqueue %s: %w", t.Type(), err)
	}
	return nil
}
