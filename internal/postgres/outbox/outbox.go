// Package outbox writes notifications to the outbox inside the caller's
// transaction, so a notification exists exactly when its cause was
// committed, and keeps what the worker needs to deliver them: deliveries,
// preferences, webhooks and the keys that seal webhook secrets.
package outbox

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type notificationRow struct {
	bun.BaseModel `bun:"table:notifications"`

	OwnerID   int64             `bun:"owner_id"`
	Kind      string            `bun:"kind"`
	Channel   string            `bun:"channel"`
	Target    string            `bun:"target"`
	DedupeKey string            `bun:"dedupe_key"`
	Payload   map[string]string `bun:"payload,type:jsonb"`
}

// Add writes ns in db (a transaction, usually) and returns how many were
// new: a notification whose DedupeKey is already in the outbox is
// skipped, so recording a cause twice sends nothing twice.
func Add(ctx context.Context, db bun.IDB, ns ...folio.Notification) (int, error) {
	if len(ns) == 0 {
		return 0, nil
	}
	rows := make([]notificationRow, len(ns))
	for i, n := range ns {
		if n.DedupeKey == "" || n.OwnerID == 0 {
			return 0, fmt.Errorf("outbox: notification %q needs an owner and a dedupe key", n.Kind)
		}
		if n.Channel != "" && n.Channel != folio.ChannelEmail {
			return 0, fmt.Errorf("outbox: notification %q: channel is empty (preferences) or email (account mail)", n.Kind)
		}
		if len(n.DedupeKey) > 200 {
			return 0, fmt.Errorf("outbox: notification %q: dedupe key over 200 bytes", n.Kind)
		}
		payload := n.Data
		if payload == nil {
			payload = map[string]string{}
		}
		rows[i] = notificationRow{OwnerID: n.OwnerID, Kind: string(n.Kind), Channel: string(n.Channel),
			Target: n.Target, DedupeKey: n.DedupeKey, Payload: payload}
	}
	res, err := db.NewInsert().Model(&rows).On("CONFLICT (dedupe_key) DO NOTHING").Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("outbox: add: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
