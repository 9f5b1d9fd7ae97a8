package server

import (
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/foliohq/folio/internal/request/body"
)

// A body declared larger than its route accepts is refused before any of
// it is read; the API reads the rest of the bodies (see api's body.go).

// lingerTimeout bounds how long a connection closed on a refused body is
// read (and the bytes thrown away) after its response, so that the client
// reads the response instead of a reset.
const lingerTimeout = 2 * time.Second

// declaredLengthHeader marks a request whose declared body headerReceived
// refused; the client's own value is always removed first.
const declaredLengthHeader = "X-Folio-Refused-Length"

// headerReceived runs when a request's header has been read and before
// fasthttp reads any of its body. A body declared larger than the route
// accepts is not read at all: the request goes on without one, marked for
// refuseDeclared. Every body gets the idle timeout until the API's body
// reader takes over, so that a client declaring a body and sending none is
// cut quickly.
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
	c.Context().SetConnectionClose()
	if t, ok := c.Context().Conn().(*trackedConn); ok {
		t.LingerOnClose()
	}
	return body.TooLarge(s.declaredLimit(&c.Request().Header))
}

// trackedConn is a served connection that remembers whether its peer
// closed it, and can linger before closing. The body.Reader asks it
// through PeerClosed and LingerOnClose.
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

// PeerClosed reports whether the client closed the connection: a chunked
// body that ends so was cut short.
func (t *trackedConn) PeerClosed() bool { return t.peerClosed.Load() }

// LingerOnClose marks the connection to linger when it is closed.
func (t *trackedConn) LingerOnClose() { t.linger.Store(true) }

// Close closes the connection; one marked to linger first sends its FIN,
// then reads what the client still sends (at most body.DrainLimit bytes,
// for at most lingerTimeout), so that closing with unread bytes does not
// reset the connection and destroy the response before the client reads
// it.
func (t *trackedConn) Close() error {
	if t.linger.Swap(false) {
		if tcp, ok := t.Conn.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
		_ = t.Conn.SetReadDeadline(time.Now().Add(lingerTimeout))
		_, _ = io.Copy(io.Discard, io.LimitReader(t.Conn, body.DrainLimit))
	}
	return t.Conn.Close()
}

type trackingListener struct{ net.Listener }

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c}, nil
}
