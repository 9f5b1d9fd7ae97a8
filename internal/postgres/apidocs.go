package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type apiDocsRow struct {
	bun.BaseModel `bun:"table:apidocs"`

	// The JSON names are to_jsonb's, for docs read along with their
	// project (ProjectPage).
	ProjectID  int64     `bun:"project_id,pk" json:"project_id"`
	Key        *string   `bun:"key" json:"key"`
	Document   *string   `bun:"document_key" json:"document_key"`
	Source     string    `bun:"source" json:"source"`
	Generation int64     `bun:"generation" json:"generation"`
	Status     string    `bun:"status" json:"status"`
	Error      string    `bun:"error" json:"error"`
	Title      string    `bun:"title" json:"title"`
	APIVersion string    `bun:"api_version" json:"api_version"`
	Operations int       `bun:"operations" json:"operations"`
	Tags       []string  `bun:"tags,array" json:"tags"`
	UpdatedAt  time.Time `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

// APIDocsService implements folio.APIDocsService.
type APIDocsService struct{ db *bun.DB }

// NewAPIDocsService returns an APIDocsService on db.
func NewAPIDocsService(db *bun.DB) *APIDocsService { return &APIDocsService{db: db} }

var _ folio.APIDocsService = (*APIDocsService)(nil)

// legacyKey is the Key of docs whose row has none: those stored under the
// project id, before keys existed or by an instance of that release.
func legacyKey(projectID int64) string { return strconv.FormatInt(projectID, 10) }

// legacyDocumentKey is where documents of rows without a document key are.
func legacyDocumentKey(projectID int64) string {
	return "apidocs/" + legacyKey(projectID) + "/openapi.json"
}

// APIDocsObjectKey implements folio.APIDocsService.
func (s *APIDocsService) APIDocsObjectKey(ctx context.Context, projectID int64) (string, error) {
	var key sql.NullString
	err := s.db.NewSelect().Table("apidocs").Column("key").Where("project_id = ?", projectID).Scan(ctx, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return folio.NewPublicKey(), nil
	case err != nil:
		return "", fmt.Errorf("postgres: api docs key of project %d: %w", projectID, err)
	case !key.Valid:
		return legacyKey(projectID), nil
	}
	return key.String, nil
}

// RequestAPIDocs implements folio.APIDocsService.
func (s *APIDocsService) RequestAPIDocs(ctx context.Context, projectID int64, source folio.APIDocsSource, key string) (int64, error) {
	var generation int64
	err := s.db.NewRaw(`INSERT INTO apidocs (project_id, key, source, status) VALUES (?, ?, ?, 'pending')
		ON CONFLICT (project_id) DO UPDATE SET source = EXCLUDED.source, generation = apidocs.generation + 1,
		status = 'pending', error = '', updated_at = now()
		WHERE coalesce(apidocs.key, apidocs.project_id::text) = EXCLUDED.key
		RETURNING generation`, projectID, key, string(source)).Scan(ctx, &generation)
	if errors.Is(err, sql.ErrNoRows) { // the upsert's WHERE refused: another key
		err = folio.Errorf(folio.ECONFLICT, "Another request for these API docs arrived at the same time; send yours again.")
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: request api docs of project %d: %w", projectID, err)
	}
	return generation, nil
}

// APIDocs implements folio.APIDocsService.
func (s *APIDocsService) APIDocs(ctx context.Context, projectID int64) (*folio.APIDocs, error) {
	row := new(apiDocsRow)
	if err := s.db.NewSelect().Model(row).Where("project_id = ?", projectID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: api docs of project %d: %w", projectID, notFound(err, msgNoAPIDocs))
	}
	return row.docs(), nil
}

func (row *apiDocsRow) docs() *folio.APIDocs {
	tags := row.Tags
	if tags == nil {
		tags = []string{}
	}
	key := legacyKey(row.ProjectID)
	if row.Key != nil {
		key = *row.Key
	}
	document := legacyDocumentKey(row.ProjectID)
	if row.Document != nil {
		document = *row.Document
	}
	return &folio.APIDocs{ProjectID: row.ProjectID, Key: key, DocumentKey: document, Source: folio.APIDocsSource(row.Source), Generation: row.Generation,
		Status: row.Status, Error: row.Error, Title: row.Title, Version: row.APIVersion, Operations: row.Operations,
		Tags: tags, UpdatedAt: row.UpdatedAt}
}

// StartAPIDocs implements folio.APIDocsService.
func (s *APIDocsService) StartAPIDocs(ctx context.Context, projectID int64) error {
	if _, err := s.db.NewUpdate().Table("apidocs").Set("status = 'generating', updated_at = now()").Where("project_id = ?", projectID).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: start api docs of project %d: %w", projectID, err)
	}
	return nil
}

// FinishAPIDocs implements folio.APIDocsService. A result made from an
// older generation is dropped: a newer source is waiting.
func (s *APIDocsService) FinishAPIDocs(ctx context.Context, d folio.APIDocs) (string, bool, error) {
	var replaced sql.NullString
	err := s.db.NewRaw(`UPDATE apidocs a SET status = 'ready', error = '', title = ?, api_version = ?, operations = ?, tags = ?,
		document_key = ?, updated_at = now()
		FROM (SELECT project_id, coalesce(document_key, ?) AS document_key FROM apidocs WHERE project_id = ? FOR UPDATE) old
		WHERE a.project_id = old.project_id AND a.generation = ?
		RETURNING old.document_key`,
		d.Title, d.Version, d.Operations, pgStringArray(d.Tags), d.DocumentKey, legacyDocumentKey(d.ProjectID), d.ProjectID, d.Generation).
		Scan(ctx, &replaced)
	if errors.Is(err, sql.ErrNoRows) { // a newer generation was requested
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("postgres: finish api docs of project %d: %w", d.ProjectID, err)
	}
	if replaced.String == d.DocumentKey {
		return "", true, nil
	}
	return replaced.String, true, nil
}

// FailAPIDocs implements folio.APIDocsService.
func (s *APIDocsService) FailAPIDocs(ctx context.Context, projectID, generation int64, reason string) error {
	if _, err := s.db.NewUpdate().Table("apidocs").Set("status = 'failed', error = ?, updated_at = now()", reason).
		Where("project_id = ? AND generation = ?", projectID, generation).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: fail api docs of project %d: %w", projectID, err)
	}
	return nil
}
