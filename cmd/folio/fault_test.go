package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// folioBinary builds the folio binary once for the fault tests, which
// signal real processes.
func folioBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "folio-fault-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "folio")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build folio: %v", buildErr)
	}
	return binPath
}

type stack struct {
	env        []string
	dbURL      string
	redis      asynq.RedisClientOpt
	store      *storage.Store
	httpAddr   string
	shutdownIn time.Duration
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// newStack gives a test its own database (migrated by the binary), Redis
// database and bucket, as FOLIO_* variables.
func newStack(t *testing.T, shutdown time.Duration) *stack {
	t.Helper()
	so := testenv.StorageOptions(t)
	ro := testenv.Redis(t)
	st := &stack{dbURL: testenv.DatabaseURL(t), redis: asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB}, httpAddr: freeAddr(t), shutdownIn: shutdown}
	st.env = append(os.Environ(),
		"FOLIO_DATABASE_URL="+st.dbURL,
		fmt.Sprintf("FOLIO_REDIS_URL=redis://%s/%d", ro.Addr, ro.DB),
		"FOLIO_S3_ENDPOINT="+so.Endpoint, "FOLIO_S3_ACCESS_KEY="+so.AccessKey, "FOLIO_S3_SECRET_KEY="+so.SecretKey,
		"FOLIO_S3_BUCKET="+so.Bucket, "FOLIO_S3_USE_SSL=false",
		"FOLIO_HTTP_ADDR="+st.httpAddr, "FOLIO_METRICS_ADDR=127.0.0.1:0",
		"FOLIO_SHUTDOWN_TIMEOUT="+shutdown.String(), "FOLIO_WORKER_CONCURRENCY=1",
	)
	var err error
	if st.store, err = storage.New(so); err != nil {
		t.Fatal(err)
	}
	st.run(t, "migrate", "up")
	return st
}

func (st *stack) run(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(folioBinary(t), args...)
	cmd.Env = st.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("folio %v: %v\n%s", args, err, out)
	}
}

// syncBuffer collects a process's output, which exec copies in from
// goroutines of its own while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type proc struct {
	cmd    *exec.Cmd
	output *syncBuffer
	done   chan error
}

func (st *stack) start(t *testing.T, args ...string) *proc {
	t.Helper()
	return st.startCmd(t, exec.Command(folioBinary(t), args...))
}

// startCmd runs cmd (folio, or a wrapper around it) with the stack's
// environment until the test ends.
func (st *stack) startCmd(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{cmd: cmd, output: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = st.env
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop(t *testing.T, within time.Duration) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.output)
		}
	case <-time.After(within):
		t.Fatalf("still running %s after SIGTERM\n%s", within, p.output)
	}
}

