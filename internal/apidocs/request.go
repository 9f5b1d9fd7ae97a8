package apidocs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// Requester turns a request for a project's API docs into a stored source
// and a queued job: the one workflow the API and the seed share.
type Requester struct {
	Docs  folio.APIDocsService
	Store *storage.Store
	Queue queue.Enqueuer
	// Gate bounds the sources streaming to storage at once (nil: no
	// bound). The API sets upload.Service, so that a source counts
	// against the same limits as a streamed media upload.
	Gate Gate
}

// Gate hands out slots for bodies streaming to storage; see
// upload.Service.Acquire for its errors.
type Gate interface {
	Acquire(ownerID int64) (release func(), err error)
}

// MaxArchiveBytes bounds an uploaded source archive (compressed).
const MaxArchiveBytes = 50 << 20

// SourceFor is what a body of media type mt is, and its size limit; ""
// for a type not accepted.
func SourceFor(mt string) (folio.APIDocsSource, int64) {
	switch mt {
	case "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		return folio.SourceSpec, MaxSpecBytes
	case "application/zip", "application/x-zip-compressed":
		return folio.SourceZip, MaxArchiveBytes
	case "application/gzip", "application/x-gzip", "application/x-tar+gzip", "application/x-compressed-tar":
		return folio.SourceTarGz, MaxArchiveBytes
	}
	return "", 0
}

// Submission is an owner's request for a project's API docs as it
// arrived: a body of some media type.
type Submission struct {
	OwnerID int64
	// Project is OwnerID's project; its repository URL answers a body of
	// {"from_repository": true}.
	Project   *folio.Project
	MediaType string
	Body      io.Reader
	RequestID string
}

// Submit requests the API docs of sub's project from its body: a spec,
// an archive of Go source, or {"from_repository": true} (a JSON body is
// held to tell). The body is read only after a slot of the Gate is taken.
// EUNSUPPORTED for a media type not accepted (see SourceFor), ETOOLARGE
// for a body over its limit, EINVALID for the repository without a
// repository URL; ETOOMANY or EUNAVAILABLE from the Gate.
func (r *Requester) Submit(ctx context.Context, sub Submission) (*folio.APIDocs, error) {
	source, limit := SourceFor(sub.MediaType)
	if source == "" {
		return nil, folio.Errorf(folio.EUNSUPPORTED, "Send an OpenAPI document (JSON or YAML), a zip or tar.gz of Go source, or {\"from_repository\": true}.")
	}
	if r.Gate != nil {
		// The source streams to storage through a part buffer, like a
		// media upload.
		release, err := r.Gate.Acquire(sub.OwnerID)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	tooLarge := folio.Errorf(folio.ETOOLARGE, "The request body is larger than %d bytes.", limit)
	var body io.Reader = storage.LimitReader(sub.Body, limit)
	if sub.MediaType == "application/json" {
		// Small enough to hold: it may be the repository request.
		data, err := io.ReadAll(body)
		if errors.Is(err, storage.ErrTooLarge) {
			return nil, tooLarge
		} else if err != nil {
			return nil, err
		}
		var req struct {
			FromRepository bool `json:"from_repository"`
		}
		if json.Unmarshal(data, &req) == nil && req.FromRepository {
			if sub.Project.RepositoryURL == "" {
				return nil, &folio.Error{Code: folio.EINVALID, Message: "The project has no repository URL.",
					Fields: []folio.FieldError{{Field: "repository_url", Message: "set it first, or upload the spec"}}}
			}
			source = folio.SourceRepository
		}
		body = bytes.NewReader(data)
	}
	if source == folio.SourceRepository {
		body = nil
	}
	d, err := r.Request(ctx, sub.Project.ID, source, body, sub.MediaType, sub.RequestID)
	if errors.Is(err, storage.ErrTooLarge) {
		return nil, tooLarge
	}
	return d, err
}

// Request stores the source read from body (nil for a repository source)
// in the docs' folder, records the request as a new generation and queues
// that generation's own job, so that it runs whatever became of earlier
// ones. An error of body is returned wrapped, so that the caller's size
// limit stays recognisable. It returns the docs' new state.
func (r *Requester) Request(ctx context.Context, projectID int64, source folio.APIDocsSource, body io.Reader, contentType, requestID string) (*folio.APIDocs, error) {
	key, err := r.Docs.APIDocsObjectKey(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if body != nil {
		if _, err := r.Store.PutStream(ctx, folio.APIDocsSourceKey(key), body, contentType); err != nil {
			return nil, fmt.Errorf("store API docs source: %w", err)
		}
	}
	generation, err := r.Docs.RequestAPIDocs(ctx, projectID, source, key)
	if folio.ErrorCode(err) == folio.ECONFLICT && body != nil {
		// A concurrent first request took another key: nothing will read
		// the source stored under this one.
		_ = r.Store.Remove(context.WithoutCancel(ctx), folio.APIDocsSourceKey(key))
	}
	if err != nil {
		return nil, err
	}
	task, err := queue.NewAPIDocsTask(projectID, key, generation, requestID)
	if err != nil {
		return nil, err
	}
	// Even ErrAlreadyQueued is a failure here: the id is this request's
	// own, so a task holding it is not one that will run this request.
	if err := queue.Enqueue(r.Queue, task); err != nil {
		return nil, err
	}
	return r.Docs.APIDocs(ctx, projectID)
}
