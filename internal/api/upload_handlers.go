package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/storage"
)

// Direct uploads go from the client to object storage in parts, each PUT
// to a presigned URL; the API only signs and completes.
const (
	minPartSize    = 16 << 20
	maxParts       = 10000
	partURLExpiry  = 24 * time.Hour
	maxFilenameLen = 255
)

// UploadRequest starts a direct, resumable upload.
type UploadRequest struct {
	Kind        string `json:"kind" enums:"screencast,screenshot"`
	Filename    string `json:"filename" example:"demo.mp4"`
	Size        int64  `json:"size" example:"314572800"`
	ContentType string `json:"content_type" example:"video/mp4"`
}

// PartURL is where to PUT one part.
type PartURL struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
}

// UploadResponse lists the presigned part URLs of a direct upload.
type UploadResponse struct {
	MediaID  int64     `json:"media_id"`
	UploadID string    `json:"upload_id"`
	PartSize int64     `json:"part_size"`
	Parts    []PartURL `json:"parts"`
}

// CompletedPart is a part the client uploaded, with the ETag storage gave it.
type CompletedPart struct {
	Number int    `json:"number"`
	ETag   string `json:"etag"`
}

// CompleteRequest finishes a direct upload.
type CompleteRequest struct {
	Parts []CompletedPart `json:"parts"`
}

func partSizeFor(size int64) int64 {
	ps := int64(minPartSize)
	for (size+ps-1)/ps > maxParts {
		ps *= 2
	}
	return ps
}

