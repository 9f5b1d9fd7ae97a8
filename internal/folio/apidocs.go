package folio

import (
	"context"
	"strconv"
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
	// Key names the folder of the docs' objects, apidocs/{Key}/: random, so
	// that two databases sharing a bucket never write the same keys (docs
	// stored before keys existed keep their folder, named by project id).
	Key string
	// DocumentKey is where the document of the ready generation is stored.
	DocumentKey string
}

// APIDocsSourceKey is where the uploaded source waits for the worker.
func APIDocsSourceKey(key string) string { return "apidocs/" + key + "/source" }

// APIDocsDocumentKey is where the OpenAPI 3 document generated for a
// generation is stored: one key per generation, so that a job of a
// superseded request never overwrites a newer document.
func APIDocsDocumentKey(key string, generation int64) string {
	return "apidocs/" + key + "/openapi-" + strconv.FormatInt(generation, 10) + ".json"
}

// APIDocsService stores the state of API docs.
type APIDocsService interface {
	// APIDocsObjectKey returns the Key of the project's docs, or a new
	// random one when none were requested yet; the source is stored under
	// it before RequestAPIDocs.
	APIDocsObjectKey(ctx context.Context, projectID int64) (string, error)
	// RequestAPIDocs records a new source stored under key and returns the
	// new generation. ECONFLICT when the docs have another key: a
	// concurrent first request stored its source first.
	RequestAPIDocs(ctx context.Context, projectID int64, source APIDocsSource, key string) (int64, error)
	// APIDocs returns ENOTFOUND when none were requested.
	APIDocs(ctx context.Context, projectID int64) (*APIDocs, error)
	// StartAPIDocs marks generation under way.
	StartAPIDocs(ctx context.Context, projectID int64) error
	// FinishAPIDocs records the ready document of d.Generation, stored at
	// d.DocumentKey, and returns the key of the document it replaces ("" for
	// none) for the caller to delete. ok is false, and nothing is
	// recorded, when a newer request superseded d.Generation.
	FinishAPIDocs(ctx context.Context, d APIDocs) (replaced string, ok bool, err error)
	// FailAPIDocs records why generation failed.
	FailAPIDocs(ctx context.Context, projectID, generation int64, reason string) error
}
