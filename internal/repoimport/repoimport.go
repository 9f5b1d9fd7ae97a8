// Package repoimport starts a project from a repository: the worker
// clones it (apidocs.Clone: shallow, SSRF-safe, bounded), reads its README,
// languages, license, homepage or demo link and API description, and
// creates a draft project prefilled with them for the owner to review.
// Nothing is ever published by an import.
//
// The analysis (Analyze) only reads files: no code of the repository is
// built or run, and every read is bounded (see Limits).
package repoimport

import (
	"context"
	"time"
)

// Status is where an import is.
type Status string

// Statuses: queued until the worker takes it, running while it clones and
// reads, then done (a draft exists) or failed (Error says why).
const (
	StatusQueued  Status = "queued"
	StatusRunning Status = "running"
	StatusDone    Status = "done"
	StatusFailed  Status = "failed"
)

// Finished reports whether the import will not change any more.
func (s Status) Finished() bool { return s == StatusDone || s == StatusFailed }

// Language is one language of a repository and the bytes of its files.
type Language struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
}

// Import is one owner's request to start a project from a repository,
// and what came of it.
type Import struct {
	ID            int64
	OwnerID       int64
	RepositoryURL string
	Status        Status
	// Error says, in words the owner can act on, why a failed import failed.
	Error string
	// ProjectID is the draft made, 0 before (or once the draft is deleted).
	ProjectID int64
	// What the analysis found, shown beside the draft for review.
	License   string // an SPDX identifier, or ""
	Languages []Language
	Homepage  string
	// APIDocs says what was handed to API-docs generation: "" (nothing
	// found), "spec:<path>" or "swag".
	APIDocs string
	// Notes are what the owner should know about the reading (a README
	// cut short, a file limit reached).
	Notes      []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// Summary is what a finished import records.
type Summary struct {
	ProjectID int64
	License   string
	Languages []Language
	Homepage  string
	APIDocs   string
	Notes     []string
}

// Store keeps imports. Every owner-facing method scopes by owner: another
// owner's import answers ENOTFOUND.
type Store interface {
	// CreateImport records a queued import for ownerID, unless the owner
	// already has maxActive imports queued or running: then ETOOMANY.
	CreateImport(ctx context.Context, ownerID int64, repositoryURL string, maxActive int) (*Import, error)
	// Import returns ownerID's import, or ENOTFOUND.
	Import(ctx context.Context, ownerID, id int64) (*Import, error)
	// Imports lists ownerID's latest imports, newest first, at most limit.
	Imports(ctx context.Context, ownerID int64, limit int) ([]*Import, error)
	// ImportForWorker returns any import, for the worker; ENOTFOUND when gone.
	ImportForWorker(ctx context.Context, id int64) (*Import, error)
	// StartImport moves a queued (or running, for a retry) import to
	// running; false when it has finished already.
	StartImport(ctx context.Context, id int64) (bool, error)
	// SetImportProject records the draft as soon as it exists, so that a
	// retried job does not make a second one.
	SetImportProject(ctx context.Context, id, projectID int64) error
	// FinishImport marks the import done with what it found.
	FinishImport(ctx context.Context, id int64, s Summary) error
	// FailImport marks the import failed with a reason for the owner.
	FailImport(ctx context.Context, id int64, reason string) error
}
