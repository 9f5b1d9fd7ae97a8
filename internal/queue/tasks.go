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
// Its id is derived from the media's random public key, so enqueueing it
// twice (a retried request, a double click, a second complete) makes one
// job (Enqueue answers ErrAlreadyQueued), while media of another database
// sharing the Redis, or of a database recreated under a kept Redis, never
// collides with it. Completed tasks are kept a day so that a late
// duplicate is still recognised.
func NewMediaProcessTask(mediaID int64, publicKey, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(MediaPayload{MediaID: mediaID, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeMediaProcess, payload,
		asynq.TaskID("media:process:"+publicKey),
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

// NewUploadsCleanupTask makes the periodic task (every five minutes) that
// aborts multipart uploads abandoned for more than a day and re-queues lost
// jobs.
func NewUploadsCleanupTask() *asynq.Task {
	// Unique keeps several worker replicas, each with a scheduler, from
	// queueing the same five-minute run more than once.
	return asynq.NewTask(TypeUploadsCleanup, nil, asynq.Queue(QueueLow), asynq.Unique(4*time.Minute), asynq.MaxRetry(3))
}

// Enqueuer is what enqueues tasks: an *asynq.Client.
type Enqueuer interface {
	Enqueue(t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// ErrAlreadyQueued is Enqueue's answer when a task with the same id (or,
// for a Unique task, the same type and payload) is still held by the queue:
// pending, scheduled, running, waiting to retry, kept after completion or
// archived after failing. No new job was made.
var ErrAlreadyQueued = errors.New("a task with the same id is already queued")

// Enqueue adds a task. A collision is never swallowed: it answers an error
// that wraps ErrAlreadyQueued, and the caller says whether that is the
// deduplication it wanted (see AlreadyQueued) or a job that will not run.
func Enqueue(c Enqueuer, t *asynq.Task) error {
	_, err := c.Enqueue(t)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, asynq.ErrTaskIDConflict), errors.Is(err, asynq.ErrDuplicateTask):
		return fmt.Errorf("enqueue %s: %w (%w)", t.Type(), ErrAlreadyQueued, err)
	default:
		return fmt.Errorf("enqueue %s: %w", t.Type(), err)
	}
}

// AlreadyQueued reports whether err is Enqueue's ErrAlreadyQueued.
func AlreadyQueued(err error) bool { return errors.Is(err, ErrAlreadyQueued) }

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

// DemoDispatchPayload changes how a dispatch spreads its checks.
type DemoDispatchPayload struct {
	// Now checks every demo at once instead of at its phase of the
	// interval: `folio dev` at start, so badges turn green in seconds.
	Now bool `json:"now,omitempty"`
}

// NewDemoDispatchNowTask makes a one-off dispatch that checks every
// public demo at once. Its checks carry the current slot's ids, so the
// scheduled dispatch of the same interval does not check them again.
func NewDemoDispatchNowTask(interval time.Duration) *asynq.Task {
	payload, _ := json.Marshal(DemoDispatchPayload{Now: true})
	return asynq.NewTask(TypeDemoDispatch, payload, asynq.Queue(QueueDemo), asynq.Unique(interval/2), asynq.MaxRetry(2))
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

// APIDocsPayload names the project whose docs to generate, and the
// request (generation) the task was queued for.
type APIDocsPayload struct {
	ProjectID  int64  `json:"project_id"`
	Generation int64  `json:"generation,omitempty"` // 0: queued before generations were named
	RequestID  string `json:"request_id,omitempty"`
}

// NewAPIDocsTask makes the generation task of one request. Every request
// has a generation of its own, and so a task id of its own: a task kept
// after an earlier request (archived after a failure) can never stand in
// for a new one. A job that finds a newer generation leaves it to that
// request's task. key is the random key of the project's docs, so that a
// database recreated under a kept Redis does not meet its old ids.
func NewAPIDocsTask(projectID int64, key string, generation int64, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(APIDocsPayload{ProjectID: projectID, Generation: generation, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeAPIDocsGenerate, payload,
		asynq.TaskID(fmt.Sprintf("apidocs:%s:%d", key, generation)),
		asynq.Queue(QueueDefault), asynq.MaxRetry(3), asynq.Timeout(10*time.Minute)), nil
}
