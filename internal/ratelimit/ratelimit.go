// Package ratelimit counts attempts in Redis, so that a limit holds across
// every API replica.
package ratelimit

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limit is a number of attempts per period.
type Limit struct {
	Rate   int
	Period time.Duration
}

// Limiter applies limits to keys.
type Limiter struct {
	rl *redis_rate.Limiter
}

// New returns a Limiter on rdb.
func New(rdb *redis.Client) *Limiter {
	return &Limiter{rl: redis_rate.NewLimiter(rdb)}
}

// Allow counts one attempt for key and reports whether it is allowed; when
// it is not, retryAfter says when the next one will be.
func (l *Limiter) Allow(ctx context.Context, key string, lim Limit) (allowed bool, retryAfter time.Duration, err error) {
	res, err := l.rl.Allow(ctx, "folio:rl:"+key, redis_rate.Limit{Rate: lim.Rate, Burst: lim.Rate, Period: lim.Period})
	if err != nil {
		return false, 0, err
	}
	return res.Allowed > 0, res.RetryAfter, nil
}

// Check reports whether one more attempt on key would be allowed, without
// counting it; with Count it limits what happens after a check, such as
// failed logins, rather than every attempt.
func (l *Limiter) Check(ctx context.Context, key string, lim Limit) (allowed bool, retryAfter time.Duration, err error) {
	// A cost of 0 reads the state; one more attempt fits when at least one
	// whole attempt remains.
	res, err := l.rl.AllowN(ctx, "folio:rl:"+key, redis_rate.Limit{Rate: lim.Rate, Burst: lim.Rate, Period: lim.Period}, 0)
	if err != nil {
		return false, 0, err
	}
	if res.Remaining >= 1 {
		return true, 0, nil
	}
	// The next attempt fits once the state has drained to Rate-1 attempts.
	wait := res.ResetAfter - time.Duration(lim.Rate-1)*lim.Period/time.Duration(lim.Rate)
	return false, max(wait, time.Second), nil
}

// Count counts one attempt on key, such as a failed login; once the limit
// is spent, further attempts are not counted.
func (l *Limiter) Count(ctx context.Context, key string, lim Limit) error {
	_, _, err := l.Allow(ctx, key, lim)
	return err
}
