package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
)

// partitionsAhead is how many months of event partitions exist ahead of
// today, so that an insert never finds its month missing.
const partitionsAhead = 3

// AnalyticsHandlers maintain the analytics tables.
type AnalyticsHandlers struct {
	Events    folio.EventStore
	Retention time.Duration // raw events older than this go, a month at a time
	Logger    *slog.Logger
	Now       func() time.Time // the clock; nil: time.Now
}

// HandleAnalyticsMaintain creates partitions ahead, drops whole partitions
// past retention (never a row-by-row delete), destroys the salts of past
// days (so their visitor ids can never be recomputed), and rolls up
// yesterday and the day before (late events converge; today is read raw).
func (h *AnalyticsHandlers) HandleAnalyticsMaintain(ctx context.Context, _ *asynq.Task) error {
	now := time.Now().UTC()
	if h.Now != nil {
		now = h.Now().UTC()
	}
	if err := h.Events.EnsurePartitions(ctx, now, partitionsAhead); err != nil {
		return err
	}
	dropped, err := h.Events.DropPartitionsBefore(ctx, now.Add(-h.Retention))
	if err != nil {
		return err
	}
	for _, name := range dropped {
		h.Logger.Info("analytics partition dropped", "partition", name)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if _, err := h.Events.ForgetSaltsBefore(ctx, today); err != nil {
		return err
	}
	for _, day := range []time.Time{today.AddDate(0, 0, -2), today.AddDate(0, 0, -1)} {
		if err := h.Events.RollUp(ctx, day); err != nil {
			return fmt.Errorf("roll up %s: %w", day.Format(time.DateOnly), err)
		}
	}
	return nil
}
