package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// File is a file to stream into storage.
type File struct {
	OwnerID   int64
	ProjectID int64 // 0 for an avatar
	Kind      folio.MediaKind
	Filename  string
	// FilenameAfterRead, when set, is asked for the name once Body has
	// been read from and wins over Filename: a multipart body names its
	// file part, which is found only on the first read (after Stream took
	// its upload slot).
	FilenameAfterRead func() string
	// Body is read to its end and never held whole. It must end with
	// io.EOF only when the whole file was read; any other error (a body cut
	// short, an idle timeout) stores nothing and is returned as is when it
	// is a *folio.Error.
	Body io.Reader
	// DeclaredSize is the size the sender announced, or -1 (or 0) when
	// unknown; over the limit is ETOOLARGE before a byte is read.
	DeclaredSize int64
}

// errCut is the answer to a body that broke off before its end.
var errCut = folio.Errorf(folio.EBADREQUEST, "The request body ended before its last byte; nothing was stored.")

// Stream stores f as a new media item, judged by its first bytes, and
// queues its processing. Only a body that ended cleanly is stored; when
// it fails nothing is left stored. The owner may have
// MaxUploadsPerAccount streamed uploads in progress, the process
// MaxUploads: beyond them it answers ETOOMANY or EUNAVAILABLE before
// reading. ENOTFOUND unless the project is f.OwnerID's; ETOOLARGE over
// the kind's limit; EUNSUPPORTED when the content is not of the kind.
func (s *Service) Stream(ctx context.Context, f File) (*folio.Media, error) {
	limit := s.Limit(f.Kind)
	if f.DeclaredSize > limit {
		return nil, s.tooLarge(f.Kind)
	}
	release, err := s.uploads().acquire(f.OwnerID)
	if err != nil {
		return nil, err
	}
	defer release()
	if f.ProjectID != 0 {
		if _, err := s.Projects.Project(ctx, f.OwnerID, f.ProjectID); err != nil {
			return nil, err
		}
	}
	head := make([]byte, media.SniffLen)
	n, err := io.ReadFull(f.Body, head)
	if errors.As(err, new(*folio.Error)) {
		return nil, err
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	contentType := media.Sniff(head)
	if n == 0 || !f.Kind.AcceptsType(contentType) {
		return nil, unsupportedType(f.Kind)
	}
	filename := f.Filename
	if f.FilenameAfterRead != nil {
		filename = f.FilenameAfterRead()
	}
	m := &folio.Media{OwnerID: f.OwnerID, ProjectID: f.ProjectID, Kind: f.Kind, Status: folio.MediaUploading,
		Filename: CleanFilename(filename), ContentType: contentType}
	if err := s.Media.CreateMedia(ctx, m); err != nil {
		return nil, err
	}
	body := storage.LimitReader(io.MultiReader(bytes.NewReader(head), f.Body), limit)
	size, err := s.Store.PutStream(ctx, m.OriginalKey, body, contentType)
	if err != nil {
		cctx := context.WithoutCancel(ctx)
		_ = s.Store.Remove(cctx, m.OriginalKey)
		_ = s.Media.DeleteMedia(cctx, m.ID)
		switch {
		case errors.Is(err, storage.ErrTooLarge):
			return nil, s.tooLarge(f.Kind)
		case errors.As(err, new(*folio.Error)):
			return nil, err // the body was cut short or went idle
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, errCut // a multipart body without its closing boundary
		}
		return nil, fmt.Errorf("store upload: %w", err)
	}
	if s.Metrics != nil {
		s.Metrics.UploadBytes.WithLabelValues(string(f.Kind)).Add(float64(size))
	}
	if err := s.Media.MarkUploaded(ctx, m.ID, contentType, size); err != nil {
		return nil, err
	}
	// The bytes are safe; if the queue is down the cleanup task queues the
	// job later, so the owner need not upload again.
	if err := s.enqueueProcessing(ctx, m); err != nil {
		s.logger().Warn("processing not queued; the cleanup task will", "media_id", m.ID, "error", err, "request_id", queue.RequestID(ctx))
	}
	return s.Media.MediaByID(ctx, m.ID)
}

// Avatar streams a profile picture (as Stream, of kind avatar, whatever
// f's ProjectID and Kind) and makes it f.OwnerID's avatar.
func (s *Service) Avatar(ctx context.Context, f File) (*folio.Media, error) {
	f.ProjectID, f.Kind = 0, folio.MediaAvatar
	m, err := s.Stream(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := s.Media.SetAvatar(ctx, f.OwnerID, m.ID); err != nil {
		return nil, err
	}
	return m, nil
}
