// Package upload receives media: streamed uploads (the API's raw or
// multipart bodies, the seed's files), direct uploads to object storage in
// presigned parts, and their deletion. Every way in records the media,
// checks its real type and size, and queues its processing the same way.
package upload

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// DefaultEnqueueRetryFor covers a Sentinel failover with its default
// settings: the primary declared down after 5 s, a replica promoted in
// about one more.
const DefaultEnqueueRetryFor = 10 * time.Second

// Streamed uploads in progress, by default: per account, and in all. Each
// holds one storage.StreamPartSize buffer, so the process holds at most
// DefaultMaxUploads of them.
const (
	DefaultMaxUploadsPerAccount = 3
	DefaultMaxUploads           = 16
)

// Service receives and deletes media.
type Service struct {
	Media    folio.MediaService
	Projects folio.ProjectService
	Store    *storage.Store
	Queue    queue.Enqueuer
	Purger   *purge.Purger // removes the objects of deleted media
	// Size limits by kind.
	MaxVideoBytes int64
	MaxImageBytes int64
	// Streamed uploads in progress, per account and in all (zero: the
	// defaults); beyond either, Stream refuses before reading a byte.
	MaxUploadsPerAccount int
	MaxUploads           int
	// EnqueueRetryFor is how long queueing a processing job is retried
	// while Redis refuses it (a Sentinel failover); 0: DefaultEnqueueRetryFor.
	EnqueueRetryFor time.Duration
	Metrics         *metrics.Metrics // nil: none
	Logger          *slog.Logger     // nil: slog.Default()

	gateOnce sync.Once
	gate     *gate
}

// Limit is the size limit of a kind of media.
func (s *Service) Limit(kind folio.MediaKind) int64 {
	if kind.IsVideo() {
		return s.MaxVideoBytes
	}
	return s.MaxImageBytes
}

func (s *Service) tooLarge(kind folio.MediaKind) error {
	return folio.Errorf(folio.ETOOLARGE, "The file is larger than the %d-byte limit for a %s.", s.Limit(kind), kind)
}

func unsupportedType(kind folio.MediaKind) error {
	want := "PNG, JPEG, WebP or GIF image"
	if kind.IsVideo() {
		want = "MP4, WebM, QuickTime (MOV) or Matroska video"
	}
	return folio.Errorf(folio.EUNSUPPORTED, "The file is not a %s (judged by its content, not its name).", want)
}

// maxFilenameLen is the longest file name kept.
const maxFilenameLen = 255

// CleanFilename keeps the base name of a client's file name, without
// control characters and at most 255 bytes long.
func CleanFilename(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if len(name) > maxFilenameLen {
		name = name[:maxFilenameLen]
	}
	return name
}

// enqueueProcessing queues the media's processing, retrying through a
// Redis failover. Its task id is the media's, so a second complete (a
// retry, a double click) finds the first task queued: that is logged and
// counted, and is success.
func (s *Service) enqueueProcessing(ctx context.Context, m *folio.Media) error {
	t, err := queue.NewMediaProcessTask(m.ID, m.PublicKey, queue.RequestID(ctx))
	if err != nil {
		return err
	}
	within := s.EnqueueRetryFor
	if within <= 0 {
		within = DefaultEnqueueRetryFor
	}
	err = queue.EnqueueRetrying(ctx, s.Queue, t, within)
	if queue.AlreadyQueued(err) {
		s.logger().Info("media processing already queued", "media_id", m.ID, "request_id", queue.RequestID(ctx))
		s.Metrics.TaskAlreadyQueued(t.Type())
		return nil
	}
	return err
}

// Delete deletes ownerID's media item; its row and a record of its object
// folder go in one transaction, and the folder's removal is queued (or
// left to the reconcile when the queue is down). ENOTFOUND unless the
// media is ownerID's.
func (s *Service) Delete(ctx context.Context, ownerID, mediaID int64) error {
	d, err := s.Purger.Deletions.DeleteMedia(ctx, ownerID, mediaID)
	if err != nil {
		return err
	}
	s.Purger.Schedule(ctx, []folio.ObjectDeletion{d})
	return nil
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// gate bounds the streamed uploads in progress: per account, so that one
// account cannot take every slot, and in all, because each holds a part
// buffer in memory until its body ends or goes idle.
type gate struct {
	mu            sync.Mutex
	perAccount    map[int64]int
	total         int
	maxPerAccount int
	maxTotal      int
}

func (s *Service) uploads() *gate {
	s.gateOnce.Do(func() {
		per, total := s.MaxUploadsPerAccount, s.MaxUploads
		if per <= 0 {
			per = DefaultMaxUploadsPerAccount
		}
		if total <= 0 {
			total = DefaultMaxUploads
		}
		s.gate = &gate{perAccount: map[int64]int{}, maxPerAccount: per, maxTotal: total}
	})
	return s.gate
}

// acquire takes a slot for userID. It returns ETOOMANY when the account
// has its limit of uploads in progress and EUNAVAILABLE when the process
// has; release gives the slot back.
func (g *gate) acquire(userID int64) (release func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.perAccount[userID] >= g.maxPerAccount {
		return nil, folio.Errorf(folio.ETOOMANY, "You have %d uploads in progress; wait for one to finish.", g.maxPerAccount)
	}
	if g.total >= g.maxTotal {
		return nil, folio.Errorf(folio.EUNAVAILABLE, "The server is receiving as many uploads as it can; try again shortly.")
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

// Acquire takes one of ownerID's streamed-upload slots for a body that
// streams to storage outside Stream (an API-docs source), so that it
// counts against the same limits. See Stream for the errors.
func (s *Service) Acquire(ownerID int64) (release func(), err error) {
	return s.uploads().acquire(ownerID)
}
