package queue_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
)

// With FOLIO_REDIS_URL naming a Sentinel master, asynq's client and server
// follow the master through a failover: the master is killed, the
// sentinels promote the replica, and tasks enqueued before and after are
// all processed by the same client and server, neither restarted.
func TestQueueFollowsARedisFailover(t *testing.T) {
	g := testenv.StartSentinelGroup(t)
	failover, err := config.Config{RedisURL: g.URL()}.RedisFailover()
	if err != nil || failover == nil {
		t.Fatalf("RedisFailover(%q) = %v, %v", g.URL(), failover, err)
	}
	conn := queue.FailoverConnOpt(failover)
	client := asynq.NewClient(conn)
	defer client.Close()

	var mu sync.Mutex
	done := map[string]bool{}
	srv := asynq.NewServer(conn, asynq.Config{Concurrency: 2, Queues: map[string]int{"failover": 1},
		LogLevel: asynq.FatalLevel, HealthCheckInterval: 200 * time.Millisecond})
	mux := asynq.NewServeMux()
	mux.HandleFunc("failover:test", func(_ context.Context, task *asynq.Task) error {
		mu.Lock()
		done[string(task.Payload())] = true
		mu.Unlock()
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()

	// Enqueued with retries, as an outage of a few seconds refuses some.
	enqueue := func(id string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := client.Enqueue(asynq.NewTask("failover:test", []byte(id)), asynq.Queue("failover"))
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("enqueue %s: %v", id, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitAll := func(n int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			mu.Lock()
			got := len(done)
			mu.Unlock()
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d tasks processed", got, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	for i := range 10 {
		enqueue(fmt.Sprint("before-", i))
	}
	waitAll(10)
	oldMaster := g.MasterAddr(t)
	g.Master.Stop()
	for i := range 10 {
		enqueue(fmt.Sprint("after-", i))
	}
	waitAll(20)
	if oldMaster == g.Replica.Addr {
		t.Fatalf("the replica %s was the master before the failover", oldMaster)
	}
	g.WaitMaster(t, g.Replica.Addr)
}
