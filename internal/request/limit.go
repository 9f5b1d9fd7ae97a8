package request

import (
	"fmt"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/ratelimit"
)

// TooMany is the 429 answer, with Retry-After in whole seconds.
func TooMany(c *fiber.Ctx, retryAfter time.Duration) error {
	secs := int(math.Ceil(retryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Set(fiber.HeaderRetryAfter, fmt.Sprint(secs))
	return folio.Errorf(folio.ETOOMANY, "Too many requests; try again in %d seconds.", secs)
}

// PerIP slows scrapers on public routes: the limit is far above what a
// person reading a portfolio produces. It counts in the process (see
// ratelimit.IPWindow), so it keeps working when Redis does not. Routes
// that share w share one count per IP.
func PerIP(w *ratelimit.IPWindow) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if ok, retryAfter := w.Allow(c.IP()); !ok {
			return TooMany(c, retryAfter)
		}
		return c.Next()
	}
}

// Allow counts one attempt against key and refuses with 429 and
// Retry-After when the limit is spent.
func Allow(c *fiber.Ctx, l *ratelimit.Limiter, key string, lim ratelimit.Limit) error {
	allowed, retryAfter, err := l.Allow(c.UserContext(), key, lim)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if !allowed {
		return TooMany(c, retryAfter)
	}
	return nil
}

// CheckLimit refuses with 429 and Retry-After when the limit on key is
// spent, without counting this attempt; CountFailure counts one. Together
// they limit failures only (wrong passwords), not every attempt.
func CheckLimit(c *fiber.Ctx, l *ratelimit.Limiter, key string, lim ratelimit.Limit) error {
	allowed, retryAfter, err := l.Check(c.UserContext(), key, lim)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if !allowed {
		return TooMany(c, retryAfter)
	}
	return nil
}

// CountFailure counts one failed attempt against key; see CheckLimit.
func CountFailure(c *fiber.Ctx, l *ratelimit.Limiter, key string, lim ratelimit.Limit) error {
	if err := l.Count(c.UserContext(), key, lim); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}
