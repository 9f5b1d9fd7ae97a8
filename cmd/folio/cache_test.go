package main

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
)

// With FOLIO_CACHE_REDIS_URL, `folio serve` keeps its cached pages in
// that Redis (one without persistence, in production) and none in
// FOLIO_REDIS_URL's, which holds the queue.
func TestServeKeepsPagesInTheCacheRedis(t *testing.T) {
	ctx := context.Background()
	st := newStack(t, time.Second)
	co := testenv.Redis(t)
	st.env = append(st.env, fmt.Sprintf("FOLIO_CACHE_REDIS_URL=redis://%s/%d", co.Addr, co.DB), "FOLIO_ANALYTICS=false")
	db, err := postgres.Open(ctx, st.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `WITH u AS (INSERT INTO users (email, password_hash, handle, display_name)
		VALUES ('ada@example.com', 'x', 'ada', 'Ada') RETURNING id)
		INSERT INTO projects (owner_id, slug, title, visibility) SELECT id, 'orders-api', 'Orders API', 'public' FROM u`); err != nil {
		t.Fatal(err)
	}
	p := st.startCmd(t, exec.Command(folioBinary(t), "serve"))
	defer p.stop(t, 10*time.Second)
	poll(t, "serve ready", 20*time.Second, func() bool {
		resp, err := http.Get("http://" + st.httpAddr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	resp, err := http.Get("http://" + st.httpAddr + "/ada")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "miss" {
		t.Fatalf("/ada: %d, X-Cache %q", resp.StatusCode, resp.Header.Get("X-Cache"))
	}
	cache, queue := redis.NewClient(co), redis.NewClient(&redis.Options{Addr: st.redis.Addr, DB: st.redis.DB})
	defer cache.Close()
	defer queue.Close()
	if n, err := cache.HLen(ctx, "folio:pages:ada").Result(); err != nil || n == 0 {
		t.Errorf("the cache Redis holds %d fields of ada's pages (%v), want the page", n, err)
	}
	if n, err := queue.Exists(ctx, "folio:pages:ada").Result(); err != nil || n != 0 {
		t.Errorf("FOLIO_REDIS_URL's Redis holds ada's pages (%d, %v)", n, err)
	}
}
