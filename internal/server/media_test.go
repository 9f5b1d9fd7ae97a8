package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/wire"
	"github.com/foliohq/folio/worker"
)

// mediaAPI is the API plus real MinIO, Redis queue and an in-process
// worker running ffmpeg.
type mediaAPI struct {
	*harness
	store     *storage.Store
	inspector *asynq.Inspector
	rdb       *redis.Client
	base      string
	cards     *socialcard.Service // with cfg.cards
	client    *asynq.Client
}

type mediaConfig struct {
	video, image int64
	log          *slog.Logger     // nil: quiet
	metrics      *metrics.Metrics // nil: none
	queueUI      bool
	bodyIdle     time.Duration // zero: the default
	perAccount   int           // streamed uploads in progress; zero: the default
	uploads      int
	// cards: the pages look for social cards and queue their renders,
	// which the test runs itself (no worker takes the task).
	cards bool
}

func newMediaAPI(t *testing.T, cfg mediaConfig) *mediaAPI {
	t.Helper()
	if cfg.video == 0 {
		cfg.video, cfg.image = 256<<20, 20<<20
	}
	if cfg.log == nil {
		cfg.log = quietLogger
	}
	db := testenv.Postgres(t)
	redisOpts := testenv.Redis(t)
	rdb := redis.NewClient(redisOpts)
	t.Cleanup(func() { rdb.Close() })
	store := testenv.Store(t)
	asynqRedis := asynq.RedisClientOpt{Addr: redisOpts.Addr, DB: redisOpts.DB}
	client := asynq.NewClient(asynqRedis)
	t.Cleanup(func() { client.Close() })
	mediaSvc := postgres.NewMediaService(db)
	var queueUI http.Handler
	if cfg.queueUI {
		queueUI = asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: asynq.RedisClientOpt{Addr: redisOpts.Addr, DB: redisOpts.DB}, ReadOnly: true})
	}
	o := servertest.Options(db, rdb)
	o.Logger, o.Metrics, o.QueueUI, o.BodyIdleTimeout = cfg.log, cfg.metrics, queueUI, cfg.bodyIdle
	o.PublicLimit = ratelimit.Limit{}                  // none
	o.API.Limits.LoginPerAccountIP = ratelimit.Limit{} // the default
	purger := servertest.Media(&o, db, store, client, cfg.video, cfg.image)
	o.API.Uploads.MaxUploadsPerAccount, o.API.Uploads.MaxUploads = cfg.perAccount, cfg.uploads
	o.API.Demos = postgres.NewDemoService(db)
	o.Site.Directory, o.Site.Media, o.Site.Store, o.Site.APIDocs, o.Site.Demos = directory.New(db), mediaSvc, store, o.API.APIDocs, o.API.Demos
	var cards *socialcard.Service
	if cfg.cards {
		cards = wire.SocialCards(wire.Pools{DB: db, Redis: rdb, Store: store, Queue: client, Logger: cfg.log}, siteBase)
		o.Site.Cards = cards
	}
	srv := server.New(o)
	ffmpeg, ffprobe := testenv.FFmpeg(t)
	w, err := worker.New(worker.Options{
		Redis: asynqRedis, Logger: cfg.log, Concurrency: 2, ShutdownTimeout: 5 * time.Second, Metrics: cfg.metrics,
		Objects: &worker.ObjectHandlers{Purger: purger},
		Archive: &worker.ArchiveHandlers{Archives: o.AccountData.Archives},
		APIDocs: &worker.APIDocsHandlers{Docs: postgres.NewAPIDocsService(db), Projects: postgres.NewProjectService(db), Store: store,
			Git: "git", Clone: apidocs.CloneLimits{Bytes: 10 << 20, Timeout: time.Minute, AllowPrivate: true}, Extract: apidocs.DefaultLimits},
		Media: &worker.MediaHandlers{Media: mediaSvc, Store: store, Metrics: cfg.metrics,
			Processor: &media.Processor{FFmpeg: ffmpeg, FFprobe: ffprobe, Threads: 2, Timeout: 2 * time.Minute, MaxVideoSeconds: 600}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	inspector := asynq.NewInspector(asynqRedis)
	t.Cleanup(func() { inspector.Close() })
	m := &mediaAPI{harness: &harness{t: t, srv: srv, db: db}, store: store, inspector: inspector, rdb: rdb, cards: cards, client: client}
	m.base = m.listen()
	return m
}

// upload sends a raw or multipart body over a real socket, optionally
// hiding its length so that it arrives chunked.
func (m *mediaAPI) upload(token, path string, body io.Reader, contentType string, chunked bool) response {
	m.t.Helper()
	if chunked {
		body = io.MultiReader(body)
	}
	hr, err := http.NewRequest("POST", m.base+path, body)
	if err != nil {
		m.t.Fatal(err)
	}
	hr.Header.Set("Content-Type", contentType)
	hr.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		m.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (m *mediaAPI) uploadFile(token string, projectID int64, kind, file string) response {
	m.t.Helper()
	f, err := os.Open(file)
	if err != nil {
		m.t.Fatal(err)
	}
	defer f.Close()
	return m.upload(token, fmt.Sprintf("/api/v1/projects/%d/media?kind=%s&filename=%s", projectID, kind, filepath.Base(file)), f, "application/octet-stream", false)
}

// waitFor polls the media until it leaves the working statuses, failing
// after a deadline.
func (m *mediaAPI) waitFor(token string, mediaID int64) map[string]any {
	m.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		got := m.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/media/%d", mediaID), token: token}, 200).json(m.t)
		if s := got["status"]; s == "ready" || s == "failed" {
			return got
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("media %d still %v after 90 s", mediaID, got["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func renditions(t *testing.T, m map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range m["renditions"].([]any) {
		rr := r.(map[string]any)
		out[rr["name"].(string)] = rr
	}
	return out
}

// fetch GETs a rendition path over the socket into a temp file.
func (m *mediaAPI) fetch(path, token string, headers map[string]string) (response, string) {
	m.t.Helper()
	hr, _ := http.NewRequest("GET", m.base+path, nil)
	if token != "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	file := filepath.Join(m.t.TempDir(), "fetched")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		m.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}, file
}

func pathOf(url string) string { return url[strings.Index(url, "/media/"):] }

func (m *mediaAPI) keys(prefix string) []string {
	m.t.Helper()
	keys, err := m.store.Keys(context.Background(), prefix)
	if err != nil {
		m.t.Fatal(err)
	}
	return keys
}

func TestStreamingScreencastBecomesReady(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	r := m.uploadFile(ada.token, p.ID, "screencast", testenv.Video(t, 640, 360, 3))
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	created := r.json(t)
	if created["status"] != "uploaded" || created["content_type"] != "video/mp4" || created["filename"] != "test-640x360.mp4" {
		t.Errorf("created %v", created)
	}
	done := m.waitFor(ada.token, id(created))
	if done["status"] != "ready" {
		t.Fatalf("media %v", done)
	}
	if done["duration_seconds"].(float64) < 2.9 || done["width"].(float64) != 640 {
		t.Errorf("probe %v", done)
	}
	rs := renditions(t, done)
	for _, want := range []struct {
		name, codec string
		w, h        int
	}{{"video", "h264", 640, 360}, {"poster_jpeg", "mjpeg", 640, 360}, {"poster_webp", "webp", 640, 360}, {"thumbnail", "mjpeg", 640, 360}} {
		rd, ok := rs[want.name]
		if !ok {
			t.Errorf("no %s rendition in %v", want.name, rs)
			continue
		}
		resp, file := m.fetch(pathOf(rd["url"].(string)), "", nil)
		if resp.status != 200 || resp.header.Get("Content-Type") != rd["content_type"] {
			t.Errorf("%s: %d %s", want.name, resp.status, resp.header.Get("Content-Type"))
			continue
		}
		got := testenv.ProbeFile(t, file)
		if got.Codec != want.codec || got.Width != want.w || got.Height != want.h {
			t.Errorf("%s decodes as %+v, want %s %dx%d", want.name, got, want.codec, want.w, want.h)
		}
		if want.name == "video" && got.AudioCodec != "aac" {
			t.Errorf("video audio %q, want aac", got.AudioCodec)
		}
		if int64(len(resp.body)) != int64(rd["size_bytes"].(float64)) {
			t.Errorf("%s: %d bytes served, %v recorded", want.name, len(resp.body), rd["size_bytes"])
		}
	}
	// faststart: the index (moov) comes before the media data (mdat).
	_, video := m.fetch(pathOf(rs["video"]["url"].(string)), "", nil)
	data, _ := os.ReadFile(video)
	if moov, mdat := bytes.Index(data, []byte("moov")), bytes.Index(data, []byte("mdat")); moov < 0 || moov > mdat {
		t.Errorf("video is not faststart: moov at %d, mdat at %d", moov, mdat)
	}
}

func TestScreenshotMultipartIsResizedAndStripped(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	jpeg := testenv.WithEXIF(t, testenv.Image(t, 2000, 1200, ".jpg"), "GPS-SECRET-51.5N")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("note", "a field before the file")
	fw, _ := mw.CreateFormFile("file", "shot.jpg")
	data, _ := os.ReadFile(jpeg)
	fw.Write(data)
	mw.Close()
	r := m.upload(ada.token, fmt.Sprintf("/api/v1/projects/%d/media?kind=screenshot", p.ID), &body, mw.FormDataContentType(), true)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	done := m.waitFor(ada.token, id(r.json(t)))
	if done["status"] != "ready" || done["filename"] != "shot.jpg" {
		t.Fatalf("media %v", done)
	}
	rs := renditions(t, done)
	for name, want := range map[string][2]int{"image": {1600, 960}, "thumbnail": {480, 288}} {
		resp, file := m.fetch(pathOf(rs[name]["url"].(string)), "", nil)
		got := testenv.ProbeFile(t, file)
		if got.Codec != "webp" || got.Width != want[0] || got.Height != want[1] {
			t.Errorf("%s decodes as %+v, want webp %dx%d", name, got, want[0], want[1])
		}
		if bytes.Contains(resp.body, []byte("GPS-SECRET")) || bytes.Contains(resp.body, []byte("Exif")) {
			t.Errorf("%s still carries the EXIF metadata", name)
		}
	}
}

func TestUploadsRefusedBeforeTheyCost(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{video: 1 << 20, image: 1 << 20})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	path := fmt.Sprintf("/api/v1/projects/%d/media?kind=screencast&filename=demo.mp4", p.ID)

	// Text named .mp4 and declared as video/mp4 is still text.
	r := m.upload(ada.token, path, strings.NewReader("just some text pretending to be a video\n"), "video/mp4", false)
	assertProblem(t, r, 415, "unsupported_media_type")
	// An image is not a screencast.
	png, _ := os.ReadFile(testenv.Image(t, 64, 64, ".png"))
	assertProblem(t, m.upload(ada.token, path, bytes.NewReader(png), "video/mp4", false), 415, "unsupported_media_type")

	// Over the limit: a real MP4 head followed by 3 MiB, announced and chunked.
	head, _ := os.ReadFile(testenv.Video(t, 160, 120, 1))
	big := func() io.Reader { return io.MultiReader(bytes.NewReader(head), bytes.NewReader(make([]byte, 3<<20))) }
	assertProblem(t, m.upload(ada.token, path, big(), "video/mp4", true), 413, "too_large")
	hr, _ := http.NewRequest("POST", m.base+path, big())
	hr.ContentLength = int64(len(head) + 3<<20)
	hr.Header.Set("Authorization", "Bearer "+ada.token)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("announced oversize: %d, want 413", resp.StatusCode)
	}

	// A multipart form that announces its size is refused before any of it
	// is read (not pre-parsed to memory or temp files).
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "big.mp4")
	fw.Write(head)
	fw.Write(make([]byte, 3<<20))
	mw.Close()
	hr, _ = http.NewRequest("POST", m.base+path, bytes.NewReader(form.Bytes()))
	hr.Header.Set("Authorization", "Bearer "+ada.token)
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, err := http.DefaultClient.Do(hr); err != nil || resp.StatusCode != 413 {
		t.Errorf("announced oversize multipart: %v %v, want 413", err, resp)
	} else {
		resp.Body.Close()
	}

	// Nothing stored: no object, no unfinished multipart upload, no row.
	if keys := m.keys("media/"); len(keys) != 0 {
		t.Errorf("objects left behind: %v", keys)
	}
	if ups, _ := m.store.IncompleteUploads(context.Background(), "media/"); len(ups) != 0 {
		t.Errorf("multipart uploads left behind: %v", ups)
	}
	var rows int
	if err := m.db.QueryRow("SELECT count(*) FROM media").Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d media rows left behind (err %v)", rows, err)
	}
	// Another owner's project is 404 before a byte is stored.
	bob := m.signUp("bob")
	r = m.upload(bob.token, path, bytes.NewReader(head), "video/mp4", false)
	assertProblem(t, r, 404, "not_found")
	assertProblem(t, m.upload(ada.token, fmt.Sprintf("/api/v1/projects/%d/media?kind=poster", p.ID), bytes.NewReader(head), "video/mp4", false), 422, "invalid")
}

func TestCorruptVideoFailsWithReason(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	data, _ := os.ReadFile(testenv.Video(t, 320, 240, 2))
	// Without +faststart the index is at the end; cutting it off leaves a
	// file that starts like an MP4 but cannot be read.
	r := m.upload(ada.token, fmt.Sprintf("/api/v1/projects/%d/media?kind=screencast", p.ID), bytes.NewReader(data[:len(data)/2]), "video/mp4", false)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	done := m.waitFor(ada.token, id(r.json(t)))
	if done["status"] != "failed" || !strings.Contains(done["error"].(string), "could not be read") {
		t.Errorf("corrupt video: %v", done)
	}
	if strings.Contains(done["error"].(string), "/tmp") || strings.Contains(done["error"].(string), "folio-media") {
		t.Errorf("the reason leaks a server path: %s", done["error"])
	}
}

func TestRangeRequestsAndDraftPrivacy(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada, bob := m.signUp("ada"), m.signUp("bob")
	p := m.createProject(ada, map[string]any{"title": "Secret"}) // a draft
	r := m.uploadFile(ada.token, p.ID, "screencast", testenv.Video(t, 320, 240, 2))
	done := m.waitFor(ada.token, id(r.json(t)))
	video := pathOf(renditions(t, done)["video"]["url"].(string))

	// Draft: only the owner.
	if resp, _ := m.fetch(video, "", nil); resp.status != 404 {
		t.Errorf("anonymous read of a draft's video: %d", resp.status)
	}
	if resp, _ := m.fetch(video, bob.token, nil); resp.status != 404 {
		t.Errorf("another owner's read of a draft's video: %d", resp.status)
	}
	assertProblem(t, m.do(req{method: "GET", path: fmt.Sprintf("/api/v1/media/%d", id(done)), token: bob.token}), 404, "not_found")
	full, _ := m.fetch(video, ada.token, nil)
	if full.status != 200 || !strings.HasPrefix(full.header.Get("Cache-Control"), "private") {
		t.Fatalf("owner read: %d cache %q", full.status, full.header.Get("Cache-Control"))
	}

	m.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token, body: map[string]any{"visibility": "public"}}, 200)
	size := len(full.body)
	part, _ := m.fetch(video, "", map[string]string{"Range": "bytes=100-199"})
	if part.status != 206 || part.header.Get("Content-Range") != fmt.Sprintf("bytes 100-199/%d", size) || !bytes.Equal(part.body, full.body[100:200]) {
		t.Errorf("range 100-199: %d %q, %d bytes", part.status, part.header.Get("Content-Range"), len(part.body))
	}
	if part.header.Get("Accept-Ranges") != "bytes" || !strings.HasPrefix(part.header.Get("Cache-Control"), "public") {
		t.Errorf("headers %v", part.header)
	}
	tail, _ := m.fetch(video, "", map[string]string{"Range": "bytes=-50"})
	if tail.status != 206 || !bytes.Equal(tail.body, full.body[size-50:]) {
		t.Errorf("suffix range: %d, %d bytes", tail.status, len(tail.body))
	}
	open, _ := m.fetch(video, "", map[string]string{"Range": fmt.Sprintf("bytes=%d-", size-10)})
	if open.status != 206 || len(open.body) != 10 {
		t.Errorf("open range: %d, %d bytes", open.status, len(open.body))
	}
	past, _ := m.fetch(video, "", map[string]string{"Range": fmt.Sprintf("bytes=%d-", size+10)})
	if past.status != 416 || past.header.Get("Content-Range") != fmt.Sprintf("bytes */%d", size) {
		t.Errorf("range past the end: %d %q", past.status, past.header.Get("Content-Range"))
	}
	if resp, _ := m.fetch(pathOf(strings.Replace(renditions(t, done)["video"]["url"].(string), "/video", "/original", 1)), ada.token, nil); resp.status != 404 {
		t.Errorf("the original is not a rendition: %d", resp.status)
	}
}

