package upload

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// Direct uploads go from the client to object storage in parts, each PUT
// to a presigned URL; the service only signs and completes.
const (
	minPartSize   = 16 << 20
	maxParts      = 10000
	partURLExpiry = 24 * time.Hour
)

// DirectRequest announces a file the client will send in parts.
type DirectRequest struct {
	Kind        string
	Filename    string
	Size        int64
	ContentType string
}

// PartURL is where to PUT one part.
type PartURL struct {
	Number int
	URL    string
}

// Direct is a direct upload in progress: where to send each part.
type Direct struct {
	MediaID  int64
	UploadID string
	PartSize int64
	Parts    []PartURL
}

func partSizeFor(size int64) int64 {
	ps := int64(minPartSize)
	for (size+ps-1)/ps > maxParts {
		ps *= 2
	}
	return ps
}

// StartDirect records a new media item of ownerID's project, starts its
// multipart upload and signs every part. EINVALID (with the fields) for a
// bad kind, a size over the limit or a type not accepted; ENOTFOUND
// unless the project is ownerID's.
func (s *Service) StartDirect(ctx context.Context, ownerID, projectID int64, req DirectRequest) (*Direct, error) {
	var v folio.Validation
	kind, ok := folio.ParseMediaKind(req.Kind)
	if !ok {
		v.Add("kind", "must be screencast or screenshot")
	} else {
		if limit := s.Limit(kind); req.Size <= 0 || req.Size > limit {
			v.Add("size", "must be from 1 to %d bytes for a %s", limit, kind)
		}
		if !kind.AcceptsType(strings.ToLower(req.ContentType)) {
			v.Add("content_type", "%q is not accepted for a %s", req.ContentType, kind)
		}
	}
	if len(req.Filename) > maxFilenameLen {
		v.Add("filename", "must be at most %d bytes", maxFilenameLen)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	m := &folio.Media{OwnerID: ownerID, ProjectID: projectID, Kind: kind, Status: folio.MediaUploading,
		Filename: CleanFilename(req.Filename), ContentType: strings.ToLower(req.ContentType), SizeBytes: req.Size}
	if err := s.Media.CreateMedia(ctx, m); err != nil {
		return nil, err
	}
	uploadID, err := s.Store.StartMultipart(ctx, m.OriginalKey, m.ContentType)
	if err != nil {
		_ = s.Media.DeleteMedia(context.WithoutCancel(ctx), m.ID)
		return nil, fmt.Errorf("start multipart upload: %w", err)
	}
	if err := s.Media.SetUploadID(ctx, m.ID, uploadID); err != nil {
		return nil, err
	}
	m.UploadID = uploadID
	return s.signParts(ctx, m)
}

// Resume signs every part of ownerID's unfinished direct upload again, so
// a client can continue after a reload or after the first URLs expired.
// ECONFLICT when the upload is no longer in progress.
func (s *Service) Resume(ctx context.Context, ownerID, mediaID int64) (*Direct, error) {
	m, err := s.Media.OwnedMedia(ctx, ownerID, mediaID)
	if err != nil {
		return nil, err
	}
	if m.Status != folio.MediaUploading || m.UploadID == "" {
		return nil, folio.Errorf(folio.ECONFLICT, "The upload is no longer in progress.")
	}
	return s.signParts(ctx, m)
}

// signParts presigns a URL for every part of m's multipart upload.
func (s *Service) signParts(ctx context.Context, m *folio.Media) (*Direct, error) {
	ps := partSizeFor(m.SizeBytes)
	d := &Direct{MediaID: m.ID, UploadID: m.UploadID, PartSize: ps}
	for n := 1; int64(n-1)*ps < m.SizeBytes; n++ {
		size := min(ps, m.SizeBytes-int64(n-1)*ps)
		u, err := s.Store.PresignPart(ctx, m.OriginalKey, m.UploadID, n, size, partURLExpiry)
		if err != nil {
			return nil, err
		}
		d.Parts = append(d.Parts, PartURL{Number: n, URL: u})
	}
	return d, nil
}

// Complete assembles the parts of ownerID's direct upload, checks the
// size and the real type of the result and queues processing. Completing
// again is harmless: it answers the media's current state and never
// queues a second job (media left uploaded, whose queueing failed, is
// queued again). EINVALID for missing parts or a size other than the
// declared one, EUNSUPPORTED for content not of the kind; a rejected file
// is removed and the media marked failed.
func (s *Service) Complete(ctx context.Context, ownerID, mediaID int64, parts []storage.Part) (*folio.Media, error) {
	m, err := s.Media.OwnedMedia(ctx, ownerID, mediaID)
	if err != nil {
		return nil, err
	}
	if m.Status != folio.MediaUploading {
		return s.alreadyComplete(ctx, m)
	}
	if len(parts) == 0 {
		return nil, &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.", Fields: []folio.FieldError{{Field: "parts", Message: "is required"}}}
	}
	if err := s.Store.CompleteMultipart(ctx, m.OriginalKey, m.UploadID, parts); err != nil {
		// A concurrent complete may have won; answer its result.
		if latest, lerr := s.Media.OwnedMedia(ctx, ownerID, m.ID); lerr == nil && latest.Status != folio.MediaUploading {
			return s.alreadyComplete(ctx, latest)
		}
		if errors.Is(err, storage.ErrNotFound) {
			return nil, folio.Errorf(folio.EINVALID, "The upload no longer exists; start a new one.")
		}
		// The store's own words stay in the log: they name buckets and keys.
		s.logger().WarnContext(ctx, "complete multipart refused", "error", err, "request_id", queue.RequestID(ctx), "media_id", m.ID)
		return nil, &folio.Error{Code: folio.EINVALID, Message: "Storage refused the parts.", Fields: []folio.FieldError{{Field: "parts", Message: "must list every part with the ETag its PUT returned"}}}
	}
	info, err := s.Store.Stat(ctx, m.OriginalKey)
	if err != nil {
		return nil, err
	}
	reject := func(err error, reason string) (*folio.Media, error) {
		cctx := context.WithoutCancel(ctx)
		_ = s.Store.Remove(cctx, m.OriginalKey)
		_ = s.Media.FailMedia(cctx, m.ID, reason)
		return nil, err
	}
	if info.Size != m.SizeBytes || info.Size > s.Limit(m.Kind) {
		msg := fmt.Sprintf("The uploaded file has %d bytes, not the %d declared.", info.Size, m.SizeBytes)
		return reject(folio.Errorf(folio.EINVALID, "%s", msg), msg)
	}
	head, err := s.Store.Head(ctx, m.OriginalKey, media.SniffLen)
	if err != nil {
		return nil, err
	}
	contentType := media.Sniff(head)
	if !m.Kind.AcceptsType(contentType) {
		err := unsupportedType(m.Kind)
		return reject(err, folio.ErrorMessage(err))
	}
	if err := s.Media.MarkUploaded(ctx, m.ID, contentType, info.Size); err != nil {
		if folio.ErrorCode(err) == folio.ECONFLICT {
			latest, lerr := s.Media.OwnedMedia(ctx, ownerID, m.ID)
			if lerr != nil {
				return nil, lerr
			}
			return s.alreadyComplete(ctx, latest)
		}
		return nil, err
	}
	if err := s.enqueueProcessing(ctx, m); err != nil {
		return nil, err
	}
	return s.Media.OwnedMedia(ctx, ownerID, m.ID)
}

// alreadyComplete answers a repeated complete with the media's state. A
// media item stuck at uploaded (its enqueue failed) is queued again; the
// task id keeps that from making a second job.
func (s *Service) alreadyComplete(ctx context.Context, m *folio.Media) (*folio.Media, error) {
	if m.Status == folio.MediaUploaded {
		if err := s.enqueueProcessing(ctx, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Abort cancels ownerID's direct upload: its parts and its row go.
// ECONFLICT when the upload is complete (Delete removes it then).
func (s *Service) Abort(ctx context.Context, ownerID, mediaID int64) error {
	m, err := s.Media.OwnedMedia(ctx, ownerID, mediaID)
	if err != nil {
		return err
	}
	if m.Status != folio.MediaUploading {
		return folio.Errorf(folio.ECONFLICT, "The upload is complete; DELETE /api/v1/media/%d removes it.", m.ID)
	}
	if err := s.Store.AbortMultipart(ctx, m.OriginalKey, m.UploadID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return s.Media.DeleteMedia(ctx, m.ID)
}
