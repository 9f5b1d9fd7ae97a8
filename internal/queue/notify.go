package queue

import (
	"time"

	"github.com/hibiken/asynq"
)

// Notification tasks.
const (
	// TypeNotifyDeliver fans the outbox out and sends what is due; the
	// scheduler queues it every few seconds, and the outbox rows, not the
	// task, hold the state, so a lost or doubled task loses or doubles
	// nothing.
	TypeNotifyDeliver = "notify:deliver"
	// TypeNotifyDigest writes the weekly digest of every owner (Mondays).
	TypeNotifyDigest = "notify:digest"
	// TypeNotifyFollowUps writes each owner's follow-ups due today.
	TypeNotifyFollowUps = "notify:followups"
	// TypeNotifyPrune forgets notifications older than NotifyRetention.
	TypeNotifyPrune = "notify:prune"
)

// NotifyRetention is how long delivered notifications are listed.
const NotifyRetention = 90 * 24 * time.Hour

// NewNotifyPruneTask makes the daily pruning of old notifications.
func NewNotifyPruneTask() *asynq.Task {
	return asynq.NewTask(TypeNotifyPrune, nil, asynq.Queue(QueueLow), asynq.Unique(time.Hour), asynq.MaxRetry(3))
}

// NotifyDeliverEvery is how often the scheduler queues delivery.
const NotifyDeliverEvery = 10 * time.Second

// NewNotifyDeliverTask makes the periodic delivery run. Unique keeps
// replicas' schedulers from queueing one interval twice.
func NewNotifyDeliverTask() *asynq.Task {
	return asynq.NewTask(TypeNotifyDeliver, nil, asynq.Queue(QueueCritical), asynq.Unique(NotifyDeliverEvery-time.Second),
		asynq.MaxRetry(0), asynq.Timeout(2*time.Minute))
}

// NewNotifyDigestTask makes the weekly digest run; each owner's digest
// has a dedupe key per ISO week, so a second run sends nothing twice.
func NewNotifyDigestTask() *asynq.Task {
	return asynq.NewTask(TypeNotifyDigest, nil, asynq.Queue(QueueLow), asynq.Unique(time.Hour), asynq.MaxRetry(5),
		asynq.Timeout(30*time.Minute))
}

// NewNotifyFollowUpsTask makes the daily follow-ups run (dedupe per owner
// and day).
func NewNotifyFollowUpsTask() *asynq.Task {
	return asynq.NewTask(TypeNotifyFollowUps, nil, asynq.Queue(QueueLow), asynq.Unique(time.Hour), asynq.MaxRetry(5),
		asynq.Timeout(30*time.Minute))
}
