package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
)

// rawConn sends a request header (and whatever body the test writes) over
// its own TCP connection, so that a test can stall, cut or lie about a body
// the way a broken or hostile client does.
type rawConn struct {
	t *testing.T
	*net.TCPConn
}

func (m *mediaAPI) dial(method, path, token string, headers ...string) *rawConn {
	m.t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(m.base, "http://"))
	if err != nil {
		m.t.Fatal(err)
	}
	m.t.Cleanup(func() { c.Close() })
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: folio.test\r\nAuthorization: Bearer %s\r\n", method, path, token)
	for _, h := range headers {
		head += h + "\r\n"
	}
	if _, err := io.WriteString(c, head+"\r\n"); err != nil {
		m.t.Fatal(err)
	}
	return &rawConn{t: m.t, TCPConn: c.(*net.TCPConn)}
}

// response reads the response, failing if none comes within d.
func (c *rawConn) response(d time.Duration) (*http.Response, time.Duration) {
	c.t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(d))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.t.Fatalf("no response within %s: %v", d, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, time.Since(start)
}

// chunk writes b as one chunk of a chunked body.
func (c *rawConn) chunk(b []byte) {
	fmt.Fprintf(c, "%x\r\n", len(b))
	c.Write(b)
	io.WriteString(c, "\r\n")
}

// assertNothingStored fails when a media row, an object or an unfinished
// multipart upload is left.
func (m *mediaAPI) assertNothingStored() {
	m.t.Helper()
	if keys := m.keys("media/"); len(keys) != 0 {
		m.t.Errorf("objects left behind: %v", keys)
	}
	if ups, _ := m.store.IncompleteUploads(context.Background(), "media/"); len(ups) != 0 {
		m.t.Errorf("multipart uploads left behind: %v", ups)
	}
	var rows int
	if err := m.db.QueryRow("SELECT count(*) FROM media").Scan(&rows); err != nil || rows != 0 {
		var states []string
		_ = m.db.NewSelect().Table("media").Column("status").Scan(context.Background(), &states)
		m.t.Errorf("%d media rows left behind %v (err %v)", rows, states, err)
	}
}

// A body cut short of its Content-Length, or a chunked body whose
// connection closes before the last chunk, is discarded: no media, no
// object, no unfinished multipart upload. Both are larger than a part, so
// the multipart path is taken too.
func TestTruncatedUploadsAreDiscarded(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	upload := fmt.Sprintf("/api/v1/projects/%d/media?kind=screencast&filename=demo.mp4", p.ID)
	head, _ := os.ReadFile(testenv.Video(t, 160, 120, 1))

	for _, sent := range []int{1 << 20, 7 << 20} {
		c := m.dial("POST", upload, ada.token, "Content-Type: video/mp4", fmt.Sprintf("Content-Length: %d", 12<<20))
		c.Write(head)
		c.Write(make([]byte, sent))
		c.CloseWrite()
		if resp, _ := c.response(30 * time.Second); resp.StatusCode != 400 {
			t.Errorf("%d of %d bytes, then closed: %d, want 400", len(head)+sent, 12<<20, resp.StatusCode)
		}
	}
	for _, chunks := range []int{1, 7} {
		c := m.dial("POST", upload, ada.token, "Content-Type: video/mp4", "Transfer-Encoding: chunked")
		c.chunk(head)
		for range chunks {
			c.chunk(make([]byte, 1<<20))
		}
		c.CloseWrite() // without the last, empty chunk
		if resp, _ := c.response(30 * time.Second); resp.StatusCode != 400 {
			t.Errorf("%d chunks without the last one: %d, want 400", chunks+1, resp.StatusCode)
		}
	}
	m.assertNothingStored()

	// Complete bodies are still stored whole, in one PUT or in parts.
	for _, more := range []int{0, 11 << 20} {
		c := m.dial("POST", upload, ada.token, "Content-Type: video/mp4", "Transfer-Encoding: chunked")
		c.chunk(head)
		if more > 0 {
			c.chunk(make([]byte, more))
		}
		io.WriteString(c, "0\r\n\r\n")
		resp, _ := c.response(30 * time.Second)
		if resp.StatusCode != 201 {
			t.Fatalf("complete chunked upload: %d, want 201", resp.StatusCode)
		}
		mediaID, _ := strconv.ParseInt(path.Base(resp.Header.Get("Location")), 10, 64)
		stored, err := postgres.NewMediaService(m.db).MediaByID(context.Background(), mediaID)
		if err != nil {
			t.Fatal(err)
		}
		if info, err := m.store.Stat(context.Background(), stored.OriginalKey); err != nil || info.Size != int64(len(head)+more) {
			t.Errorf("stored %d bytes (%v), sent %d", info.Size, err, len(head)+more)
		}
	}
}

