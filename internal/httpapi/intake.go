package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/foliohq/folio/internal/folio"
)

// Request bodies arrive through three guards, because a body costs memory
// and a connection for as long as its client takes to send it:
//
//   - headerReceived refuses a declared Content-Length over the endpoint's
//     limit before fasthttp waits for a byte of the body;
//   - bodyReader cuts a body that stops arriving for the idle timeout, and
//     tells a body cut short (by its length or a missing last chunk) from
//     one that ended cleanly;
//   - uploadGate bounds the streamed uploads in progress, per account and
//     in all, each of which holds a part buffer in memory.

// DefaultBodyIdleTimeout is how long a request body may send nothing.
const DefaultBodyIdleTimeout = 30 * time.Second

// Streamed uploads in progress, by default: per account, and in all. Each
// holds one storage.StreamPartSize buffer, so the process holds at most
// DefaultMaxUploads of them.
const (
	DefaultMaxUploadsPerAccount = 3
	DefaultMaxUploads           = 16
)

// uploadRetryAfter is the Retry-After, in seconds, of a refused upload.
const uploadRetryAfter = "10"

// lingerTimeout bounds how long a connection closed on a refused body is
// read (and the bytes thrown away) after its response, so that the client
// reads the response instead of a reset.
const lingerTimeout = 2 * time.Second

// declaredLengthHeader marks a request whose declared body headerReceived
// refused; the client's own value is always removed first.
const declaredLengthHeader = "X-Folio-Refused-Length"

var (
	errBodyIdle = folio.Errorf("timeout", "The request body stopped arriving; nothing was stored.")
	errBodyCut  = folio.Errorf(errBadRequest, "The request body ended before its last byte; nothing was stored.")
)

// declaredLimit is the largest body the route of h accepts: the media
// limits on the streaming upload routes and the API docs source limits
// (see routes), MaxBodyBytes on every other one.
func (s *Server) declaredLimit(h *fasthttp.RequestHeader) int64 {
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
		return s.opts.MaxImageBytes
	case strings.HasPrefix(path, "/api/v1/projects/") && strings.HasSuffix(path, "/media") && strings.Count(path, "/") == 5:
		if kind, ok := folio.ParseMediaKind(string(u.QueryArgs().Peek("kind"))); ok {
			return s.sizeLimit(kind)
		}
		return max(s.opts.MaxVideoBytes, s.opts.MaxImageBytes)
	case strings.HasPrefix(path, "/api/v1/projects/") && strings.HasSuffix(path, "/apidocs") && strings.Count(path, "/") == 5:
		mt, _, _ := mime.ParseMediaType(string(h.ContentType()))
		if _, limit := apiDocsSource(mt); limit > 0 {
			return max(limit, s.opts.MaxBodyBytes)
		}
	}
	return s.opts.MaxBodyBytes
}

// headerReceived runs when a request's header has been read and before
// fasthttp reads any of its body. A body declared larger than the route
// accepts is not read at all: the request goes on without one, marked for
// refuseDeclared. Every body gets the idle timeout until bodyReader takes
// over, so that a client declaring a body and sending none is cut quickly.
func (s *Server) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(declaredLengthHeader)
	if n := h.ContentLength(); n > 0 && int64(n) > s.declaredLimit(h) {
		h.Set(declaredLengthHeader, strconv.Itoa(n))
		h.SetContentLength(0)
		h.SetConnectionClose()
	}
	return fasthttp.RequestConfig{ReadTimeout: min(s.opts.BodyIdleTimeout, s.opts.ReadTimeout)}
}

// refuseDeclared answers 413 at once to a request headerReceived marked.
func (s *Server) refuseDeclared(c *fiber.Ctx) error {
	if len(c.Request().Header.Peek(declaredLengthHeader)) == 0 {
		return c.Next()
	}
	lingerOnClose(c)
	return tooLarge(s.declaredLimit(&c.Request().Header))
}

const bodyReaderKey = "body_reader"

// body returns the request body as a stream that is never buffered whole,
// read under the idle timeout. It is the only way handlers read a body.
func (s *Server) body(c *fiber.Ctx) *bodyReader {
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

// uploadGate bounds the streamed uploads in progress: per account, so that
// one account cannot take every slot, and in all, because each holds a
// part buffer in memory until its body ends or goes idle.
type uploadGate struct {
	mu            sync.Mutex
	perAccount    map[int64]int
	total         int
	maxPerAccount int
	maxTotal      int
}

func newUploadGate(maxPerAccount, maxTotal int) *uploadGate {
	return &uploadGate{perAccount: map[int64]int{}, maxPerAccount: maxPerAccount, maxTotal: maxTotal}
}

// acquire takes a slot for userID. It returns ETOOMANY when the account
// has its limit of uploads in progress and "unavailable" when the process
// has; release gives the slot back.
func (g *uploadGate) acquire(userID int64) (release func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.perAccount[userID] >= g.maxPerAccount {
		return nil, folio.Errorf(folio.ETOOMANY, "You have %d uploads in progress; wait for one to finish.", g.maxPerAccount)
	}
	if g.total >= g.maxTotal {
		return nil, folio.Errorf(errUnavailable, "The server is receiving as many uploads as it can; try again shortly.")
	}
	g.perAccount[userID]++
	g.total++
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.perAccount[userID]--; g.perAccount[userID] == 0 {
				delete(g.perAccount, userID)
			}
			g.total--
		})
	}, nil
}

const errUnavailable = "unavailable"

// trackedConn is a served connection that remembers whether its peer
// closed it, and can linger before closing.
type trackedConn struct {
	net.Conn
	peerClosed atomic.Bool
	linger     atomic.Bool
}

func (t *trackedConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if err == io.EOF {
		t.peerClosed.Store(true)
	}
	return n, err
}

// Close closes the connection; one marked to linger first sends its FIN,
// then reads what the client still sends (at most drainLimit bytes, for at
// most lingerTimeout), so that closing with unread bytes does not reset
// the connection and destroy the response before the client reads it.
func (t *trackedConn) Close() error {
	if t.linger.Swap(false) {
		if tcp, ok := t.Conn.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
		_ = t.Conn.SetReadDeadline(time.Now().Add(lingerTimeout))
		_, _ = io.Copy(io.Discard, io.LimitReader(t.Conn, drainLimit))
	}
	return t.Conn.Close()
}

func peerClosed(c net.Conn) bool {
	t, ok := c.(*trackedConn)
	return ok && t.peerClosed.Load()
}

// lingerOnClose closes the connection after the response, lingering
// first when it is a tracked one.
func lingerOnClose(c *fiber.Ctx) {
	c.Context().SetConnectionClose()
	if t, ok := c.Context().Conn().(*trackedConn); ok {
		t.linger.Store(true)
	}
}

type trackingListener struct{ net.Listener }

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c}, nil
}
