package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
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

func uploadResponse(d *upload.Direct) UploadResponse {
	r := UploadResponse{MediaID: d.MediaID, UploadID: d.UploadID, PartSize: d.PartSize, Parts: []PartURL{}}
	for _, p := range d.Parts {
		r.Parts = append(r.Parts, PartURL{Number: p.Number, URL: p.URL})
	}
	return r
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
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	d, err := s.opts.Uploads.StartDirect(c.UserContext(), request.User(c).ID, projectID,
		upload.DirectRequest{Kind: req.Kind, Filename: req.Filename, Size: req.Size, ContentType: req.ContentType})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(uploadResponse(d))
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
	if err := s.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	parts := make([]storage.Part, len(req.Parts))
	for i, p := range req.Parts {
		parts[i] = storage.Part{Number: p.Number, ETag: p.ETag}
	}
	m, err := s.opts.Uploads.Complete(c.UserContext(), request.User(c).ID, id, parts)
	if err != nil {
		return err
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
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := s.opts.Uploads.Abort(c.UserContext(), request.User(c).ID, id); err != nil {
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
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	d, err := s.opts.Uploads.Resume(c.UserContext(), request.User(c).ID, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(uploadResponse(d))
}
