package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/queue"
)

// DemoRetention is how long raw checks are kept.
const DemoRetention = 30 * 24 * time.Hour

// DemoHandlers check live demos on a schedule; each check is the
// demo.Monitor's, the workflow the API's "check now" runs too.
type DemoHandlers struct {
	Demos    folio.DemoService
	Monitor  *demo.Monitor
	Queue    queue.Enqueuer
	Interval time.Duration
	Metrics  *metrics.Metrics // nil: none
	now      func() time.Time
}

func (h *DemoHandlers) clock() time.Time {
	if h.now != nil {
		return h.now()
	}
	return time.Now()
}

// spread gives each project a fixed offset within the interval, so that
// thousands of checks do not start in the same second and each project is
// checked at the same phase every interval.
func spread(projectID int64, interval time.Duration) time.Duration {
	f := fnv.New64a()
	f.Write([]byte(strconv.FormatInt(projectID, 10)))
	return time.Duration(f.Sum64() % uint64(interval))
}

// HandleDemoDispatch queues this interval's check of every public demo.
func (h *DemoHandlers) HandleDemoDispatch(ctx context.Context, t *asynq.Task) error {
	var p queue.DemoDispatchPayload
	if t != nil && len(t.Payload()) > 0 {
		if err := json.Unmarshal(t.Payload(), &p); err != nil {
			return fmt.Errorf("demo dispatch payload: %v: %w", err, asynq.SkipRetry)
		}
	}
	slot := h.clock().Truncate(h.Interval)
	var after int64
	queued, already := 0, 0
	for {
		targets, err := h.Demos.DemoTargets(ctx, after, 1000)
		if err != nil {
			return err
		}
		for _, tg := range targets {
			// The offset counts from the slot's start, so a dispatch that
			// runs late still keeps each project at its phase.
			offset := slot.Add(spread(tg.ProjectID, h.Interval)).Sub(h.clock())
			if offset < 0 || p.Now {
				offset = 0
			}
			task, err := queue.NewDemoCheckTask(tg.ProjectID, slot, offset, h.Interval)
			if err != nil {
				return err
			}
			// The slot is in the id: a second dispatch of the same
			// interval (a retry, a second scheduler) finds its checks
			// already queued, and they run once.
			err = queue.Enqueue(h.Queue, task)
			switch {
			case queue.AlreadyQueued(err):
				already++
				h.Metrics.TaskAlreadyQueued(task.Type())
			case err != nil:
				return err
			default:
				queued++
			}
			after = tg.ProjectID
		}
		if len(targets) < 1000 {
			break
		}
	}
	log := loggerFor(ctx, nil)
	log.Debug("demo checks queued", "count", queued, "slot", slot)
	if already > 0 {
		log.Info("demo checks already queued for this slot", "count", already, "slot", slot)
	}
	return nil
}

// HandleDemoCheck checks one demo and records the result.
func (h *DemoHandlers) HandleDemoCheck(ctx context.Context, t *asynq.Task) error {
	var p queue.DemoCheckPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	_, err := h.Monitor.Check(ctx, p.ProjectID)
	return err
}

// HandleDemoPrune deletes checks older than DemoRetention.
func (h *DemoHandlers) HandleDemoPrune(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Demos.PruneDemoChecks(ctx, h.clock().Add(-DemoRetention))
	return err
}
