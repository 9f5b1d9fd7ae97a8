package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
)

// Request bodies arrive through three guards, because a body costs memory
// and a connection for as long as its client takes to send it:
//
//   - the server refuses a declared Content-Length over the endpoint's
//     limit (DeclaredLimit) before fasthttp waits for a byte of the body;
//   - bodyReader cuts a body that stops arriving for the idle timeout, and
//     tells a body cut short (by its length or a missing last chunk) from
//     one that ended cleanly;
//   - upload.Service bounds the streamed uploads in progress (API docs
//     sources among them), per account and in all, each of which holds a
//     part buffer in memory.

// DefaultBodyIdleTimeout is how long a request body may send nothing.
const DefaultBodyIdleTimeout = 30 * time.Second

// DefaultReadTimeout bounds a whole request: long enough for a large
// streamed upload on a slow link, short enough to shed stuck clients.
const DefaultReadTimeout = 10 * time.Minute

var (
	errBodyIdle = folio.Errorf(CodeTimeout, "The request body stopped arriving; nothing was stored.")
	errBodyCut  = folio.Errorf(CodeBadRequest, "The request body ended before its last byte; nothing was stored.")
)

// DeclaredLimit is the largest body the route of h accepts: the media
// limits on the streaming upload routes and the API docs source limits
// (see Routes), MaxBodyBytes on every other one. The server calls it when
// a request's header has arrived, before any of its body.
func (s *API) DeclaredLimit(h *fasthttp.RequestHeader) int64 {
	if !h.IsPost() {
		return s.opts.MaxBodyBytes
	}
	var u fasthttp.URI
	if err := u.Parse(nil, h.RequestURI()); err != nil {
		return s.opts.MaxBodyBytes
	}
	// Routes match without regard to case or a trailing slash.
	path := strings.TrimSuffix(strings.ToLower(string(u.Path())), "/")
	switch {
	case path == "/api/v1/me/avatar":
		return s.mediaLimit(folio.MediaAvatar)
	case strings.HasPrefix(path, "/api/v1/projects/") && strings.HasSuffix(path, "/media") && strings.Count(path, "/") == 5:
		if kind, ok := folio.ParseMediaKind(string(u.QueryArgs().Peek("kind"))); ok {
			return s.mediaLimit(kind)
		}
		return max(s.mediaLimit(folio.MediaScreencast), s.mediaLimit(folio.MediaScreenshot))
	case strings.HasPrefix(path, "/api/v1/projects/") && strings.HasSuffix(path, "/apidocs") && strings.Count(path, "/") == 5:
		mt, _, _ := mime.ParseMediaType(string(h.ContentType()))
		if _, limit := apidocs.SourceFor(mt); limit > 0 {
			return max(limit, s.opts.MaxBodyBytes)
		}
	}
	return s.opts.MaxBodyBytes
}

// mediaLimit is the size limit of a kind of media; 0 (no body) without
// an upload service.
func (s *API) mediaLimit(kind folio.MediaKind) int64 {
	if s.opts.Uploads == nil {
		return 0
	}
	return s.opts.Uploads.Limit(kind)
}

const bodyReaderKey = "body_reader"

// body returns the request body as a stream that is never buffered whole,
// read under the idle timeout. It is the only way handlers read a body.
func (s *API) body(c *fiber.Ctx) *bodyReader {
	if b, ok := c.Locals(bodyReaderKey).(*bodyReader); ok {
		return b
	}
	b := &bodyReader{declared: int64(c.Request().Header.ContentLength()), idle: s.opts.BodyIdleTimeout}
	if stream := c.Context().RequestBodyStream(); stream != nil {
		b.stream, b.conn = stream, c.Context().Conn()
		b.deadline = c.Context().Time().Add(s.opts.ReadTimeout)
	} else {
		b.stream = bytes.NewReader(c.Body())
	}
	c.Locals(bodyReaderKey, b)
	return b
}

// bodyReader reads a request body. Each read may wait at most the idle
// timeout (and never past the request's read timeout). It ends with io.EOF
// only for a complete body: one cut short of its Content-Length, or a
// chunked body whose connection closed before the last chunk, ends with
// errBodyCut. An error sticks: later reads return it again.
type bodyReader struct {
	stream   io.Reader
	conn     net.Conn // nil for a body already in memory
	declared int64    // Content-Length; -1 for chunked
	read     int64
	idle     time.Duration
	deadline time.Time
	err      error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.conn != nil && b.idle > 0 {
		_ = b.conn.SetReadDeadline(earliest(time.Now().Add(b.idle), b.deadline))
	}
	n, err := b.stream.Read(p)
	b.read += int64(n)
	switch {
	case err == io.EOF && b.declared >= 0 && b.read < b.declared:
		err = errBodyCut
	case err == io.EOF && b.declared < 0 && peerClosed(b.conn):
		// fasthttp reports a connection closed between two chunks as the
		// end of the body; only the last chunk ends a chunked body.
		err = errBodyCut
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = errBodyIdle
	case err != nil && err != io.EOF:
		err = errBodyCut
	}
	b.err = err
	return n, err
}

func earliest(a, b time.Time) time.Time {
	if !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// discard reads and throws away at most limit more bytes of the body.
func (b *bodyReader) discard(limit int64) {
	_, _ = io.Copy(io.Discard, io.LimitReader(b, limit))
}

// The server's connections (see server.Serve) say whether their peer
// closed them, and can linger before closing; a connection without these
// methods (a test's in-memory one) does neither.
type (
	peerCloser interface{ PeerClosed() bool }
	lingerer   interface{ LingerOnClose() }
)

func peerClosed(c net.Conn) bool {
	t, ok := c.(peerCloser)
	return ok && t.PeerClosed()
}

// lingerOnClose closes the connection after the response, lingering first
// (reading and dropping what the client still sends) when it can, so that
// the client reads the response instead of a reset.
func lingerOnClose(c *fiber.Ctx) {
	c.Context().SetConnectionClose()
	if t, ok := c.Context().Conn().(lingerer); ok {
		t.LingerOnClose()
	}
}
