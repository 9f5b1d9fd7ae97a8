package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/testenv"
)

func newLimiter(t *testing.T) *ratelimit.Limiter {
	t.Helper()
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	return ratelimit.New(rdb)
}

func TestAllow(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	lim := ratelimit.Limit{Rate: 3, Period: time.Minute}
	for i := range 3 {
		ok, retry, err := l.Allow(ctx, "login:ada", lim)
		if err != nil || !ok || retry > 0 {
			t.Fatalf("attempt %d: allowed %v, retry after %v, %v", i+1, ok, retry, err)
		}
	}
	ok, retry, err := l.Allow(ctx, "login:ada", lim)
	if err != nil || ok {
		t.Fatalf("attempt 4: allowed %v, %v; want refused", ok, err)
	}
	// One attempt comes back every Period/Rate.
	if retry <= 0 || retry > 20*time.Second {
		t.Errorf("retry after %v, want within 20s", retry)
	}
	// Keys are counted apart.
	if ok, _, err := l.Allow(ctx, "login:grace", lim); err != nil || !ok {
		t.Errorf("another key: allowed %v, %v", ok, err)
	}
}

func TestCheckDoesNotCount(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	lim := ratelimit.Limit{Rate: 2, Period: time.Hour}
	for i := range 5 {
		if ok, retry, err := l.Check(ctx, "k", lim); err != nil || !ok || retry != 0 {
			t.Fatalf("check %d on a fresh key: allowed %v, retry %v, %v", i+1, ok, retry, err)
		}
	}
	if err := l.Count(ctx, "k", lim); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := l.Check(ctx, "k", lim); err != nil || !ok {
		t.Fatalf("one of two counted: allowed %v, %v", ok, err)
	}
	if err := l.Count(ctx, "k", lim); err != nil {
		t.Fatal(err)
	}
	ok, retry, err := l.Check(ctx, "k", lim)
	if err != nil || ok {
		t.Fatalf("both counted: allowed %v, %v; want refused", ok, err)
	}
	// The next attempt fits once one of the two has drained: half an hour.
	if retry < 29*time.Minute || retry > 30*time.Minute {
		t.Errorf("retry after %v, want about 30m", retry)
	}
}

func TestCountPastTheLimit(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	lim := ratelimit.Limit{Rate: 1, Period: time.Minute}
	for range 5 {
		if err := l.Count(ctx, "k", lim); err != nil {
			t.Fatal(err)
		}
	}
	// Counts beyond the limit are not kept: the wait is one period at most.
	ok, retry, err := l.Check(ctx, "k", lim)
	if err != nil || ok || retry > time.Minute {
		t.Errorf("allowed %v, retry after %v, %v; want refused for at most a minute", ok, retry, err)
	}
	// Allow shares the key with Check and Count.
	if ok, _, err := l.Allow(ctx, "k", lim); err != nil || ok {
		t.Errorf("Allow after the limit was spent: %v, %v", ok, err)
	}
}
