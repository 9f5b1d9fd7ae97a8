// Package repoimportstore keeps repository imports in PostgreSQL (table
// repository_imports). Every owner-facing method scopes by owner: another
// owner's import is ENOTFOUND, as everywhere.
package repoimportstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/repoimport"
)

const msgImportNotFound = "Import not found."

// keep is how many imports an owner's history holds: a new import drops
// the oldest finished ones beyond it, so the table stays bounded however
// long an account lives.
const keep = repoimport.MaxHistory

// maxNotes and maxNote bound what an import records of its notes.
const (
	maxNotes = 10
	maxNote  = 300
)

// Store implements repoimport.Store.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ repoimport.Store = (*Store)(nil)

type importRow struct {
	bun.BaseModel `bun:"table:repository_imports"`

	ID            int64                 `bun:"id,pk,autoincrement"`
	OwnerID       int64                 `bun:"owner_id"`
	RepositoryURL string                `bun:"repository_url"`
	Status        string                `bun:"status"`
	Error         string                `bun:"error"`
	ProjectID     *int64                `bun:"project_id"`
	License       string                `bun:"license"`
	Languages     []repoimport.Language `bun:"languages,type:jsonb"`
	Homepage      string                `bun:"homepage"`
	APIDocs       string                `bun:"api_docs"`
	Notes         []string              `bun:"notes,array"`
	CreatedAt     time.Time             `bun:"created_at,nullzero,default:now()"`
	UpdatedAt     time.Time             `bun:"updated_at,nullzero,default:now()"`
	FinishedAt    time.Time             `bun:"finished_at,nullzero"`
}

func (r *importRow) imp() *repoimport.Import {
	i := &repoimport.Import{ID: r.ID, OwnerID: r.OwnerID, RepositoryURL: r.RepositoryURL, Status: repoimport.Status(r.Status),
		Error: r.Error, License: r.License, Languages: r.Languages, Homepage: r.Homepage, APIDocs: r.APIDocs, Notes: r.Notes,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, FinishedAt: r.FinishedAt}
	if r.ProjectID != nil {
		i.ProjectID = *r.ProjectID
	}
	return i
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &folio.Error{Code: folio.ENOTFOUND, Message: msgImportNotFound}
	}
	return err
}

// CreateImport implements repoimport.Store. The owner's row is locked
// while the active imports are counted, so that two requests at once
// cannot both take the last slot; finished imports beyond the latest
// keep are deleted.
func (s *Store) CreateImport(ctx context.Context, ownerID int64, repositoryURL string, maxActive int) (*repoimport.Import, error) {
	row := &importRow{OwnerID: ownerID, RepositoryURL: repositoryURL, Status: string(repoimport.StatusQueued),
		Languages: []repoimport.Language{}, Notes: []string{}}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var locked int64
		if err := tx.NewSelect().Table("users").Column("id").Where("id = ?", ownerID).For("UPDATE").Scan(ctx, &locked); err != nil {
			return notFound(err)
		}
		active, err := tx.NewSelect().Model((*importRow)(nil)).
			Where("owner_id = ? AND status IN (?, ?)", ownerID, repoimport.StatusQueued, repoimport.StatusRunning).Count(ctx)
		if err != nil {
			return err
		}
		if active >= int64(maxActive) {
			return folio.Errorf(folio.ETOOMANY, "You have %d imports in progress; wait for one to finish.", active)
		}
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("id", "finished_at").Returning("*").Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*importRow)(nil)).
			Where("owner_id = ? AND status IN (?, ?)", ownerID, repoimport.StatusDone, repoimport.StatusFailed).
			Where("id < (SELECT min(id) FROM (SELECT id FROM repository_imports WHERE owner_id = ? ORDER BY id DESC LIMIT ?) AS latest)", ownerID, keep).
			Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("repoimportstore: create import: %w", err)
	}
	return row.imp(), nil
}

// Import implements repoimport.Store.
func (s *Store) Import(ctx context.Context, ownerID, id int64) (*repoimport.Import, error) {
	row := new(importRow)
	if err := s.db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("repoimportstore: import: %w", notFound(err))
	}
	return row.imp(), nil
}

// Imports implements repoimport.Store.
func (s *Store) Imports(ctx context.Context, ownerID int64, limit int) ([]*repoimport.Import, error) {
	var rows []*importRow
	if err := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id DESC").Limit(int64(min(max(limit, 1), 100))).Scan(ctx); err != nil {
		return nil, fmt.Errorf("repoimportstore: imports: %w", err)
	}
	out := make([]*repoimport.Import, len(rows))
	for i, r := range rows {
		out[i] = r.imp()
	}
	return out, nil
}

// ImportForWorker implements repoimport.Store.
func (s *Store) ImportForWorker(ctx context.Context, id int64) (*repoimport.Import, error) {
	row := new(importRow)
	if err := s.db.NewSelect().Model(row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("repoimportstore: import: %w", notFound(err))
	}
	return row.imp(), nil
}

// StartImport implements repoimport.Store.
func (s *Store) StartImport(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.NewUpdate().Model((*importRow)(nil)).
		Set("status = ?", repoimport.StatusRunning).Set("updated_at = now()").
		Where("id = ? AND status IN (?, ?)", id, repoimport.StatusQueued, repoimport.StatusRunning).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("repoimportstore: start import: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetImportProject implements repoimport.Store.
func (s *Store) SetImportProject(ctx context.Context, id, projectID int64) error {
	if _, err := s.db.NewUpdate().Model((*importRow)(nil)).Set("project_id = ?", projectID).Set("updated_at = now()").
		Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("repoimportstore: set project: %w", err)
	}
	return nil
}

// FinishImport implements repoimport.Store.
func (s *Store) FinishImport(ctx context.Context, id int64, sum repoimport.Summary) error {
	langs := sum.Languages
	if langs == nil {
		langs = []repoimport.Language{}
	}
	if len(langs) > 50 {
		langs = langs[:50]
	}
	langJSON, err := json.Marshal(langs)
	if err != nil {
		return err
	}
	_, err = s.db.NewUpdate().Model((*importRow)(nil)).
		Set("status = ?", repoimport.StatusDone).Set("error = ''").
		Set("project_id = ?", sum.ProjectID).Set("license = ?", clip(sum.License, 200)).
		Set("languages = ?::jsonb", string(langJSON)).Set("homepage = ?", sum.Homepage).Set("api_docs = ?", clip(sum.APIDocs, 300)).
		Set("notes = ?", pgNotes(sum.Notes)).Set("updated_at = now()").Set("finished_at = now()").
		Where("id = ? AND status = ?", id, repoimport.StatusRunning).Exec(ctx)
	if err != nil {
		return fmt.Errorf("repoimportstore: finish import: %w", err)
	}
	return nil
}

// FailImport implements repoimport.Store.
func (s *Store) FailImport(ctx context.Context, id int64, reason string) error {
	_, err := s.db.NewUpdate().Model((*importRow)(nil)).
		Set("status = ?", repoimport.StatusFailed).Set("error = ?", clip(reason, 500)).
		Set("updated_at = now()").Set("finished_at = now()").
		Where("id = ? AND status IN (?, ?)", id, repoimport.StatusQueued, repoimport.StatusRunning).Exec(ctx)
	if err != nil {
		return fmt.Errorf("repoimportstore: fail import: %w", err)
	}
	return nil
}

func pgNotes(notes []string) any {
	out := []string{}
	for _, n := range notes {
		if len(out) == maxNotes {
			break
		}
		out = append(out, clip(n, maxNote))
	}
	return pgdialect.Array(out)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