// A body declared larger than the endpoint takes is refused before any of
// it is sent: uploads by their media limit, everything else by
// MaxBodyBytes.
func TestDeclaredOversizeRefusedAtOnce(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{video: 1 << 20, image: 1 << 20})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	for _, tc := range []struct {
		path, contentType string
		declared          int
	}{
		{"/api/v1/me/avatar", "image/png", 25 << 20},
		{fmt.Sprintf("/api/v1/projects/%d/media?kind=screencast", p.ID), "video/mp4", 25 << 20},
		{"/api/v1/projects", "application/json", 25 << 20},
		{fmt.Sprintf("/API/v1/projects/%d/media/?kind=screenshot", p.ID), "image/png", 25 << 20},
		{fmt.Sprintf("/api/v1/projects/%d/apidocs", p.ID), "application/zip", 60 << 20},
	} {
		c := m.dial("POST", tc.path, ada.token, "Content-Type: "+tc.contentType, fmt.Sprintf("Content-Length: %d", tc.declared))
		resp, took := c.response(5 * time.Second)
		if resp.StatusCode != 413 || took > time.Second {
			t.Errorf("POST %s declaring 25 MiB, no body: %d after %s, want 413 at once", tc.path, resp.StatusCode, took)
		}
		if resp.Header.Get("Content-Type") != "application/problem+json" || !resp.Close {
			t.Errorf("POST %s: %q, close %v; want problem+json and the connection closed", tc.path, resp.Header.Get("Content-Type"), resp.Close)
		}
	}
	m.assertNothingStored()
}

// An upload body that stops arriving is cut after the idle timeout, far
// sooner than the read timeout, and nothing is kept.
func TestIdleUploadBodyIsCut(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{bodyIdle: time.Second})
	ada := m.signUp("ada")
	p := m.createProject(ada, map[string]any{"title": "Orders"})
	path := fmt.Sprintf("/api/v1/projects/%d/media?kind=screencast", p.ID)
	head, _ := os.ReadFile(testenv.Video(t, 160, 120, 1))

	// A body declared and never sent, then one that stops after a part.
	stalled := m.dial("POST", path, ada.token, "Content-Type: video/mp4", fmt.Sprintf("Content-Length: %d", 20<<20))
	if resp, took := stalled.response(10 * time.Second); resp.StatusCode != 408 || took > 3*time.Second {
		t.Errorf("declared body never sent: %d after %s, want 408 after about 1 s", resp.StatusCode, took)
	}
	c := m.dial("POST", path, ada.token, "Content-Type: video/mp4", fmt.Sprintf("Content-Length: %d", 20<<20))
	c.Write(head)
	c.Write(make([]byte, 6<<20))
	resp, took := c.response(10 * time.Second)
	if resp.StatusCode != 408 || took > 4*time.Second {
		t.Errorf("body stalled after 6 MiB: %d after %s, want 408 after about 1 s", resp.StatusCode, took)
	}
	m.assertNothingStored()
}

// Streamed uploads in progress are bounded per account (429) and in all
// (503), with a Retry-After, before a byte of the body is read.
func TestConcurrentUploadLimits(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{perAccount: 1, uploads: 2})
	head, _ := os.ReadFile(testenv.Video(t, 160, 120, 1))
	type owner struct{ token, path string }
	newOwner := func(handle string) owner {
		a := m.signUp(handle)
		p := m.createProject(a, map[string]any{"title": "Orders"})
		return owner{a.token, fmt.Sprintf("/api/v1/projects/%d/media?kind=screencast", p.ID)}
	}
	// begin starts an upload of size bytes and sends its first bytes.
	begin := func(o owner, size int) *rawConn {
		c := m.dial("POST", o.path, o.token, "Content-Type: video/mp4", fmt.Sprintf("Content-Length: %d", size))
		c.Write(head)
		return c
	}
	ada, bob, dora := newOwner("ada"), newOwner("bob"), newOwner("dora")
	adaFirst := begin(ada, 4<<20)
	time.Sleep(200 * time.Millisecond) // until it holds its slot
	resp, _ := begin(ada, 4<<20).response(5 * time.Second)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a second upload of the same account: %d, Retry-After %q; want 429 with one", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	begin(bob, 4<<20)
	time.Sleep(200 * time.Millisecond)
	if resp, _ := begin(dora, 4<<20).response(5 * time.Second); resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("an upload over the process's limit: %d, want 503 with Retry-After", resp.StatusCode)
	}
	// Once ada's upload ends its slot is free again.
	adaFirst.Write(make([]byte, 4<<20-len(head)))
	if resp, _ := adaFirst.response(30 * time.Second); resp.StatusCode != 201 {
		t.Errorf("ada's first upload: %d, want 201", resp.StatusCode)
	}
	if resp, _ := begin(dora, len(head)).response(30 * time.Second); resp.StatusCode != 201 {
		t.Errorf("an upload after a slot was given back: %d, want 201", resp.StatusCode)
	}
}
