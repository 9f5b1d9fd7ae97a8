// Package analytics counts what visitors of public pages do, privacy
// first (the Plausible model): no cookies or storage in the browser, no IP
// address kept; a visitor id is a hash of a secret salt that changes every
// day, the IP, the User-Agent and the portfolio, and the salts of past days
// are destroyed, so visits cannot be linked across days or portfolios.
// Recording never waits on the database: events are buffered in the
// process and written in batches.
package analytics

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"sync"
	"time"
)

// SaltSource hands out the secret salt of a day, the same on every replica.
type SaltSource interface {
	DailySalt(ctx context.Context, day time.Time) ([]byte, error)
}

// Salts caches the current day's salt in the process.
type Salts struct {
	src SaltSource
	now func() time.Time

	mu   sync.Mutex
	day  string
	salt []byte
}

// NewSalts returns a cache over src; now is the clock (time.Now if nil).
func NewSalts(src SaltSource, now func() time.Time) *Salts {
	if now == nil {
		now = time.Now
	}
	return &Salts{src: src, now: now}
}

// Current returns today's (UTC) salt, asking src once a day.
func (s *Salts) Current(ctx context.Context) ([]byte, error) {
	now := s.now().UTC()
	day := now.Format(time.DateOnly)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.day == day {
		return s.salt, nil
	}
	salt, err := s.src.DailySalt(ctx, now)
	if err != nil {
		return nil, err
	}
	s.day, s.salt = day, salt
	return salt, nil
}

// VisitorID hashes what tells one visitor of one portfolio apart on one
// day. The IP and User-Agent go into the hash and nowhere else; without
// the day's salt the id cannot be recomputed. Never 0 (0 means
// "anonymous").
func VisitorID(salt []byte, ip, userAgent string, ownerID int64) int64 {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte{0})
	h.Write([]byte(ip))
	h.Write([]byte{0})
	h.Write([]byte(userAgent))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatInt(ownerID, 10)))
	var sum [sha256.Size]byte
	id := int64(binary.BigEndian.Uint64(h.Sum(sum[:0])) >> 1) // positive, fits bigint
	if id == 0 {
		id = 1
	}
	return id
}
