package server

import (
	"errors"
	"log/slog"
	"net"
	"syscall"
	"time"
)

// retryListener keeps accepting through errors that pass: out of file
// descriptors (EMFILE, ENFILE, ENOBUFS, ENOMEM) or a connection reset
// before it was accepted. fasthttp retries only timeouts and treats any
// other accept error as the end of the listener, which made `folio serve`
// exit under overload; net/http retries these the same way.
type retryListener struct {
	net.Listener
	log *slog.Logger
}

// maxAcceptBackoff caps the wait between retries: descriptors free up as
// in-flight requests finish, well within a second.
const maxAcceptBackoff = time.Second

func (l retryListener) Accept() (net.Conn, error) {
	var backoff time.Duration
	for {
		c, err := l.Listener.Accept()
		if err == nil || !transientAccept(err) {
			return c, err
		}
		if backoff == 0 {
			backoff = 5 * time.Millisecond
			l.log.Warn("accept failed; retrying", "error", err)
		} else {
			backoff = min(2*backoff, maxAcceptBackoff)
		}
		time.Sleep(backoff)
	}
}

func transientAccept(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.ECONNRESET} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
