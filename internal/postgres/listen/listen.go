// Package listen delivers PostgreSQL notifications (LISTEN/NOTIFY) on one
// dedicated connection, reconnecting when it drops.
package listen

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Run listens on channel and calls fn with each notification's payload,
// in order, until ctx is done. A dropped connection is reopened with a
// backoff of up to 30 s; notifications sent while it was down are lost.
// onListen (when set) is called each time the LISTEN is in place, with
// reconnected true after a lost connection, so the caller can make up for
// what it missed.
func Run(ctx context.Context, dsn, channel string, log *slog.Logger, fn func(payload string), onListen func(reconnected bool)) {
	backoff := time.Second
	for first := true; ctx.Err() == nil; first = false {
		err := listenOnce(ctx, dsn, channel, fn, func() {
			backoff = time.Second
			if onListen != nil {
				onListen(!first)
			}
		})
		if ctx.Err() != nil {
			return
		}
		log.Warn("postgres listener lost its connection", "channel", channel, "error", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func listenOnce(ctx context.Context, dsn, channel string, fn func(string), listening func()) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
