package httpapi

import (
	"context"
	"html/template"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/markdown"
)

// renderTimeout bounds how long a page or a preview waits for its
// Markdown. The renderer's own bounds keep any stored text far below it;
// reaching it means the process is overloaded, and the caller gets an
// error rather than a longer wait.
const renderTimeout = 2 * time.Second

// errRenderTimeout answers 503: the text was accepted, the render was not
// done in time.
var errRenderTimeout = "render_timeout"

// renderMarkdown renders an owner's Markdown for a page or a preview.
func (s *Server) renderMarkdown(ctx context.Context, src string) (template.HTML, error) {
	s.markdownRenders.Add(1)
	ctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	h, err := markdown.RenderContext(ctx, src)
	if err != nil {
		return "", &folio.Error{Code: errRenderTimeout, Message: "The Markdown took too long to render; try again in a moment."}
	}
	return h, nil
}
