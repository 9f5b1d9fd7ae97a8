// Package shed keeps an overloaded server answering: requests get a
// deadline, expensive routes a bounded number of slots, and what cannot be
// served soon is refused at once with 503 and Retry-After instead of
// queueing until every client has given up.
package shed

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgconn"
)

// RetryAfter is the Retry-After of a shed request, in seconds: load comes
// in bursts, and a second is long enough for one to pass.
const RetryAfter = "1"

// Busy answers 503 with Retry-After, never cached.
func Busy(c *fiber.Ctx) error {
	c.Set(fiber.HeaderRetryAfter, RetryAfter)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(fiber.StatusServiceUnavailable).SendString("Folio is busy; please try again in a moment.\n")
}

// Limiter lets at most n requests through at once; the others wait at most
// wait for a slot and are shed when none frees up. A nil Limiter lets
// everything through.
type Limiter struct {
	slots chan struct{}
	wait  time.Duration
	shed  atomic.Int64
}

// New returns a Limiter of n slots and the given wait.
func New(n int, wait time.Duration) *Limiter {
	return &Limiter{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Shed is how many requests the limiter has refused.
func (l *Limiter) Shed() int64 {
	if l == nil {
		return 0
	}
	return l.shed.Load()
}

// Handler runs the rest of the chain in a slot, or answers Busy.
func (l *Limiter) Handler(c *fiber.Ctx) error {
	if l == nil {
		return c.Next()
	}
	select {
	case l.slots <- struct{}{}:
	default:
		t := time.NewTimer(l.wait)
		select {
		case l.slots <- struct{}{}:
			t.Stop()
		case <-t.C:
			l.shed.Add(1)
			return Busy(c)
		case <-c.UserContext().Done():
			t.Stop()
			l.shed.Add(1)
			return Busy(c)
		}
	}
	defer func() { <-l.slots }()
	return c.Next()
}

// Deadline gives each request d to be answered: its context (and so its
// database work, including the wait for a pooled connection) ends then.
// A request that ran out of time, or whose statement PostgreSQL cancelled
// (statement_timeout), answers Busy rather than 500. d 0: no deadline.
func Deadline(d time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if d <= 0 {
			return c.Next()
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), d)
		defer cancel()
		c.SetUserContext(ctx)
		err := c.Next()
		if err != nil && Overloaded(err) {
			return Busy(c)
		}
		return err
	}
}

// Overloaded reports whether err means the request ran out of time: its
// deadline passed (in the pool's queue or in a query) or PostgreSQL
// cancelled the statement.
func Overloaded(err error) bool {
	var pg *pgconn.PgError
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &pg) && pg.Code == "57014")
}