func poll(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A rolling restart of the worker in the middle of a media job: the job is
// handed back, the next worker finishes it once, and nothing is left over.
func TestWorkerSIGTERMMidJobCompletesOnce(t *testing.T) {
	st := newStack(t, time.Second)
	ctx := context.Background()
	db, err := postgres.Open(ctx, st.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	title := "Orders"
	p, err := postgres.NewProjectService(db).CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	ms := postgres.NewMediaService(db)
	m := &folio.Media{OwnerID: u.ID, ProjectID: p.ID, Kind: folio.MediaScreencast, Status: folio.MediaUploading}
	if err := ms.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	size, err := st.store.PutFile(ctx, m.OriginalKey, testenv.Video(t, 1280, 720, 20), "video/mp4")
	if err != nil {
		t.Fatal(err)
	}
	if err := ms.MarkUploaded(ctx, m.ID, "video/mp4", size); err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(st.redis)
	defer client.Close()
	task, _ := queue.NewMediaProcessTask(m.ID, m.PublicKey, "fault-test")
	if err := queue.Enqueue(client, task); err != nil {
		t.Fatal(err)
	}
	status := func() folio.MediaStatus {
		got, err := ms.MediaByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}

	first := st.start(t, "worker")
	poll(t, "processing to start", 30*time.Second, func() bool { return status() == folio.MediaProcessing })
	time.Sleep(500 * time.Millisecond) // well inside ffmpeg's work
	first.stop(t, 15*time.Second)
	if s := status(); s != folio.MediaProcessing {
		t.Fatalf("after SIGTERM the media is %s; the job should have been interrupted (a longer video is needed)", s)
	}

	second := st.start(t, "worker")
	poll(t, "the second worker to finish the job", 3*time.Minute, func() bool { return status() == folio.MediaReady })
	second.stop(t, 15*time.Second)

	prefix := m.ObjectPrefix()
	keys, _ := st.store.Keys(ctx, prefix)
	slices.Sort(keys)
	want := []string{prefix + "original", prefix + "poster.jpg", prefix + "poster.webp", prefix + "thumbnail.jpg", prefix + "video.mp4"}
	if !slices.Equal(keys, want) {
		t.Errorf("objects %v, want exactly %v", keys, want)
	}
	inspector := asynq.NewInspector(st.redis)
	defer inspector.Close()
	done, _ := inspector.ListCompletedTasks(queue.QueueDefault)
	if len(done) != 1 {
		t.Errorf("%d completed media jobs, want 1", len(done))
	}
	if archived, _ := inspector.ListArchivedTasks(queue.QueueDefault); len(archived) != 0 {
		t.Errorf("%d jobs archived as failed", len(archived))
	}
}

// SIGTERM in the middle of a streaming upload: the API stops accepting but
// lets the upload finish, and the client gets its 201.
func TestAPISIGTERMMidUploadFinishesIt(t *testing.T) {
	st := newStack(t, 20*time.Second)
	api := st.start(t, "serve")
	base := "http://" + st.httpAddr
	poll(t, "the API to be ready", 15*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	call := func(method, path, token string, in any) map[string]any {
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, out)
		}
		return out
	}
	call("POST", "/api/v1/auth/register", "", map[string]string{"email": "ada@example.com", "password": "correct horse battery", "handle": "ada", "display_name": "Ada"})
	token := call("POST", "/api/v1/auth/login", "", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})["token"].(string)
	project := call("POST", "/api/v1/projects", token, map[string]string{"title": "Orders"})

	head, _ := os.ReadFile(testenv.Video(t, 160, 120, 1))
	pr, pw := io.Pipe()
	type result struct {
		status int
		body   map[string]any
		err    error
	}
	results := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/projects/%d/media?kind=screencast", base, int64(project["id"].(float64))), pr)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			results <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		results <- result{status: resp.StatusCode, body: body}
	}()
	total := len(head)
	if _, err := pw.Write(head); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 2 {
		pw.Write(chunk)
		total += len(chunk)
	}
	if err := api.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for range 2 {
		if _, err := pw.Write(chunk); err != nil {
			t.Fatalf("the upload was cut off by the shutdown: %v", err)
		}
		total += len(chunk)
	}
	pw.Close()
	res := <-results
	if res.err != nil || res.status != 201 {
		t.Fatalf("upload during shutdown: %d %v %v\n%s", res.status, res.body, res.err, api.output)
	}
	if res.body["size_bytes"].(float64) != float64(total) {
		t.Errorf("stored %v bytes, sent %d", res.body["size_bytes"], total)
	}
	select {
	case err := <-api.done:
		api.done <- err
		if err != nil {
			t.Fatalf("API exit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the API did not exit after draining")
	}
	db, err := postgres.Open(context.Background(), st.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := postgres.NewMediaService(db).MediaByID(context.Background(), int64(res.body["id"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.store.Stat(context.Background(), m.OriginalKey)
	if err != nil || info.Size != int64(total) {
		t.Errorf("stored object: %v, %d bytes", err, info.Size)
	}
}
