package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type apiDocsRow struct {
	bun.BaseModel `bun:"table:apidocs"`

	ProjectID  int64     `bun:"project_id,pk"`
	Source     string    `bun:"source"`
	Generation int64     `bun:"generation"`
	Status     string    `bun:"status"`
	Error      string    `bun:"error"`
	Title      string    `bun:"title"`
	APIVersion string    `bun:"api_version"`
	Operations int       `bun:"operations"`
	Tags       []string  `bun:"tags,array"`
	UpdatedAt  time.Time `bun:"updated_at,nullzero,default:now()"`
}

// APIDocsService implements folio.APIDocsService.
type APIDocsService struct{ db *bun.DB }

// NewAPIDocsService returns an APIDocsService on db.
func NewAPIDocsService(db *bun.DB) *APIDocsService { return &APIDocsService{db: db} }

var _ folio.APIDocsService = (*APIDocsService)(nil)

// RequestAPIDocs implements folio.APIDocsService.
func (s *APIDocsService) RequestAPIDocs(ctx context.Context, projectID int64, source folio.APIDocsSource) (int64, error) {
	var generation int64
	err := s.db.NewRaw(`INSERT INTO apidocs (project_id, source, status) VALUES (?, ?, 'pending')
		ON CONFLICT (project_id) DO UPDATE SET source = EXCLUDED.source, generation = apidocs.generation + 1,
		status = 'pending', error = '', updated_at = now()
		RETURNING generation`, projectID, string(source)).Scan(ctx, &generation)
	return generation, err
}

// APIDocs implements folio.APIDocsService.
func (s *APIDocsService) APIDocs(ctx context.Context, projectID int64) (*folio.APIDocs, error) {
	row := new(apiDocsRow)
	if err := s.db.NewSelect().Model(row).Where("project_id = ?", projectID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, folio.Errorf(folio.ENOTFOUND, "No API docs were requested for this project.")
		}
		return nil, err
	}
	tags := row.Tags
	if tags == nil {
		tags = []string{}
	}
	return &folio.APIDocs{ProjectID: row.ProjectID, Source: folio.APIDocsSource(row.Source), Generation: row.Generation,
		Status: row.Status, Error: row.Error, Title: row.Title, Version: row.APIVersion, Operations: row.Operations,
		Tags: tags, UpdatedAt: row.UpdatedAt}, nil
}

// StartAPIDocs implements folio.APIDocsService.
func (s *APIDocsService) StartAPIDocs(ctx context.Context, projectID int64) error {
	_, err := s.db.NewUpdate().Table("apidocs").Set("status = 'generating', updated_at = now()").Where("project_id = ?", projectID).Exec(ctx)
	return err
}

// FinishAPIDocs implements folio.APIDocsService. A result made from an
// older generation is dropped: a newer source is waiting.
func (s *APIDocsService) FinishAPIDocs(ctx context.Context, d folio.APIDocs) error {
	_, err := s.db.NewUpdate().Table("apidocs").
		Set("status = 'ready', error = '', title = ?, api_version = ?, operations = ?, tags = ?, updated_at = now()",
			d.Title, d.Version, d.Operations, pgStringArray(d.Tags)).
		Where("project_id = ? AND generation = ?", d.ProjectID, d.Generation).Exec(ctx)
	return err
}

// FailAPIDocs implements folio.APIDocsService.
func (s *APIDocsService) FailAPIDocs(ctx context.Context, projectID, generation int64, reason string) error {
	_, err := s.db.NewUpdate().Table("apidocs").Set("status = 'failed', error = ?, updated_at = now()", reason).
		Where("project_id = ? AND generation = ?", projectID, generation).Exec(ctx)
	return err
}
