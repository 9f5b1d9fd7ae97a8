package folio

import (
	"context"
	"fmt"
	"time"
)

// APIDocsSource is where a project's API document comes from.
type APIDocsSource string

// Sources of API docs.
const (
	SourceSpec       APIDocsSource = "spec"       // an OpenAPI/Swagger document
	SourceZip        APIDocsSource = "zip"        // a zip of swag-annotated Go code
	SourceTarGz      APIDocsSource = "tar.gz"     // the same as a gzipped tar
	SourceRepository APIDocsSource = "repository" // the project's repository URL
)

// APIDocs is the state of a project's generated API document.
type APIDocs struct {
	ProjectID  int64
	Source     APIDocsSource
	Generation int64
	Status     string // pending, generating, ready, failed
	Error      string
	Title      string
	Version    string
	Operations int
	Tags       []string
	UpdatedAt  time.Time
}

// APIDocsSourceKey is where the uploaded source waits for the worker.
func APIDocsSourceKey(projectID int64) string { return fmt.Sprintf("apidocs/%d/source", projectID) }

// APIDocsKey is where the generated OpenAPI 3 document is stored.
func APIDocsKey(projectID int64) string { return fmt.Sprintf("apidocs/%d/openapi.json", projectID) }

// APIDocsService stores the state of API docs.
type APIDocsService interface {
	// RequestAPIDocs records a new source and returns the new generation.
	RequestAPIDocs(ctx context.Context, projectID int64, source APIDocsSource) (int64, error)
	// APIDocs returns ENOTFOUND when none were requested.
	APIDocs(ctx context.Context, projectID int64) (*APIDocs, error)
	// StartAPIDocs marks generation under way.
	StartAPIDocs(ctx context.Context, projectID int64) error
	// FinishAPIDocs records a ready document made from generation.
	FinishAPIDocs(ctx context.Context, d APIDocs) error
	// FailAPIDocs records why generation failed.
	FailAPIDocs(ctx context.Context, projectID, generation int64, reason string) error
}
