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
