package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/upload"
)

// RenditionResponse is one web-ready file of a media item.
type RenditionResponse struct {
	Name        string `json:"name" example:"video"`
	URL         string `json:"url" example:"https://folio.example.com/media/3f9c2a7e51b04d86a1c0e4f7d2b9a615/video"`
	ContentType string `json:"content_type" example:"video/mp4"`
	SizeBytes   int64  `json:"size_bytes"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
}

// MediaResponse is an upload and its processing state.
type MediaResponse struct {
	ID              int64               `json:"id"`
	ProjectID       int64               `json:"project_id,omitempty"`
	Kind            string              `json:"kind" enums:"screencast,screenshot,avatar"`
	Status          string              `json:"status" enums:"uploading,uploaded,processing,ready,failed"`
	Error           string              `json:"error,omitempty" example:"The video is 912 s long; the limit is 600 s. Trim it and upload again."`
	Filename        string              `json:"filename"`
	ContentType     string              `json:"content_type"`
	SizeBytes       int64               `json:"size_bytes"`
	DurationSeconds float64             `json:"duration_seconds,omitempty"`
	Width           int                 `json:"width,omitempty"`
	Height          int                 `json:"height,omitempty"`
	Renditions      []RenditionResponse `json:"renditions"`
	CreatedAt       time.Time           `json:"created_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

func (s *API) mediaResponse(m *folio.Media) MediaResponse {
	r := MediaResponse{
		ID: m.ID, ProjectID: m.ProjectID, Kind: string(m.Kind), Status: string(m.Status), Error: m.Error,
		Filename: m.Filename, ContentType: m.ContentType, SizeBytes: m.SizeBytes,
		DurationSeconds: m.DurationSeconds, Width: m.Width, Height: m.Height,
		Renditions: []RenditionResponse{}, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
	for _, rd := range m.Renditions {
		r.Renditions = append(r.Renditions, RenditionResponse{
			Name: rd.Name, URL: s.opts.BaseURL.JoinPath("media", m.PublicKey, rd.Name).String(),
			ContentType: rd.ContentType, SizeBytes: rd.SizeBytes, Width: rd.Width, Height: rd.Height,
		})
	}
	return r
}

// uploadFile is the file a streaming upload request sends.
func (s *API) uploadFile(c *fiber.Ctx, kind folio.MediaKind, projectID int64) upload.File {
	f := s.intake.File(c)
	return upload.File{OwnerID: request.User(c).ID, ProjectID: projectID, Kind: kind, Body: f,
		FilenameAfterRead: f.Filename, DeclaredSize: int64(c.Request().Header.ContentLength())}
}

// uploadRetryAfter is the Retry-After, in seconds, of an upload refused
// for the uploads already in progress.
const uploadRetryAfter = "10"

// refusedUpload gives up on the rest of a body whose upload failed: it
// must not be parsed as the next request. A refusal for the uploads in
// progress says when to try again.
func (s *API) refusedUpload(c *fiber.Ctx, err error) error {
	if code := folio.ErrorCode(err); code == folio.ETOOMANY || code == folio.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, uploadRetryAfter)
	}
	s.intake.Discard(c)
	return err
}

// uploadProjectMedia streams a screencast or screenshot into storage.
//
//	@Summary		Upload a screencast or screenshot (streaming)
//	@Description	Send the file as the raw body (any Content-Type; the real type is sniffed from its bytes) or as multipart/form-data. The body is streamed to storage, never held in memory; over the size limit is 413 and nothing is kept. Processing starts in the background: poll GET /api/v1/media/{id}.
//	@Tags			media
//	@Security		BearerAuth
//	@Accept			octet-stream
//	@Accept			mpfd
//	@Produce		json
//	@Param			id			path		int		true	"project id"
//	@Param			kind		query		string	true	"what the file is"	Enums(screencast, screenshot)
//	@Param			filename	query		string	false	"original file name, for raw bodies"
//	@Success		201			{object}	MediaResponse
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem	"no such project of yours"
//	@Failure		400			{object}	Problem	"the body ended before its last byte (Content-Length or last chunk); nothing is kept"
//	@Failure		408			{object}	Problem	"the body sent nothing for FOLIO_HTTP_BODY_IDLE_TIMEOUT"
//	@Failure		413			{object}	Problem	"larger than FOLIO_MAX_VIDEO_BYTES / FOLIO_MAX_IMAGE_BYTES; a declared Content-Length over it is refused before the body is read"
//	@Failure		415			{object}	Problem	"not an accepted video or image"
//	@Failure		429			{object}	Problem	"FOLIO_MAX_UPLOADS_PER_ACCOUNT uploads already in progress; see Retry-After"
//	@Failure		503			{object}	Problem	"the server has FOLIO_MAX_UPLOADS uploads in progress; see Retry-After"
//	@Router			/api/v1/projects/{id}/media [post]
func (s *API) uploadProjectMedia(c *fiber.Ctx) error {
	projectID, err := request.PathID(c)
	if err != nil {
		s.intake.Discard(c)
		return err
	}
	kind, ok := folio.ParseMediaKind(c.Query("kind"))
	if !ok {
		s.intake.Discard(c)
		return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.", Fields: []folio.FieldError{{Field: "kind", Message: "must be screencast or screenshot"}}}
	}
	m, err := s.opts.Uploads.Stream(c.UserContext(), s.uploadFile(c, kind, projectID))
	if err != nil {
		return s.refusedUpload(c, err)
	}
	c.Location("/api/v1/media/" + strconv.FormatInt(m.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(s.mediaResponse(m))
}

// uploadAvatar streams a profile picture into storage.
//
//	@Summary		Upload the profile picture (streaming)
//	@Description	Raw body or multipart/form-data; PNG, JPEG, WebP or GIF. Replaces the current avatar once processed.
//	@Tags			media
//	@Security		BearerAuth
//	@Accept			octet-stream
//	@Accept			mpfd
//	@Produce		json
//	@Success		201	{object}	MediaResponse
//	@Failure		401	{object}	Problem
//	@Failure		400	{object}	Problem	"the body ended before its last byte"
//	@Failure		408	{object}	Problem	"the body went idle"
//	@Failure		413	{object}	Problem
//	@Failure		415	{object}	Problem
//	@Failure		429	{object}	Problem	"too many uploads in progress; see Retry-After"
//	@Failure		503	{object}	Problem	"the server is busy with uploads; see Retry-After"
//	@Router			/api/v1/me/avatar [post]
func (s *API) uploadAvatar(c *fiber.Ctx) error {
	m, err := s.opts.Uploads.Avatar(c.UserContext(), s.uploadFile(c, folio.MediaAvatar, 0))
	if err != nil {
		return s.refusedUpload(c, err)
	}
	c.Location("/api/v1/media/" + strconv.FormatInt(m.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(s.mediaResponse(m))
}

// getMedia returns the state of one of the caller's media items.
//
//	@Summary	Media status and renditions
//	@Tags		media
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"media id"
//	@Success	200	{object}	MediaResponse
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/media/{id} [get]
func (s *API) getMedia(c *fiber.Ctx) error {
	m, err := s.callerMedia(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(s.mediaResponse(m))
}

// deleteMedia removes a media item; its objects are deleted by a task.
//
//	@Summary	Delete media
//	@Tags		media
//	@Security	BearerAuth
//	@Param		id	path	int	true	"media id"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/media/{id} [delete]
func (s *API) deleteMedia(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := s.opts.Uploads.Delete(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