func TestDirectUploadResumableCompleteTwiceOneJob(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{video: 256 << 20, image: 64 << 20})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders", "visibility": "public"})
	data, _ := os.ReadFile(testenv.NoisePNG(t, 4000, 4000)) // over 16 MiB: two parts
	start := m.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/uploads", p.ID), token: ada.token, body: map[string]any{
		"kind": "screenshot", "filename": "noise.png", "size": len(data), "content_type": "image/png",
	}}, 201).json(t)
	parts := start["parts"].([]any)
	partSize := int(start["part_size"].(float64))
	if len(parts) != 2 {
		t.Fatalf("%d parts for %d bytes, want 2", len(parts), len(data))
	}
	// A part URL stores exactly its part: more bytes are refused.
	over, _ := http.NewRequest("PUT", parts[0].(map[string]any)["url"].(string), bytes.NewReader(make([]byte, partSize+1024)))
	if resp, err := http.DefaultClient.Do(over); err != nil || resp.StatusCode < 400 {
		t.Errorf("an oversized part was accepted: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	var done []map[string]any
	for i, pp := range parts {
		url := pp.(map[string]any)["url"].(string)
		chunk := data[i*partSize : min((i+1)*partSize, len(data))]
		var etag string
		// Each part is sent twice, as a client retrying after a lost answer does.
		for range 2 {
			hr, _ := http.NewRequest("PUT", url, bytes.NewReader(chunk))
			// A browser on the app's origin must be allowed to PUT and to
			// read the ETag (CORS, configured by the local stack).
			hr.Header.Set("Origin", "http://localhost:8080")
			resp, err := http.DefaultClient.Do(hr)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("PUT part %d: %v %v", i+1, err, resp)
			}
			resp.Body.Close()
			if resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:8080" || !strings.Contains(strings.ToLower(resp.Header.Get("Access-Control-Expose-Headers")), "etag") {
				t.Errorf("part PUT lacks CORS for the app's origin: %v", resp.Header)
			}
			etag = resp.Header.Get("ETag")
		}
		done = append(done, map[string]any{"number": i + 1, "etag": etag})
	}
	mediaID := int64(start["media_id"].(float64))
	path := fmt.Sprintf("/api/v1/uploads/%d/complete", mediaID)
	first := m.expect(req{method: "POST", path: path, token: ada.token, body: map[string]any{"parts": done}}, 200).json(t)
	second := m.expect(req{method: "POST", path: path, token: ada.token, body: map[string]any{"parts": done}}, 200).json(t)
	if first["content_type"] != "image/png" || second["id"] != first["id"] {
		t.Errorf("complete: %v / %v", first, second)
	}
	ready := m.waitFor(ada.token, mediaID)
	if ready["status"] != "ready" || ready["size_bytes"].(float64) != float64(len(data)) {
		t.Errorf("direct upload ended %v", ready)
	}
	m.expect(req{method: "POST", path: path, token: ada.token, body: map[string]any{"parts": done}}, 200)
	jobs := 0
	for _, list := range []func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){m.inspector.ListCompletedTasks, m.inspector.ListPendingTasks, m.inspector.ListActiveTasks, m.inspector.ListRetryTasks} {
		tasks, _ := list(queue.QueueDefault)
		for _, task := range tasks {
			if task.Type == queue.TypeMediaProcess {
				jobs++
			}
		}
	}
	if jobs != 1 {
		t.Errorf("%d media:process jobs after completing three times, want 1", jobs)
	}

	// A second upload is aborted: nothing remains.
	other := m.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/uploads", p.ID), token: ada.token, body: map[string]any{
		"kind": "screencast", "filename": "x.mp4", "size": 1000, "content_type": "video/mp4",
	}}, 201).json(t)
	otherID := int64(other["media_id"].(float64))
	// After a reload the client asks for the part URLs again.
	resumed := m.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/uploads/%d/parts", otherID), token: ada.token}, 200).json(t)
	if resumed["upload_id"] != other["upload_id"] || len(resumed["parts"].([]any)) != 1 {
		t.Errorf("resume: %v", resumed)
	}
	m.expect(req{method: "DELETE", path: fmt.Sprintf("/api/v1/uploads/%d", otherID), token: ada.token}, 204)
	assertProblem(t, m.do(req{method: "POST", path: fmt.Sprintf("/api/v1/uploads/%d/parts", otherID), token: ada.token}), 404, "not_found")
	if ups, _ := m.store.IncompleteUploads(context.Background(), "media/"); len(ups) != 0 {
		t.Errorf("aborted upload still open: %v", ups)
	}
	r := m.do(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/uploads", p.ID), token: ada.token, body: map[string]any{
		"kind": "screencast", "filename": "x.mp4", "size": 300 << 20, "content_type": "text/plain",
	}})
	assertProblem(t, r, 422, "invalid")
	if f := r.fieldErrors(t); f["size"] == "" || f["content_type"] == "" {
		t.Errorf("errors %v should name size and content_type", f)
	}
}

