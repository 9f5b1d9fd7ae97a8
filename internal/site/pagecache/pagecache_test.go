package pagecache_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/site/pagecache"
	"github.com/foliohq/folio/internal/testenv"
)

func newCache(t *testing.T) pagecache.Cache {
	t.Helper()
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	return pagecache.Cache{R: rdb}
}

// put stores a page after a look-up, as a render does.
func put(t *testing.T, c pagecache.Cache, handle, path string, owner int64, ttl time.Duration) {
	t.Helper()
	ctx := context.Background()
	_, gen, _, err := c.Get(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put(ctx, handle, path, gen, owner, 0, []byte("<p>"+path+"</p>"), ttl); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := c.Get(ctx, path); err != nil || !ok {
		t.Fatalf("%s not cached after Put: %v", path, err)
	}
}

func TestAPageWithRelativeTimesShortensItsHandlesLifetime(t *testing.T) {
	t.Parallel()
	c := newCache(t)
	ctx := context.Background()
	put(t, c, "ada", "/ada", 1, pagecache.TTL)
	if ttl := c.R.TTL(ctx, "folio:pages:ada").Val(); ttl <= pagecache.ShortTTL || ttl > pagecache.TTL {
		t.Fatalf("a page without relative times: TTL %v, want up to %v", ttl, pagecache.TTL)
	}
	put(t, c, "ada", "/ada/orders", 1, pagecache.ShortTTL)
	put(t, c, "ada", "/ada/feeds", 1, pagecache.TTL)
	if ttl := c.R.TTL(ctx, "folio:pages:ada").Val(); ttl <= 0 || ttl > pagecache.ShortTTL {
		t.Fatalf("after a page with a demo badge: TTL %v, want at most %v", ttl, pagecache.ShortTTL)
	}
}

// Pages cached together (a cold start) must not all expire together.
func TestPagesCachedTogetherExpireOverAStretch(t *testing.T) {
	t.Parallel()
	c := newCache(t)
	ctx := context.Background()
	lifetimes := map[time.Duration]bool{}
	for i := range 40 {
		h := fmt.Sprintf("u%d", i)
		put(t, c, h, "/"+h, int64(i+1), pagecache.TTL)
		ttl := c.R.TTL(ctx, "folio:pages:"+h).Val()
		if ttl < pagecache.TTL*3/4-time.Second || ttl > pagecache.TTL {
			t.Fatalf("%s: TTL %v, want between 3/4 of %v and it", h, ttl, pagecache.TTL)
		}
		lifetimes[ttl.Truncate(time.Second)] = true
	}
	if len(lifetimes) < 10 {
		t.Errorf("40 pages cached at once expire at only %d different times", len(lifetimes))
	}
}

func TestForgetFindsTheOwnersPagesFromPut(t *testing.T) {
	t.Parallel()
	c := newCache(t)
	ctx := context.Background()
	put(t, c, "Ada", "/ada", 7, pagecache.TTL)
	if err := c.Forget(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := c.Get(ctx, "/ada"); ok {
		t.Fatal("the page is still cached after Forget of its owner")
	}
}

func TestDropAllDropsEveryHandleAndRefusesRendersSeenBefore(t *testing.T) {
	t.Parallel()
	c := newCache(t)
	ctx := context.Background()
	for i, h := range []string{"ada", "grace", "linus"} {
		put(t, c, h, "/"+h, int64(i+1), pagecache.TTL)
	}
	// A render that looked before the drop, storing after it.
	_, stale, _, err := c.Get(ctx, "/ada/orders")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DropAll(ctx); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"ada", "grace", "linus"} {
		if _, _, ok, _ := c.Get(ctx, "/"+h); ok {
			t.Errorf("/%s still cached after DropAll", h)
		}
	}
	if err := c.Put(ctx, "ada", "/ada/orders", stale, 1, 0, []byte("old"), pagecache.TTL); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := c.Get(ctx, "/ada/orders"); ok {
		t.Fatal("a page rendered before DropAll was stored after it")
	}
	put(t, c, "ada", "/ada", 1, pagecache.TTL) // and new renders are cached again
}
