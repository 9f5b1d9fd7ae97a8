package api

import (
	"mime"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/foliohq/folio/internal/api/applications"
	"github.com/foliohq/folio/internal/api/exportapi"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/jobsearch"
	"github.com/foliohq/folio/internal/resume"
)

// Request bodies arrive through three guards, because a body costs memory
// and a connection for as long as its client takes to send it:
//
//   - the server refuses a declared Content-Length over the endpoint's
//     limit (DeclaredLimit) before fasthttp waits for a byte of the body;
//   - body.Reader cuts a body that stops arriving for the idle timeout, and
//     tells a body cut short (by its length or a missing last chunk) from
//     one that ended cleanly;
//   - upload.Service bounds the streamed uploads in progress (API docs
//     sources among them), per account and in all, each of which holds a
//     part buffer in memory.

// DeclaredLimit is the largest body the route of h accepts: the media
// limits on the streaming upload routes and the API docs source limits
// (see Routes), the CSV import's, MaxBodyBytes on every other one. The server calls it when
// a request's header has arrived, before any of its body.
func (s *API) DeclaredLimit(h *fasthttp.RequestHeader) int64 {
	if !h.IsPost() {
		return s.opts.MaxBodyBytes
	}
	var u fasthttp.URI
	if err := u.Parse(nil, h.RequestURI()); err != nil {
		return s.opts.MaxBodyBytes
	}
	// Routes match without regard to case or a trailing slash.
	path := strings.TrimSuffix(strings.ToLower(string(u.Path())), "/")
	switch {
	case path == applications.ImportPath:
		return max(jobsearch.MaxImportBytes, s.opts.MaxBodyBytes)
	case path == exportapi.ImportPath || path == "/dashboard/resume/import": // a file, and a form's parts around it
		return max(resume.MaxImportBytes+64<<10, s.opts.MaxBodyBytes)
	case path == "/api/v1/me/avatar":
		return s.mediaLimit(folio.MediaAvatar)
	case strings.HasPrefix(path, "/api/v1/projects/") && strings.HasSuffix(path, "/media") && strings.Count(path, "/") == 5:
		if kind, ok := folio.ParseMediaKind(string(u.QueryArgs().Peek("kind"))); ok {
			return s.mediaLimit(kind)
		}
		return max(s.mediaLimit(folio.MediaScreencast), s.mediaLimit(folio.MediaScreenshot))
	case strings.HasPrefix(path, "/api/v1/projects/") && strings.HasSuffix(path, "/apidocs") && strings.Count(path, "/") == 5:
		mt, _, _ := mime.ParseMediaType(string(h.ContentType()))
		if _, limit := apidocs.SourceFor(mt); limit > 0 {
			return max(limit, s.opts.MaxBodyBytes)
		}
	}
	return s.opts.MaxBodyBytes
}

// mediaLimit is the size limit of a kind of media; 0 (no body) without
// an upload service.
func (s *API) mediaLimit(kind folio.MediaKind) int64 {
	if s.opts.Uploads == nil {
		return 0
	}
	return s.opts.Uploads.Limit(kind)
}
