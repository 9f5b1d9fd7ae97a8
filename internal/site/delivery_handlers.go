package site

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// byteRange is an inclusive range of a file.
type byteRange struct{ start, end int64 }

// parseRange reads a single-range "bytes=" header. ok is false for a
// malformed header (served whole, as RFC 9110 allows); satisfiable is false
// for a range entirely past the end.
func parseRange(h string, size int64) (r byteRange, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return r, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return r, false, false
	}
	if first == "" { // suffix: the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 {
			return r, false, false
		}
		if n > size {
			n = size
		}
		return byteRange{size - n, size - 1}, true, size > 0
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return r, false, false
	}
	end := size - 1
	if last != "" {
		if end, err = strconv.ParseInt(last, 10, 64); err != nil || end < start {
			return r, false, false
		}
		end = min(end, size-1)
	}
	return byteRange{start, end}, true, start < size
}

// serveRendition streams a rendition from storage with range support, so
// that a browser can seek in a video.
//
//	@Summary		A rendition's bytes
//	@Description	Supports Range (206). The key is the media's random public key (from a rendition URL), never its id. Served to anyone while the media is in use on a page they may open: a public or unlisted project's media, a profile's current avatar. Media of drafts and replaced avatars only for their owner.
//	@Tags			media
//	@Produce		octet-stream
//	@Param			key		path	string	true	"media public key"
//	@Param			name	path	string	true	"rendition"	Enums(video, poster_jpeg, poster_webp, thumbnail, image)
//	@Param			Range	header	string	false	"bytes=start-end"
//	@Success		200
//	@Success		206
//	@Failure		404	{object}	api.Problem
//	@Failure		416	{object}	api.Problem
//	@Router			/media/{key}/{name} [get]
func (s *Site) serveRendition(c *fiber.Ctx) error {
	key := c.Params("key")
	if !folio.IsPublicKey(key) {
		return folio.Errorf(folio.ENOTFOUND, "Media not found.")
	}
	ctx := c.UserContext()
	vis, err := s.opts.Media.MediaVisibility(ctx, key)
	if err != nil {
		return err
	}
	var viewer int64
	if ident := request.Identity(c); ident != nil {
		viewer = ident.User.ID
	}
	if !vis.PublicTo(viewer) {
		return folio.Errorf(folio.ENOTFOUND, "Media not found.")
	}
	rd, ok := vis.Media.Rendition(c.Params("name"))
	if !ok || vis.Media.Status != folio.MediaReady {
		return folio.Errorf(folio.ENOTFOUND, "Media not found.")
	}
	// A key never changes content, but a project may go back to draft or
	// an avatar be replaced: an hour in caches, then revalidation by ETag.
	// Only media of pages anyone may find goes to shared caches; unlisted
	// projects' media is kept out of search engines like their pages.
	cache := "public, max-age=3600"
	if !vis.Listed() {
		cache = "private, max-age=3600"
		c.Set("X-Robots-Tag", "noindex")
	}
	etag := fmt.Sprintf(`"%s-%s-%d"`, vis.Media.PublicKey, rd.Name, rd.SizeBytes)
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderContentType, rd.ContentType)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	size := rd.SizeBytes
	r, start, end := byteRange{0, size - 1}, int64(0), int64(-1)
	if h := c.Get(fiber.HeaderRange); h != "" && (c.Get(fiber.HeaderIfRange) == "" || c.Get(fiber.HeaderIfRange) == etag) {
		rr, ok, satisfiable := parseRange(h, size)
		if ok && !satisfiable {
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
			return fiber.NewError(fiber.StatusRequestedRangeNotSatisfiable, "The range is outside the file.")
		}
		if ok {
			r, start, end = rr, rr.start, rr.end
			c.Status(fiber.StatusPartialContent)
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", r.start, r.end, size))
		}
	}
	body, err := s.opts.Store.OpenRange(ctx, rd.Key, start, end)
	if err != nil {
		return err
	}
	// fasthttp closes the stream once it is sent.
	c.Response().SetBodyStream(body, int(r.end-r.start+1))
	return nil
}
