package upload_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/deletionstore"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/upload"
)

type fixture struct {
	svc     *upload.Service
	store   *storage.Store
	owner   int64
	project int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, store := testenv.Postgres(t), testenv.Store(t)
	ro := testenv.Redis(t)
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB})
	t.Cleanup(func() { client.Close() })
	ctx := context.Background()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	projects := postgres.NewProjectService(db)
	title := "Orders"
	p, err := projects.CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &upload.Service{Media: postgres.NewMediaService(db), Projects: projects, Store: store, Queue: client,
		Purger:        &purge.Purger{Deletions: deletionstore.New(db), Store: store, Queue: client, Logger: quiet},
		MaxVideoBytes: 64 << 20, MaxImageBytes: 1 << 20, MaxUploadsPerAccount: 1, Logger: quiet}
	return &fixture{svc: svc, store: store, owner: u.ID, project: p.ID}
}

func (f *fixture) keys(t *testing.T) []string {
	t.Helper()
	ks, err := f.store.Keys(context.Background(), "media/")
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// failing reads data, then fails with err, as a body cut short does.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestStream(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	png, err := os.ReadFile(testenv.Image(t, 64, 48, ".png"))
	if err != nil {
		t.Fatal(err)
	}
	file := func(body io.Reader) upload.File {
		return upload.File{OwnerID: f.owner, ProjectID: f.project, Kind: folio.MediaScreenshot, Filename: "a/b/shot.png", Body: body, DeclaredSize: -1}
	}
	m, err := f.svc.Stream(ctx, file(bytes.NewReader(png)))
	if err != nil || m.Status != folio.MediaUploaded || m.ContentType != "image/png" || m.SizeBytes != int64(len(png)) || m.Filename != "shot.png" {
		t.Fatalf("stream: %+v %v", m, err)
	}
	cases := []struct {
		name string
		file upload.File
		code string
	}{
		{"not an image", file(strings.NewReader("hello, world")), folio.EUNSUPPORTED},
		{"over the limit", file(io.MultiReader(bytes.NewReader(png), bytes.NewReader(make([]byte, 1<<20)))), folio.ETOOLARGE},
		{"declared over the limit", upload.File{OwnerID: f.owner, ProjectID: f.project, Kind: folio.MediaScreenshot, Body: bytes.NewReader(png), DeclaredSize: 2 << 20}, folio.ETOOLARGE},
		{"cut short", file(&failing{bytes.NewReader(png), folio.Errorf(folio.EBADREQUEST, "cut")}), folio.EBADREQUEST},
		{"another owner's project", upload.File{OwnerID: f.owner + 1, ProjectID: f.project, Kind: folio.MediaScreenshot, Body: bytes.NewReader(png)}, folio.ENOTFOUND},
	}
	for _, c := range cases {
		if _, err := f.svc.Stream(ctx, c.file); folio.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	if ks := f.keys(t); len(ks) != 1 || ks[0] != m.OriginalKey {
		t.Errorf("stored %v, want only %s", ks, m.OriginalKey)
	}

	// One upload in progress per account here: a second waits its turn.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { _, err := f.svc.Stream(ctx, file(pr)); done <- err }()
	pw.Write(png[:16]) // the first upload holds its slot while it reads
	if _, err := f.svc.Stream(ctx, file(bytes.NewReader(png))); folio.ErrorCode(err) != folio.ETOOMANY {
		t.Errorf("second concurrent upload: %v, want too_many_requests", err)
	}
	pw.Write(png[16:])
	pw.Close()
	if err := <-done; err != nil {
		t.Errorf("first upload: %v", err)
	}

	// Deleting goes through the object outbox.
	if err := f.svc.Delete(ctx, f.owner, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Purger.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	for _, k := range f.keys(t) {
		if strings.HasPrefix(k, m.ObjectPrefix()) {
			t.Errorf("%s left after delete", k)
		}
	}
	if err := f.svc.Delete(ctx, f.owner, m.ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("second delete: %v", err)
	}
}

func TestDirect(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	png, err := os.ReadFile(testenv.Image(t, 64, 48, ".png"))
	if err != nil {
		t.Fatal(err)
	}
	req := upload.DirectRequest{Kind: "screenshot", Filename: "shot.png", Size: int64(len(png)), ContentType: "image/png"}
	if _, err := f.svc.StartDirect(ctx, f.owner, f.project, upload.DirectRequest{Kind: "x", Size: -1}); folio.ErrorCode(err) != folio.EINVALID {
		t.Errorf("bad request: %v", err)
	}
	d, err := f.svc.StartDirect(ctx, f.owner, f.project, req)
	if err != nil || len(d.Parts) != 1 {
		t.Fatalf("start: %+v %v", d, err)
	}
	if r, err := f.svc.Resume(ctx, f.owner, d.MediaID); err != nil || len(r.Parts) != 1 || r.UploadID != d.UploadID {
		t.Errorf("resume: %+v %v", r, err)
	}
	put, _ := http.NewRequest(http.MethodPut, d.Parts[0].URL, bytes.NewReader(png))
	resp, err := http.DefaultClient.Do(put)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("put part: %v %v", resp, err)
	}
	resp.Body.Close()
	parts := []storage.Part{{Number: 1, ETag: resp.Header.Get("ETag")}}
	m, err := f.svc.Complete(ctx, f.owner, d.MediaID, parts)
	if err != nil || m.Status != folio.MediaUploaded || m.ContentType != "image/png" {
		t.Fatalf("complete: %+v %v", m, err)
	}
	if again, err := f.svc.Complete(ctx, f.owner, d.MediaID, parts); err != nil || again.ID != m.ID {
		t.Errorf("second complete: %+v %v", again, err)
	}
	if err := f.svc.Abort(ctx, f.owner, d.MediaID); folio.ErrorCode(err) != folio.ECONFLICT {
		t.Errorf("abort after complete: %v", err)
	}

	// An aborted upload leaves neither parts nor a row.
	d2, err := f.svc.StartDirect(ctx, f.owner, f.project, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Abort(ctx, f.owner, d2.MediaID); err != nil {
		t.Fatal(err)
	}
	if ups, _ := f.store.IncompleteUploads(ctx, "media/"); len(ups) != 0 {
		t.Errorf("%d unfinished uploads after abort", len(ups))
	}
	if _, err := f.svc.Resume(ctx, f.owner, d2.MediaID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("resume after abort: %v", err)
	}
}
