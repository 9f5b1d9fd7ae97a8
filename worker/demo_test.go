package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

// demoServer answers 200 (or 503 while down) and records which project
// path each check asked for, and when.
type demoServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]time.Time
	down bool
}

func newDemoServer(t *testing.T) *demoServer {
	d := &demoServer{hits: map[string][]time.Time{}}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.hits[r.URL.Path] = append(d.hits[r.URL.Path], time.Now())
		down := d.down
		d.mu.Unlock()
		if down {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("demo"))
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *demoServer) setDown(v bool) { d.mu.Lock(); d.down = v; d.mu.Unlock() }

func (d *demoServer) times(path string) []time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Time{}, d.hits[path]...)
}

func publicProject(t *testing.T, f *fixture, title, demoURL string) *folio.Project {
	t.Helper()
	vis := folio.VisibilityPublic
	p, err := postgres.NewProjectService(f.db).CreateProject(context.Background(), f.project.OwnerID, folio.ProjectInput{Title: &title, DemoURL: &demoURL, Visibility: &vis})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDemoStateEventsAndUptime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newDemoServer(t)
	p := publicProject(t, f, "Orders", srv.URL+"/orders")
	demos := postgres.NewDemoService(f.db)
	mon := &demo.Monitor{Demos: demos, Checker: demo.NewChecker(2*time.Second, true), Logger: quiet}
	h := &worker.DemoHandlers{Demos: demos, Monitor: mon, Interval: time.Minute}

	check := func() *folio.DemoCheck {
		c, err := mon.Check(ctx, p.ID)
		if err != nil || c == nil {
			t.Fatalf("check: %v %v", c, err)
		}
		return c
	}
	if c := check(); !c.Up || c.StatusCode != 200 {
		t.Fatalf("first check %+v", c)
	}
	srv.setDown(true)
	check()
	sum, _ := demos.DemoSummary(ctx, p.ID, 10)
	if sum.State != folio.DemoDown || len(sum.Events) != 0 {
		t.Errorf("after one failure: %s with %d events; one failure is not yet an event", sum.State, len(sum.Events))
	}
	c := check()
	if c.ErrorClass != demo.ClassHTTP || !strings.Contains(c.Error, "503") {
		t.Errorf("down check %+v", c)
	}
	sum, _ = demos.DemoSummary(ctx, p.ID, 10)
	if len(sum.Events) != 1 || sum.Events[0].Kind != "down" {
		t.Fatalf("two failures in a row: events %+v", sum.Events)
	}
	check() // a third failure adds no event
	srv.setDown(false)
	check()
	sum, _ = demos.DemoSummary(ctx, p.ID, 10)
	if sum.State != folio.DemoUp || len(sum.Events) != 2 || sum.Events[0].Kind != "recovered" {
		t.Errorf("after recovery: %s, events %+v", sum.State, sum.Events)
	}
	if sum.Uptime24h == nil || *sum.Uptime24h != 0.4 || len(sum.Recent) != 5 || !sum.Recent[0].Up {
		t.Errorf("uptime %v over %d checks", sum.Uptime24h, len(sum.Recent))
	}
	if sum.Since.IsZero() || sum.LastCheck == nil {
		t.Errorf("summary lacks since/last check: %+v", sum)
	}

	// A draft is not checked.
	draftTitle, url := "Draft", srv.URL+"/draft"
	draft, _ := postgres.NewProjectService(f.db).CreateProject(ctx, f.project.OwnerID, folio.ProjectInput{Title: &draftTitle, DemoURL: &url})
	if c, err := mon.Check(ctx, draft.ID); c != nil || err != nil {
		t.Errorf("a draft's demo was checked: %v %v", c, err)
	}

	// Pruning keeps 30 days.
	if _, err := f.db.ExecContext(ctx, "UPDATE demo_checks SET checked_at = now() - interval '31 days' WHERE id IN (SELECT id FROM demo_checks ORDER BY id LIMIT 2)"); err != nil {
		t.Fatal(err)
	}
	if err := h.HandleDemoPrune(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if sum, _ := demos.DemoSummary(ctx, p.ID, 10); len(sum.Recent) != 3 {
		t.Errorf("%d checks after pruning, want 3", len(sum.Recent))
	}
}

// Two worker processes, each with its scheduler, share one Redis: every
// project is still checked once per interval.
func TestTwoSchedulersCheckEachProjectOncePerInterval(t *testing.T) {
	f := newFixture(t)
	srv := newDemoServer(t)
	var paths []string
	for i := range 4 {
		path := fmt.Sprintf("/p%d", i)
		publicProject(t, f, fmt.Sprintf("Project %d", i), srv.URL+path)
		paths = append(paths, path)
	}
	ro := testenv.Redis(t)
	redisOpt := asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB}
	client := asynq.NewClient(redisOpt)
	t.Cleanup(func() { client.Close() })
	const interval = 2 * time.Second
	for range 2 {
		w, err := worker.New(worker.Options{Redis: redisOpt, Logger: quiet, ShutdownTimeout: time.Second,
			Demo: &worker.DemoHandlers{Demos: postgres.NewDemoService(f.db), Queue: client, Interval: interval,
				Monitor: &demo.Monitor{Demos: postgres.NewDemoService(f.db), Checker: demo.NewChecker(time.Second, true), Logger: quiet}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Shutdown)
	}
	// Each project is checked once per interval, so n checks take at
	// least n-1 intervals; two schedulers queueing their own checks would
	// get there in half the time.
	start := time.Now()
	deadline := start.Add(30 * time.Second)
	for {
		enough := true
		for _, p := range paths {
			if len(srv.times(p)) < 4 {
				enough = false
			}
		}
		if enough {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("projects not checked four times in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	elapsed := time.Since(start)
	for _, p := range paths {
		if n := len(srv.times(p)); float64(n) > elapsed.Seconds()/interval.Seconds()+1 {
			t.Errorf("%s checked %d times in %s: more than once per %s interval", p, n, elapsed.Round(time.Millisecond), interval)
		}
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
