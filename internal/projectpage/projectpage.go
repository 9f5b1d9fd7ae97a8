// Package projectpage is what a public project page reads about its
// project, in one query: the owner, the project, its demo's state and its
// API docs. The page's media come from folio.MediaService.ReadyMedia, as
// the portfolio page's do.
package projectpage

import (
	"context"

	"github.com/foliohq/folio/internal/folio"
)

// Page is one project as its page shows it.
type Page struct {
	Owner   *folio.User
	Project *folio.Project
	// Demo is the state of the project's live demo; nil when it was never
	// checked.
	Demo *folio.DemoSummary
	// Docs are the project's API docs in whatever status; nil when none
	// were requested.
	Docs *folio.APIDocs
}

// Reader reads project pages.
type Reader interface {
	// ProjectPage returns the project with slug (as stored: lower case)
	// of the user with handle (any case), whatever its visibility: the
	// caller decides who sees a draft. Returns ENOTFOUND when no user
	// that is not suspended has the handle, or they have no such project.
	ProjectPage(ctx context.Context, handle, slug string) (*Page, error)
}