// startUpload signs the parts of a direct upload.
//
//	@Summary		Start a direct, resumable upload
//	@Description	Returns presigned URLs: PUT each part (part_size bytes, the last one shorter) straight to storage, retrying any that fail, then POST /api/v1/uploads/{media_id}/complete with each part's ETag.
//	@Tags			media
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			id		path		int				true	"project id"
//	@Param			body	body		UploadRequest	true	"the file to come"
//	@Success		201		{object}	UploadResponse
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem	"bad kind, size over the limit, type not accepted"
//	@Router			/api/v1/projects/{id}/uploads [post]
func (s *API) startUpload(c *fiber.Ctx) error {
	projectID, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req UploadRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	var v folio.Validation
	kind, ok := folio.ParseMediaKind(req.Kind)
	if !ok {
		v.Add("kind", "must be screencast or screenshot")
	} else {
		if limit := s.sizeLimit(kind); req.Size <= 0 || req.Size > limit {
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
		return err
	}
	ctx := c.UserContext()
	m := &folio.Media{OwnerID: request.User(c).ID, ProjectID: projectID, Kind: kind, Status: folio.MediaUploading,
		Filename: cleanFilename(req.Filename), ContentType: strings.ToLower(req.ContentType), SizeBytes: req.Size}
	if err := s.opts.Media.CreateMedia(ctx, m); err != nil {
		return err
	}
	uploadID, err := s.opts.Store.StartMultipart(ctx, m.OriginalKey, m.ContentType)
	if err != nil {
		_ = s.opts.Media.DeleteMedia(ctx, m.ID)
		return fmt.Errorf("start multipart upload: %w", err)
	}
	if err := s.opts.Media.SetUploadID(ctx, m.ID, uploadID); err != nil {
		return err
	}
	m.UploadID = uploadID
	resp, err := s.signParts(ctx, m)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(resp)
}

// completeUpload assembles the parts and checks the result.
//
//	@Summary		Complete a direct upload
//	@Description	Verifies the size and the real type of the assembled file, then queues processing. Completing again is harmless: it answers the media's current state and never queues a second job.
//	@Tags			media
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			id		path		int				true	"media id"
//	@Param			body	body		CompleteRequest	true	"the uploaded parts"
//	@Success		200		{object}	MediaResponse
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		415		{object}	Problem	"the file is not an accepted type"
//	@Failure		422		{object}	Problem	"parts missing or size different from the declared one"
//	@Router			/api/v1/uploads/{id}/complete [post]
func (s *API) completeUpload(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req CompleteRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	m, err := s.opts.Media.OwnedMedia(ctx, request.User(c).ID, id)
	if err != nil {
		return err
	}
	if m.Status != folio.MediaUploading {
		return s.alreadyComplete(c, m)
	}
	if len(req.Parts) == 0 {
		return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.", Fields: []folio.FieldError{{Field: "parts", Message: "is required"}}}
	}
	parts := make([]storage.Part, len(req.Parts))
	for i, p := range req.Parts {
		parts[i] = storage.Part{Number: p.Number, ETag: p.ETag}
	}
	if err := s.opts.Store.CompleteMultipart(ctx, m.OriginalKey, m.UploadID, parts); err != nil {
		// A concurrent complete may have won; answer its result.
		if latest, lerr := s.opts.Media.OwnedMedia(ctx, m.OwnerID, m.ID); lerr == nil && latest.Status != folio.MediaUploading {
			return s.alreadyComplete(c, latest)
		}
		if errors.Is(err, storage.ErrNotFound) {
			return folio.Errorf(folio.EINVALID, "The upload no longer exists; start a new one.")
		}
		// The store's own words stay in the log: they name buckets and keys.
		s.log.WarnContext(ctx, "complete multipart refused", "error", err, "request_id", request.ID(c), "media_id", m.ID)
		return &folio.Error{Code: folio.EINVALID, Message: "Storage refused the parts.", Fields: []folio.FieldError{{Field: "parts", Message: "must list every part with the ETag its PUT returned"}}}
	}
	info, err := s.opts.Store.Stat(ctx, m.OriginalKey)
	if err != nil {
		return err
	}
	reject := func(err error, reason string) error {
		_ = s.opts.Store.Remove(ctx, m.OriginalKey)
		_ = s.opts.Media.FailMedia(ctx, m.ID, reason)
		return err
	}
	if info.Size != m.SizeBytes || info.Size > s.sizeLimit(m.Kind) {
		msg := fmt.Sprintf("The uploaded file has %d bytes, not the %d declared.", info.Size, m.SizeBytes)
		return reject(folio.Errorf(folio.EINVALID, "%s", msg), msg)
	}
	head, err := s.opts.Store.Head(ctx, m.OriginalKey, media.SniffLen)
	if err != nil {
		return err
	}
	contentType := media.Sniff(head)
	if !m.Kind.AcceptsType(contentType) {
		err := unsupportedType(m.Kind)
		return reject(err, folio.ErrorMessage(err))
	}
	if err := s.opts.Media.MarkUploaded(ctx, m.ID, contentType, info.Size); err != nil {
		if folio.ErrorCode(err) == folio.ECONFLICT {
			latest, _ := s.opts.Media.OwnedMedia(ctx, m.OwnerID, m.ID)
			return s.alreadyComplete(c, latest)
		}
		return err
	}
	if err := s.enqueueProcessing(c, m); err != nil {
		return err
	}
	m, err = s.opts.Media.OwnedMedia(ctx, m.OwnerID, m.ID)
	if err != nil {
		return err
	}
	return c.JSON(s.mediaResponse(m))
}

// alreadyComplete answers a repeated complete with the media's state. A
// media item stuck at uploaded (its enqueue failed) is queued again; the
// task id keeps that from making a second job.
func (s *API) alreadyComplete(c *fiber.Ctx, m *folio.Media) error {
	if m.Status == folio.MediaUploaded {
		if err := s.enqueueProcessing(c, m); err != nil {
			return err
		}
	}
	return c.JSON(s.mediaResponse(m))
}

// abortUpload cancels a direct upload.
//
//	@Summary	Abort a direct upload
//	@Tags		media
//	@Security	BearerAuth
//	@Param		id	path	int	true	"media id"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"already complete; delete the media instead"
//	@Router		/api/v1/uploads/{id} [delete]
func (s *API) abortUpload(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := s.callerMedia(c)
	if err != nil {
		return err
	}
	if m.Status != folio.MediaUploading {
		return folio.Errorf(folio.ECONFLICT, "The upload is complete; DELETE /api/v1/media/%d removes it.", m.ID)
	}
	if err := s.opts.Store.AbortMultipart(ctx, m.OriginalKey, m.UploadID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err := s.opts.Media.DeleteMedia(ctx, m.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// resumeUpload signs the parts of an unfinished direct upload again, so a
// client can continue after a reload or after the first URLs expired.
//
//	@Summary		Resume a direct upload
//	@Description	Returns fresh presigned URLs for every part of an upload still in progress; parts already uploaded may be skipped (their ETags stay valid).
//	@Tags			media
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"media id"
//	@Success		200	{object}	UploadResponse
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"the upload is complete"
//	@Router			/api/v1/uploads/{id}/parts [post]
func (s *API) resumeUpload(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := s.callerMedia(c)
	if err != nil {
		return err
	}
	if m.Status != folio.MediaUploading || m.UploadID == "" {
		return folio.Errorf(folio.ECONFLICT, "The upload is no longer in progress.")
	}
	resp, err := s.signParts(ctx, m)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(resp)
}

// signParts presigns a URL for every part of m's multipart upload.
func (s *API) signParts(ctx context.Context, m *folio.Media) (UploadResponse, error) {
	ps := partSizeFor(m.SizeBytes)
	resp := UploadResponse{MediaID: m.ID, UploadID: m.UploadID, PartSize: ps}
	for n := 1; int64(n-1)*ps < m.SizeBytes; n++ {
		size := min(ps, m.SizeBytes-int64(n-1)*ps)
		u, err := s.opts.Store.PresignPart(ctx, m.OriginalKey, m.UploadID, n, size, partURLExpiry)
		if err != nil {
			return resp, err
		}
		resp.Parts = append(resp.Parts, PartURL{Number: n, URL: u})
	}
	return resp, nil
}
