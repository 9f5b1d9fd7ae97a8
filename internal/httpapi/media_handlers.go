package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/queue"
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

func (s *Server) mediaResponse(m *folio.Media) MediaResponse {
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

func (s *Server) sizeLimit(kind folio.MediaKind) int64 {
	if kind.IsVideo() {
		return s.opts.MaxVideoBytes
	}
	return s.opts.MaxImageBytes
}

var errTooLarge = errors.New("upload larger than the limit")

// limitedReader fails once more than n bytes have been read, so that an
// upload is cut off while streaming, not after.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLarge
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errTooLarge
	}
	return n, err
}

// uploadSource finds the file bytes of a request: the raw body, or the
// first file part of a multipart/form-data body, without buffering either.
func (s *Server) uploadSource(c *fiber.Ctx) (io.Reader, string, error) {
	body := s.body(c)
	mt, params, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if mt != "multipart/form-data" {
		return body, c.Query("filename"), nil
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.As(err, new(*folio.Error)) {
			return nil, "", err
		}
		if err != nil {
			return nil, "", folio.Errorf(errBadRequest, "The multipart body has no file part.")
		}
		if part.FileName() != "" {
			return part, part.FileName(), nil
		}
	}
}

func cleanFilename(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if len(name) > 255 {
		name = name[:255]
	}
	return name
}

func unsupportedType(kind folio.MediaKind) error {
	want := "PNG, JPEG, WebP or GIF image"
	if kind.IsVideo() {
		want = "MP4, WebM, QuickTime (MOV) or Matroska video"
	}
	return folio.Errorf("unsupported_media_type", "The file is not a %s (judged by its content, not its name).", want)
}

// receiveUpload streams a request body into storage as a new media item
// and queues its processing. Only a body that ended cleanly is stored; when
// it fails nothing is left stored. The caller's account may have
// Options.MaxUploadsPerAccount uploads in progress, the process
// Options.MaxUploads: beyond them the body is refused unread.
func (s *Server) receiveUpload(c *fiber.Ctx, kind folio.MediaKind, projectID int64) (m *folio.Media, err error) {
	limit := s.sizeLimit(kind)
	defer func() {
		if err != nil {
			// The rest of the body was not read; it must not be parsed as
			// the next request.
			s.discardBody(c)
		}
	}()
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > limit {
		return nil, folio.Errorf(folio.ETOOLARGE, "The file is larger than the %d-byte limit for a %s.", limit, kind)
	}
	owner := currentUser(c)
	release, err := s.uploads.acquire(owner.ID)
	if err != nil {
		c.Set(fiber.HeaderRetryAfter, uploadRetryAfter)
		return nil, err
	}
	defer release()
	if projectID != 0 {
		if _, err := s.opts.Projects.Project(c.UserContext(), owner.ID, projectID); err != nil {
			return nil, err
		}
	}
	src, filename, err := s.uploadSource(c)
	if err != nil {
		return nil, err
	}
	head := make([]byte, media.SniffLen)
	n, err := io.ReadFull(src, head)
	if errors.As(err, new(*folio.Error)) {
		return nil, err
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	contentType := media.Sniff(head)
	if n == 0 || !kind.AcceptsType(contentType) {
		return nil, unsupportedType(kind)
	}
	m = &folio.Media{OwnerID: owner.ID, ProjectID: projectID, Kind: kind, Status: folio.MediaUploading, Filename: cleanFilename(filename), ContentType: contentType}
	if err := s.opts.Media.CreateMedia(c.UserContext(), m); err != nil {
		return nil, err
	}
	body := &limitedReader{r: io.MultiReader(bytes.NewReader(head), src), n: limit}
	size, err := s.opts.Store.PutStream(c.UserContext(), m.OriginalKey, body, contentType)
	if err != nil {
		ctx := c.UserContext()
		_ = s.opts.Store.Remove(ctx, m.OriginalKey)
		_ = s.opts.Media.DeleteMedia(ctx, m.ID)
		if errors.Is(err, errTooLarge) {
			return nil, folio.Errorf(folio.ETOOLARGE, "The file is larger than the %d-byte limit for a %s.", limit, kind)
		}
		if errors.As(err, new(*folio.Error)) {
			return nil, err // the body was cut short or went idle
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errBodyCut // a multipart body without its closing boundary
		}
		return nil, fmt.Errorf("store upload: %w", err)
	}
	if s.opts.Metrics != nil {
		s.opts.Metrics.UploadBytes.WithLabelValues(string(kind)).Add(float64(size))
	}
	if err := s.opts.Media.MarkUploaded(c.UserContext(), m.ID, contentType, size); err != nil {
		return nil, err
	}
	// The bytes are safe; if the queue is down the cleanup task queues the
	// job later, so the owner need not upload again.
	if err := s.enqueueProcessing(c, m); err != nil {
		s.log.Warn("processing not queued; the cleanup task will", "media_id", m.ID, "error", err, "request_id", requestID(c))
	}
	return s.opts.Media.MediaByID(c.UserContext(), m.ID)
}

// enqueueProcessing queues the media's processing. Its task id is the
// media's, so a second complete (a retry, a double click) finds the first
// task queued: that is logged and counted, and is success.
func (s *Server) enqueueProcessing(c *fiber.Ctx, m *folio.Media) error {
	t, err := queue.NewMediaProcessTask(m.ID, m.PublicKey, requestID(c))
	if err != nil {
		return err
	}
	err = queue.Enqueue(s.opts.Queue, t)
	if queue.AlreadyQueued(err) {
		s.log.Info("media processing already queued", "media_id", m.ID, "request_id", requestID(c))
		s.opts.Metrics.TaskAlreadyQueued(t.Type())
		return nil
	}
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
func (s *Server) uploadProjectMedia(c *fiber.Ctx) error {
	projectID, err := pathID(c)
	if err != nil {
		s.discardBody(c)
		return err
	}
	kind, ok := folio.ParseMediaKind(c.Query("kind"))
	if !ok {
		s.discardBody(c)
		return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.", Fields: []folio.FieldError{{Field: "kind", Message: "must be screencast or screenshot"}}}
	}
	m, err := s.receiveUpload(c, kind, projectID)
	if err != nil {
		return err
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
func (s *Server) uploadAvatar(c *fiber.Ctx) error {
	m, err := s.receiveUpload(c, folio.MediaAvatar, 0)
	if err != nil {
		return err
	}
	if err := s.opts.Media.SetAvatar(c.UserContext(), currentUser(c).ID, m.ID); err != nil {
		return err
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
func (s *Server) getMedia(c *fiber.Ctx) error {
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
func (s *Server) deleteMedia(c *fiber.Ctx) error {
	m, err := s.callerMedia(c)
	if err != nil {
		return err
	}
	if err := s.opts.Media.DeleteMedia(c.UserContext(), m.ID); err != nil {
		return err
	}
	if err := s.enqueueDelete(c, m.ObjectPrefix()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) enqueueDelete(c *fiber.Ctx, prefix string) error {
	t, err := queue.NewMediaDeleteTask(prefix, requestID(c))
	if err != nil {
		return err
	}
	return queue.Enqueue(s.opts.Queue, t)
}
