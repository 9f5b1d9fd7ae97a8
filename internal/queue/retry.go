package queue

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
)

// EnqueueRetrying is Enqueue, tried again while Redis refuses it, for up to
// within or until ctx ends: while Sentinel promotes a replica (a few
// seconds after the primary fails) every enqueue fails, and a job queued a
// moment late is better than a request answered with an error or a job
// left to the cleanup's next round. A collision (ErrAlreadyQueued) is
// answered at once; the last error is answered when time runs out.
func EnqueueRetrying(ctx context.Context, c Enqueuer, t *asynq.Task, within time.Duration) error {
	deadline := time.Now().Add(within)
	wait := 100 * time.Millisecond
	for {
		err := Enqueue(c, t)
		if err == nil || AlreadyQueued(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}
