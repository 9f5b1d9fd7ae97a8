// Package body takes in request bodies, because a body costs memory and
// a connection for as long as its client takes to send it: a stream read
// under an idle timeout that tells a body cut short from one that ended
// cleanly, a body read whole under a limit, strict JSON decoding that
// refuses unknown fields and text PostgreSQL cannot store, and the file of
// a raw or multipart upload. A body given up on closes its connection,
// lingering so that the client reads the answer.
package body

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// DefaultIdleTimeout is how long a request body may send nothing.
const DefaultIdleTimeout = 30 * time.Second

// DefaultReadTimeout bounds a whole request: long enough for a large
// streamed upload on a slow link, short enough to shed stuck clients.
const DefaultReadTimeout = 10 * time.Minute

// CodeTimeout is the error code of a body that stopped arriving.
const CodeTimeout = "timeout"

var (
	errIdle = folio.Errorf(CodeTimeout, "The request body stopped arriving; nothing was stored.")
	errCut  = folio.Errorf(folio.EBADREQUEST, "The request body ended before its last byte; nothing was stored.")
)

// Intake reads the bodies of a surface's requests under its limits.
type Intake struct {
	// MaxBytes bounds a body read whole (Read, DecodeJSON); the streaming
	// routes set their own limits.
	MaxBytes int64
	// ReadTimeout bounds a whole request; IdleTimeout cuts a body that
	// sends nothing for this long.
	ReadTimeout time.Duration
	IdleTimeout time.Duration
}

const bodyReaderKey = "body_reader"

// Stream returns the request body as a stream that is never buffered
// whole, read under the idle timeout. It is the only way handlers read a
// body.
func (in Intake) Stream(c *fiber.Ctx) *Reader {
	if b, ok := c.Locals(bodyReaderKey).(*Reader); ok {
		return b
	}
	b := &Reader{declared: int64(c.Request().Header.ContentLength()), idle: in.IdleTimeout}
	if stream := c.Context().RequestBodyStream(); stream != nil {
		b.stream, b.conn = stream, c.Context().Conn()
		b.deadline = c.Context().Time().Add(in.ReadTimeout)
	} else {
		b.stream = bytes.NewReader(c.Body())
	}
	c.Locals(bodyReaderKey, b)
	return b
}

// Reader reads a request body. Each read may wait at most the idle
// timeout (and never past the request's read timeout). It ends with io.EOF
// only for a complete body: one cut short of its Content-Length, or a
// chunked body whose connection closed before the last chunk, ends with
// a bad request error. An error sticks: later reads return it again.
type Reader struct {
	stream   io.Reader
	conn     net.Conn // nil for a body already in memory
	declared int64    // Content-Length; -1 for chunked
	read     int64
	idle     time.Duration
	deadline time.Time
	err      error
}

func (b *Reader) Read(p []byte) (int, error) {
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
		err = errCut
	case err == io.EOF && b.declared < 0 && peerClosed(b.conn):
		// fasthttp reports a connection closed between two chunks as the
		// end of the body; only the last chunk ends a chunked body.
		err = errCut
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = errIdle
	case err != nil && err != io.EOF:
		err = errCut
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
func (b *Reader) discard(limit int64) {
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
