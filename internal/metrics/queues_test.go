package metrics

import (
	"testing"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
)

// queueSeries returns the folio_queue_tasks series as "queue/state" → value.
func queueSeries(t *testing.T, m *Metrics) map[string]float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "folio_queue_tasks" {
			continue
		}
		for _, s := range f.GetMetric() {
			var q, state string
			for _, l := range s.GetLabel() {
				switch l.GetName() {
				case "queue":
					q = l.GetValue()
				case "state":
					state = l.GetValue()
				}
			}
			key := q + "/" + state
			if _, dup := out[key]; dup {
				t.Errorf("series %s exported twice", key)
			}
			out[key] = s.GetGauge().GetValue()
		}
	}
	return out
}

func TestQueueSeriesExistFromTheStart(t *testing.T) {
	t.Parallel()
	redisOpt := queue.RedisConnOpt(testenv.Redis(t))
	inspector := asynq.NewInspector(redisOpt)
	defer inspector.Close()
	m := New()
	m.WatchQueues(inspector)

	got := queueSeries(t, m)
	if want := len(queue.Names()) * len(queueStates); len(got) != want {
		t.Errorf("%d queue series before any task, want %d: %v", len(got), want, got)
	}
	for _, q := range queue.Names() {
		for _, state := range queueStates {
			if v, ok := got[q+"/"+state]; !ok || v != 0 {
				t.Errorf("%s/%s = %v (present: %v), want 0", q, state, v, ok)
			}
		}
	}

	client := asynq.NewClient(redisOpt)
	defer client.Close()
	if _, err := client.Enqueue(asynq.NewTask(queue.TypeMediaDelete, nil, asynq.Queue(queue.QueueDefault))); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enqueue(asynq.NewTask("test:other", nil, asynq.Queue("elsewhere"))); err != nil {
		t.Fatal(err)
	}
	got = queueSeries(t, m)
	for key, want := range map[string]float64{
		"default/pending":   1,
		"default/active":    0,
		"low/pending":       0,
		"demo/pending":      0,
		"critical/pending":  0,
		"elsewhere/pending": 1, // a queue Folio does not know is still shown
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s = %v (present: %v), want %v", key, v, ok, want)
		}
	}
}
