package request

import (
	"context"
	"html/template"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/markdown"
)

// RenderTimeout bounds how long a page or a preview waits for its
// Markdown. The renderer's own bounds keep any stored text far below it;
// reaching it means the process is overloaded, and the caller gets an
// error rather than a longer wait.
const RenderTimeout = 2 * time.Second

// CodeRenderTimeout is the problem code of a render that was not done in
// time (503): the text was accepted, the render was not.
const CodeRenderTimeout = "render_timeout"

// RenderMarkdown renders an owner's Markdown exactly as the pages show it,
// for a page or the API's preview.
func RenderMarkdown(ctx context.Context, src string) (template.HTML, error) {
	ctx, cancel := context.WithTimeout(ctx, RenderTimeout)
	defer cancel()
	h, err := markdown.RenderContext(ctx, src)
	if err != nil {
		return "", &folio.Error{Code: CodeRenderTimeout, Message: "The Markdown took too long to render; try again in a moment."}
	}
	return h, nil
}
