package worker

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/queue"
)

// NotifyHandlers deliver the notification outbox and write the scheduled
// notifications (weekly digest, follow-ups due).
type NotifyHandlers struct {
	Deliverer *notify.Deliverer
	// Digest and FollowUps are nil until their sources are wired.
	Digest    *notify.Digest
	FollowUps *notify.FollowUps
}

// HandleNotifyDeliver sends what is due, for up to a minute.
func (h *NotifyHandlers) HandleNotifyDeliver(ctx context.Context, _ *asynq.Task) error {
	return h.Deliverer.Run(ctx, time.Minute)
}

// HandleNotifyPrune forgets notifications past queue.NotifyRetention.
func (h *NotifyHandlers) HandleNotifyPrune(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Deliverer.Store.Prune(ctx, time.Now().Add(-queue.NotifyRetention))
	return err
}

// HandleNotifyDigest writes this week's digests.
func (h *NotifyHandlers) HandleNotifyDigest(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Digest.Run(ctx, time.Now())
	return err
}

// HandleNotifyFollowUps writes today's follow-up reminders.
func (h *NotifyHandlers) HandleNotifyFollowUps(ctx context.Context, _ *asynq.Task) error {
	_, err := h.FollowUps.Run(ctx, time.Now())
	return err
}