func TestDeletingAProjectDeletesItsObjects(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	r := m.uploadFile(ada.token, p.ID, "screenshot", testenv.Image(t, 200, 100, ".png"))
	mediaID := id(r.json(t))
	m.waitFor(ada.token, mediaID)
	var original string
	if err := m.db.QueryRow("SELECT original_key FROM media WHERE id = ?", mediaID).Scan(&original); err != nil {
		t.Fatal(err)
	}
	prefix := strings.TrimSuffix(original, "original")
	if keys := m.keys(prefix); len(keys) != 3 {
		t.Fatalf("objects %v, want original, image and thumbnail", keys)
	}
	m.expect(req{method: "DELETE", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token}, 204)
	deadline := time.Now().Add(30 * time.Second)
	for len(m.keys(prefix)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("objects still there 30 s after deleting the project: %v", m.keys(prefix))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAvatarUpload(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	f, _ := os.Open(testenv.Image(t, 800, 800, ".webp"))
	defer f.Close()
	r := m.upload(ada.token, "/api/v1/me/avatar", f, "image/webp", false)
	if r.status != 201 {
		t.Fatalf("avatar: %d %s", r.status, r.body)
	}
	done := m.waitFor(ada.token, id(r.json(t)))
	if done["kind"] != "avatar" || done["status"] != "ready" {
		t.Fatalf("avatar %v", done)
	}
	if resp, _ := m.fetch(pathOf(renditions(t, done)["thumbnail"]["url"].(string)), "", nil); resp.status != 200 {
		t.Errorf("avatar thumbnail is public: %d", resp.status)
	}
}
