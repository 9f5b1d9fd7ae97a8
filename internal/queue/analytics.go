package queue

import (
	"time"

	"github.com/hibiken/asynq"
)

// TypeAnalyticsMaintain keeps the analytics tables in shape: partitions
// ahead, old partitions and salts gone, recent days rolled up.
const TypeAnalyticsMaintain = "analytics:maintain"

// NewAnalyticsMaintainTask makes the periodic maintenance task. Unique
// keeps several schedulers (one per worker replica) from running it twice
// in one period.
func NewAnalyticsMaintainTask() *asynq.Task {
	return asynq.NewTask(TypeAnalyticsMaintain, nil, asynq.Queue(QueueLow), asynq.Unique(50*time.Minute),
		asynq.MaxRetry(3), asynq.Timeout(10*time.Minute))
}
