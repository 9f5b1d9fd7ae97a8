package analytics

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisDeduper keeps "seen" marks in Redis, shared by every replica, with
// the window as their expiry: nothing outlives it.
type RedisDeduper struct{ rdb redis.UniversalClient }

// NewRedisDeduper returns a Deduper on rdb.
func NewRedisDeduper(rdb redis.UniversalClient) *RedisDeduper { return &RedisDeduper{rdb: rdb} }

// FirstSeen sets every key with NX in one pipelined round trip.
func (d *RedisDeduper) FirstSeen(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error) {
	cmds := make([]*redis.BoolCmd, len(keys))
	_, err := d.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.SetNX(ctx, k, 1, ttl)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	first := make([]bool, len(keys))
	for i, c := range cmds {
		first[i] = c.Val()
	}
	return first, nil
}
