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

// Demo check tasks run on a queue of their own, served by a worker pool
// sized for waiting on the network rather than for ffmpeg.
const (
	QueueDemo        = "demo"
	TypeDemoDispatch = "demo:dispatch"
	TypeDemoCheck    = "demo:check"
	TypeDemoPrune    = "demo:prune"
)

// DemoCheckPayload names the project whose demo to check.
type DemoCheckPayload struct {
	ProjectID int64 `json:"project_id"`
}

// NewDemoDispatchTask makes the periodic task that queues one check per
// public demo for the coming interval. Unique keeps several schedulers
// (one per worker replica) from dispatching the same interval twice.
func NewDemoDispatchTask(interval time.Duration) *asynq.Task {
	return asynq.NewTask(TypeDemoDispatch, nil, asynq.Queue(QueueDemo), asynq.Unique(interval/2), asynq.MaxRetry(2))
}

// NewDemoCheckTask makes the check of one project's demo in the interval
// slot that starts at slotStart, delayed by offset so that checks spread
// over the interval. The id names the project and the slot: queued twice
// for the same slot, it runs once.
func NewDemoCheckTask(projectID int64, slotStart time.Time, offset, interval time.Duration) (*asynq.Task, error) {
	payload, err := json.Marshal(DemoCheckPayload{ProjectID: projectID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeDemoCheck, payload,
		asynq.TaskID(fmt.Sprintf("demo:check:%d:%d", projectID, slotStart.Unix())),
		asynq.Queue(QueueDemo),
		asynq.ProcessIn(offset),
		asynq.MaxRetry(0), // the next interval is the retry
		asynq.Timeout(time.Minute),
		asynq.Retention(interval),
	), nil
}

// NewDemoPruneTask makes the periodic task that forgets old checks.
func NewDemoPruneTask() *asynq.Task {
	return asynq.NewTask(TypeDemoPrune, nil, asynq.Queue(QueueLow), asynq.Unique(50*time.Minute), asynq.MaxRetry(2))
}

// TypeAPIDocsGenerate makes a project's API document.
const TypeAPIDocsGenerate = "apidocs:generate"

// APIDocsPayload names the project whose docs to generate.
type APIDocsPayload struct {
	ProjectID int64  `json:"project_id"`
	RequestID string `json:"request_id,omitempty"`
}

// NewAPIDocsTask makes the generation task. Its id is the project's, so a
// second request while one waits replaces the source and shares the job.
func NewAPIDocsTask(projectID int64, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(APIDocsPayload{ProjectID: projectID, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeAPIDocsGenerate, payload,
		asynq.TaskID(fmt.Sprintf("apidocs:%d", projectID)),
		asynq.Queue(QueueDefault), asynq.MaxRetry(3), asynq.Timeout(10*time.Minute)), nil
}
