package queue_test

import (
	"errors"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/queue"
)

type fakeQueue struct{ err error }

func (f fakeQueue) Enqueue(*asynq.Task, ...asynq.Option) (*asynq.TaskInfo, error) { return nil, f.err }

// A collision is never success in silence: the caller gets
// ErrAlreadyQueued and decides.
func TestEnqueueReportsCollisions(t *testing.T) {
	task := asynq.NewTask(queue.TypeMediaDelete, nil)
	for _, collision := range []error{asynq.ErrTaskIDConflict, asynq.ErrDuplicateTask} {
		err := queue.Enqueue(fakeQueue{collision}, task)
		if err == nil || !queue.AlreadyQueued(err) || !errors.Is(err, collision) {
			t.Errorf("collision %v: Enqueue answered %v, want ErrAlreadyQueued wrapping it", collision, err)
		}
	}
	down := errors.New("connection refused")
	if err := queue.Enqueue(fakeQueue{down}, task); !errors.Is(err, down) || queue.AlreadyQueued(err) {
		t.Errorf("Redis down: %v", err)
	}
	if err := queue.Enqueue(fakeQueue{}, task); err != nil {
		t.Errorf("success: %v", err)
	}
}
