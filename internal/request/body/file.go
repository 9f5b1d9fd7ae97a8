package body

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// File is the file bytes of an upload request: the raw body, or the first
// file part of a multipart/form-data body, never buffered whole. The part
// is found on the first read, so that no byte of the body is read before
// its reader (an upload.Service) is ready for it. An error sticks.
type File struct {
	body     io.Reader
	boundary string // "" for a raw body
	filename string
	r        io.Reader
	err      error
}

// File is the request's file; a raw body is named by the filename query
// parameter.
func (in Intake) File(c *fiber.Ctx) *File {
	u := &File{body: in.Stream(c), filename: c.Query("filename")}
	if mt, params, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt == "multipart/form-data" {
		u.boundary = params["boundary"]
	}
	return u
}

func (u *File) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if u.r == nil {
		if u.r, u.err = u.open(); u.err != nil {
			return 0, u.err
		}
	}
	return u.r.Read(p)
}

func (u *File) open() (io.Reader, error) {
	if u.boundary == "" {
		return u.body, nil
	}
	mr := multipart.NewReader(u.body, u.boundary)
	for {
		part, err := mr.NextPart()
		if errors.As(err, new(*folio.Error)) {
			return nil, err
		}
		if err != nil {
			return nil, folio.Errorf(folio.EBADREQUEST, "The multipart body has no file part.")
		}
		if part.FileName() != "" {
			u.filename = part.FileName()
			return part, nil
		}
	}
}

// Filename is the file's name: the filename query parameter of a raw
// body, the part's own of a multipart one once File has been read from.
func (u *File) Filename() string { return u.filename }
