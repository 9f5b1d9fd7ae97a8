// Package purge removes the stored objects of deleted rows. The rows'
// transaction records each object folder (folio.ObjectDeletionService);
// a task removes it at once, and a periodic reconcile removes whatever
// that task missed, so that a delete while the queue is down leaves
// nothing behind.
package purge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
)

// DefaultSettle is how long after a delete its folder is removed a second
// time before the record goes: longer than the longest job that may still
// have been writing there (media processing times out after 45 minutes).
const DefaultSettle = time.Hour

// batch is how many deletions a reconcile handles per query.
const batch = 500

// Store removes object folders: a *storage.Store.
type Store interface {
	RemovePrefix(ctx context.Context, prefix string) error
}

// Purger schedules and carries out recorded object deletions.
type Purger struct {
	Deletions folio.ObjectDeletionService
	Store     Store
	Queue     queue.Enqueuer
	Settle    time.Duration // 0: DefaultSettle
	Logger    *slog.Logger  // nil: slog.Default()
}

// Schedule queues the removal of ds's folders. A queue that fails is
// logged, never returned: the deletions stay recorded and the reconcile
// removes them, so the caller's delete has succeeded either way.
func (p *Purger) Schedule(ctx context.Context, ds []folio.ObjectDeletion) {
	if len(ds) == 0 {
		return
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	task, err := queue.NewObjectsDeleteTask(ids, queue.RequestID(ctx))
	if err == nil {
		err = queue.Enqueue(p.Queue, task)
	}
	if err != nil {
		p.logger().Warn("object deletion not queued; the reconcile will remove the objects", "deletion_ids", ids,
			"request_id", queue.RequestID(ctx), "error", err)
	}
}

// Remove removes the folders of the recorded deletions among ids that
// were not removed yet. It goes on past a failure and returns them all.
func (p *Purger) Remove(ctx context.Context, ids []int64) error {
	ds, err := p.Deletions.ObjectDeletions(ctx, ids)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range ds {
		errs = append(errs, p.remove(ctx, d, false))
	}
	return errors.Join(errs...)
}

// Reconcile removes the folders of every deletion never removed, and
// removes settled ones once more and forgets them. It returns how many
// folders it removed.
func (p *Purger) Reconcile(ctx context.Context) (int, error) {
	settledBefore := time.Now().Add(-p.settle())
	removed := 0
	var errs []error
	for {
		ds, err := p.Deletions.DueObjectDeletions(ctx, settledBefore, batch)
		if err != nil {
			return removed, err
		}
		failed := false
		for _, d := range ds {
			if err := p.remove(ctx, d, d.CreatedAt.Before(settledBefore)); err != nil {
				errs = append(errs, err)
				failed = true
				continue
			}
			removed++
		}
		// A failed row stays due: stop rather than meet it again.
		if len(ds) < batch || failed {
			return removed, errors.Join(errs...)
		}
	}
}

func (p *Purger) remove(ctx context.Context, d folio.ObjectDeletion, forget bool) error {
	// The table's check says the same; a bad record must never turn into
	// "delete the bucket".
	if !folio.IsDeletablePrefix(d.Prefix) {
		return fmt.Errorf("object deletion %d: %q is not one item's folder", d.ID, d.Prefix)
	}
	if err := p.Store.RemovePrefix(ctx, d.Prefix); err != nil {
		if ferr := p.Deletions.ObjectRemovalFailed(context.WithoutCancel(ctx), d.ID, err.Error()); ferr != nil {
			p.logger().Error("object removal failure not recorded", "deletion_id", d.ID, "error", ferr)
		}
		return fmt.Errorf("remove %s: %w", d.Prefix, err)
	}
	return p.Deletions.ObjectsRemoved(ctx, d.ID, forget)
}

func (p *Purger) settle() time.Duration {
	if p.Settle > 0 {
		return p.Settle
	}
	return DefaultSettle
}

func (p *Purger) logger() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}
