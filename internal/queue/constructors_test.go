package queue_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
)

// TestTaskConstructors enqueues each task on a Redis database of the test's
// own and reads back what asynq stored: id, queue, retries, timeout,
// retention, delay and payload.
func TestTaskConstructors(t *testing.T) {
	t.Parallel()
	client := asynq.NewClient(queue.RedisConnOpt(testenv.Redis(t)))
	defer client.Close()
	slot := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)

	must := func(task *asynq.Task, err error) *asynq.Task {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	tests := []struct {
		name        string
		task        *asynq.Task
		typ         string
		id          string // "" for a random id
		queue       string
		maxRetry    int
		timeout     time.Duration
		retention   time.Duration
		delayed     bool
		payload     any // decoded into a fresh value of the same type
		wantPayload any
	}{
		{
			name: "media process", task: must(queue.NewMediaProcessTask(42, "0123456789abcdef0123456789abcdef", "req-1")),
			typ: queue.TypeMediaProcess, id: "media:process:0123456789abcdef0123456789abcdef", queue: queue.QueueDefault,
			maxRetry: 5, timeout: 45 * time.Minute, retention: 24 * time.Hour,
			payload: &queue.MediaPayload{}, wantPayload: &queue.MediaPayload{MediaID: 42, RequestID: "req-1"},
		},
		{
			name: "media delete", task: must(queue.NewMediaDeleteTask("media/abc/", "req-2")),
			typ: queue.TypeMediaDelete, queue: queue.QueueLow, maxRetry: 10,
			payload: &queue.DeletePayload{}, wantPayload: &queue.DeletePayload{Prefix: "media/abc/", RequestID: "req-2"},
		},
		{
			name: "uploads cleanup", task: queue.NewUploadsCleanupTask(),
			typ: queue.TypeUploadsCleanup, queue: queue.QueueLow, maxRetry: 3,
		},
		{
			name: "demo dispatch", task: queue.NewDemoDispatchTask(10 * time.Minute),
			typ: queue.TypeDemoDispatch, queue: queue.QueueDemo, maxRetry: 2,
		},
		{
			name: "demo check", task: must(queue.NewDemoCheckTask(7, slot, 90*time.Second, 10*time.Minute)),
			typ: queue.TypeDemoCheck, id: "demo:check:7:1767322800", queue: queue.QueueDemo,
			maxRetry: 0, timeout: time.Minute, retention: 10 * time.Minute, delayed: true,
			payload: &queue.DemoCheckPayload{}, wantPayload: &queue.DemoCheckPayload{ProjectID: 7},
		},
		{
			name: "demo prune", task: queue.NewDemoPruneTask(),
			typ: queue.TypeDemoPrune, queue: queue.QueueLow, maxRetry: 2,
		},
		{
			name: "api docs", task: must(queue.NewAPIDocsTask(9, "k3y", 4, "req-3")),
			typ: queue.TypeAPIDocsGenerate, id: "apidocs:k3y:4", queue: queue.QueueDefault, maxRetry: 3, timeout: 10 * time.Minute,
			payload: &queue.APIDocsPayload{}, wantPayload: &queue.APIDocsPayload{ProjectID: 9, Generation: 4, RequestID: "req-3"},
		},
		{
			name: "portfolio pdf", task: must(queue.NewPortfolioPDFTask(5, 17, "letter", "req-4")),
			typ: queue.TypePortfolioPDF, id: "portfolio:pdf:5:17:letter", queue: queue.QueueExports, maxRetry: 3, timeout: time.Minute,
			payload: &queue.PortfolioPDFPayload{}, wantPayload: &queue.PortfolioPDFPayload{UserID: 5, Version: 17, Paper: "letter", RequestID: "req-4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.task.Type() != tt.typ {
				t.Errorf("type %q, want %q", tt.task.Type(), tt.typ)
			}
			if !slices.Contains(queue.Names(), tt.queue) {
				t.Errorf("queue %q is not in queue.Names", tt.queue)
			}
			info, err := client.Enqueue(tt.task)
			if err != nil {
				t.Fatal(err)
			}
			if tt.id != "" && info.ID != tt.id {
				t.Errorf("id %q, want %q", info.ID, tt.id)
			}
			if info.Queue != tt.queue || info.MaxRetry != tt.maxRetry {
				t.Errorf("queue %q, max retry %d; want %q, %d", info.Queue, info.MaxRetry, tt.queue, tt.maxRetry)
			}
			if tt.timeout != 0 && info.Timeout != tt.timeout {
				t.Errorf("timeout %v, want %v", info.Timeout, tt.timeout)
			}
			if info.Retention != tt.retention {
				t.Errorf("retention %v, want %v", info.Retention, tt.retention)
			}
			if delayed := info.State == asynq.TaskStateScheduled; delayed != tt.delayed {
				t.Errorf("state %v, want delayed: %v", info.State, tt.delayed)
			}
			if tt.payload == nil {
				if len(info.Payload) != 0 {
					t.Errorf("payload %q, want none", info.Payload)
				}
				return
			}
			if err := json.Unmarshal(info.Payload, tt.payload); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(tt.payload)
			want, _ := json.Marshal(tt.wantPayload)
			if string(got) != string(want) {
				t.Errorf("payload %s, want %s", got, want)
			}
		})
	}
}

// Tasks with an id, or Unique ones, are made once however often they are
// enqueued.
func TestTasksDeduplicate(t *testing.T) {
	t.Parallel()
	client := asynq.NewClient(queue.RedisConnOpt(testenv.Redis(t)))
	defer client.Close()
	process := func() *asynq.Task {
		task, err := queue.NewMediaProcessTask(1, "0123456789abcdef0123456789abcdef", "")
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	for name, newTask := range map[string]func() *asynq.Task{
		"media process by id": process,
		"unique cleanup":      queue.NewUploadsCleanupTask,
		"unique demo prune":   queue.NewDemoPruneTask,
	} {
		if err := queue.Enqueue(client, newTask()); err != nil {
			t.Fatalf("%s: first enqueue: %v", name, err)
		}
		if err := queue.Enqueue(client, newTask()); !queue.AlreadyQueued(err) {
			t.Errorf("%s: second enqueue answered %v, want ErrAlreadyQueued", name, err)
		}
	}
}

func TestRedisConnOpt(t *testing.T) {
	t.Parallel()
	opt := queue.RedisConnOpt(testenv.Redis(t))
	if opt.Addr == "" || opt.DB == 0 {
		t.Errorf("RedisConnOpt lost the address or database: %+v", opt)
	}
}

func TestNamesAreDistinct(t *testing.T) {
	names := queue.Names()
	if len(slices.Compact(slices.Sorted(slices.Values(names)))) != len(names) {
		t.Errorf("queue.Names repeats a queue: %v", names)
	}
}
