package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
)

// realChecks pings this test's own PostgreSQL database, Redis database and
// bucket; store may be replaced to simulate MinIO being down.
func realChecks(t *testing.T, store *storage.Store) []health.Check {
	db := testenv.Postgres(t)
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	return []health.Check{
		{Name: "postgres", Ping: db.PingContext},
		{Name: "redis", Ping: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
		{Name: "minio", Ping: store.Ping},
	}
}

func getReady(t *testing.T, checks []health.Check) (int, server.ReadyResponse) {
	t.Helper()
	srv := server.New(server.Options{Checks: checks, MaxBodyBytes: 1 << 20, Logger: quietLogger})
	resp, err := srv.App().Test(httptest.NewRequest("GET", "/readyz", nil), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body server.ReadyResponse
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestReadyzAllUp(t *testing.T) {
	t.Parallel()
	status, body := getReady(t, realChecks(t, testenv.Store(t)))
	if status != 200 || body.Status != "ok" || len(body.Failing) != 0 {
		t.Fatalf("got %d %+v, want 200 ok", status, body)
	}
	for _, name := range []string{"postgres", "redis", "minio"} {
		if body.Checks[name] != "ok" {
			t.Errorf("check %s = %q, want ok", name, body.Checks[name])
		}
	}
}

func TestReadyzNamesTheFailingDependency(t *testing.T) {
	t.Parallel()
	opts := testenv.StorageOptions(t)
	opts.Endpoint = "127.0.0.1:1" // nothing listens on port 1
	down, err := storage.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	status, body := getReady(t, realChecks(t, down))
	if status != 503 {
		t.Fatalf("status = %d, want 503", status)
	}
	if len(body.Failing) != 1 || body.Failing[0] != "minio" || body.Checks["postgres"] != "ok" {
		t.Errorf("body = %+v, want only minio failing", body)
	}
}

func TestReadyzMissingBucket(t *testing.T) {
	t.Parallel()
	opts := testenv.StorageOptions(t)
	opts.Bucket = "no-such-bucket-" + opts.Bucket
	store, err := storage.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	status, body := getReady(t, realChecks(t, store))
	if status != 503 || len(body.Failing) != 1 || body.Failing[0] != "minio" {
		t.Errorf("got %d %+v, want 503 naming minio", status, body)
	}
}

func TestHealthzAndRequestID(t *testing.T) {
	t.Parallel()
	srv := server.New(server.Options{MaxBodyBytes: 1 << 20, Logger: quietLogger})
	req := httptest.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	resp, err := srv.App().Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("got %d, request id %q", resp.StatusCode, resp.Header.Get("X-Request-ID"))
	}
	req = httptest.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-ID", "evil\nline")
	resp, _ = srv.App().Test(req)
	if got := resp.Header.Get("X-Request-ID"); got == "" || got == "evil\nline" {
		t.Errorf("invalid request id was echoed or dropped: %q", got)
	}
}
