package storage

import (
	"errors"
	"io"
)

// ErrTooLarge is the error of a LimitReader whose stream went past its
// limit.
var ErrTooLarge = errors.New("storage: stream larger than the limit")

// LimitReader reads r and fails with ErrTooLarge once more than n bytes
// have been read, so that a stream bound for storage is cut off while it
// flows, not after (io.LimitReader would end it quietly instead).
func LimitReader(r io.Reader, n int64) io.Reader { return &limitedReader{r: r, n: n} }

type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, ErrTooLarge
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, ErrTooLarge
	}
	return n, err
}
