package worker_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mail"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

// Two workers on one Redis deliver the outbox through the notify:deliver
// task: the email arrives once.
func TestWorkersDeliverTheOutboxOnce(t *testing.T) {
	db := testenv.Postgres(t)
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	to := mp.Address("worker")
	var owner int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name, email_verified_at)
		VALUES (?, 'x', 'ada', 'Ada', now()) RETURNING id`, to).Scan(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	cfg, err := mail.ParseURL(mp.SMTPURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "folio@folio.test"
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	keys, _ := notify.NewKeys(master)
	base, _ := url.Parse("https://folio.example")
	ro := testenv.Redis(t)
	redisOpt := asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB}
	for range 2 {
		d := &notify.Deliverer{Store: outbox.New(db), Mailer: mail.New(cfg), Keys: keys, BaseURL: base, Logger: quiet}
		w, err := worker.New(worker.Options{Redis: redisOpt, Logger: quiet, ShutdownTimeout: time.Second,
			Notify: &worker.NotifyHandlers{Deliverer: d}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Shutdown)
	}
	if _, err := outbox.Add(ctx, db, folio.Notification{OwnerID: owner, Kind: folio.NotifyDemoRecovered, DedupeKey: "demo_recovered:w:1",
		Data: map[string]string{"project": "Orders", "url": "/dashboard/projects/1"}}); err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(redisOpt)
	t.Cleanup(func() { client.Close() })
	inspector := asynq.NewInspector(redisOpt)
	t.Cleanup(func() { inspector.Close() })
	// The scheduler queues the task every 10 s; two queued at once stand
	// for two workers running it together.
	deliverNow := func(id string) {
		t.Helper()
		task := asynq.NewTask(queue.TypeNotifyDeliver, nil, asynq.Queue(queue.QueueCritical), asynq.TaskID(id))
		if _, err := client.Enqueue(task); err != nil {
			t.Fatal(err)
		}
	}
	deliverNow("deliver-a")
	deliverNow("deliver-b")
	msgs := mp.WaitForMail(t, to, 1, 20*time.Second)
	if msgs[0].Subject != "Live demo back up: Orders" {
		t.Errorf("subject %q", msgs[0].Subject)
	}
	// Runs after the deliveries are done send nothing more.
	deliverNow("deliver-c")
	deliverNow("deliver-d")
	deadline := time.Now().Add(20 * time.Second)
	for _, id := range []string{"deliver-c", "deliver-d"} {
		for {
			if _, err := inspector.GetTaskInfo(queue.QueueCritical, id); err != nil { // done and gone
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("task %s not run", id)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	ds, err := outbox.New(db).Deliveries(ctx, owner, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Status != folio.DeliverySent || ds[0].Attempts != 1 {
		t.Fatalf("deliveries %+v", ds)
	}
	if got := mp.Messages(t, to); len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
}
