package server_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

// Redis goes away while visitors read portfolios and an owner uploads:
// pages keep coming from PostgreSQL, the upload is kept, and its job is
// queued once Redis is back.
func TestRedisRestartWhileServing(t *testing.T) {
	t.Parallel()
	rd := testenv.StartPrivateRedis(t)
	db := testenv.Postgres(t)
	store := testenv.Store(t)
	rdb := redis.NewClient(&redis.Options{Addr: rd.Addr, MaxRetries: 1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	asynqRedis := asynq.RedisClientOpt{Addr: rd.Addr, DialTimeout: 200 * time.Millisecond}
	client := asynq.NewClient(asynqRedis)
	t.Cleanup(func() { client.Close() })
	mediaSvc := postgres.NewMediaService(db)
	o := servertest.Options(db, rdb)
	o.Logger = quietLogger
	o.API.Limits.LoginPerAccountIP = ratelimit.Limit{} // the default
	servertest.Media(&o, db, store, client, 64<<20, 20<<20)
	o.Site.Directory, o.Site.Media, o.Site.Store, o.Site.PageCache = directory.New(db), mediaSvc, store, rdb
	o.API.Demos = postgres.NewDemoService(db)
	o.Site.Demos = o.API.Demos
	srv := server.New(o)
	ffmpeg, ffprobe := testenv.FFmpeg(t)
	handlers := &worker.MediaHandlers{Media: mediaSvc, Store: store, Queue: client, RequeueAfter: time.Nanosecond,
		Processor: &media.Processor{FFmpeg: ffmpeg, FFprobe: ffprobe, Threads: 1, Timeout: time.Minute}}
	w, err := worker.New(worker.Options{Redis: asynqRedis, Logger: quietLogger, Concurrency: 1, ShutdownTimeout: time.Second, Media: handlers})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	m := &mediaAPI{harness: &harness{t: t, srv: srv, db: db}, store: store}
	m.base = m.listen()

	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	m.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200)

	m.expect(req{method: "GET", path: "/ada"}, 200) // cached in Redis now

	rd.Stop()
	for range 5 {
		m.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200)
	}
	// A change while Redis is down: the page is rendered from PostgreSQL.
	m.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"headline": "Written while Redis was down"}}, 200)
	if page := m.expect(req{method: "GET", path: "/ada"}, 200); !strings.Contains(string(page.body), "Written while Redis was down") {
		t.Error("with Redis down the page must come fresh from PostgreSQL")
	}
	f, _ := os.Open(testenv.Image(t, 320, 200, ".png"))
	defer f.Close()
	r := m.upload(ada.token, fmt.Sprintf("/api/v1/projects/%d/media?kind=screenshot", p.ID), f, "image/png", false)
	if r.status != 201 || r.json(t)["status"] != "uploaded" {
		t.Fatalf("upload with Redis down: %d %s", r.status, r.body)
	}
	mediaID := id(r.json(t))

	rd.Start()
	m.expect(req{method: "GET", path: "/api/v1/portfolios/ada"}, 200)
	// The periodic cleanup finds the upload whose job was lost and queues it.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := handlers.HandleUploadsCleanup(context.Background(), queue.NewUploadsCleanupTask()); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("cleanup cannot queue after Redis came back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if done := m.waitFor(ada.token, mediaID); done["status"] != "ready" {
		t.Errorf("after Redis came back the upload ended %v", done)
	}
}
