package archivestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/folio"
)

var _ archive.Jobs = (*Store)(nil)

const (
	msgExportNotFound = "Archive export not found."
	msgImportNotFound = "Archive import not found."
)

type exportRow struct {
	bun.BaseModel `bun:"table:archive_exports"`

	ID         int64        `bun:"id,pk,autoincrement"`
	OwnerID    int64        `bun:"owner_id"`
	Key        string       `bun:"key"`
	Status     string       `bun:"status"`
	Error      string       `bun:"error"`
	SizeBytes  int64        `bun:"size_bytes"`
	CreatedAt  time.Time    `bun:"created_at,nullzero,default:now()"`
	FinishedAt sql.NullTime `bun:"finished_at"`
	ExpiresAt  sql.NullTime `bun:"expires_at"`
}

func (r *exportRow) export() *archive.Export {
	return &archive.Export{ID: r.ID, OwnerID: r.OwnerID, Key: r.Key, Status: r.Status, Error: r.Error, SizeBytes: r.SizeBytes,
		CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt.Time, ExpiresAt: r.ExpiresAt.Time}
}

type importRow struct {
	bun.BaseModel `bun:"table:archive_imports"`

	ID         int64        `bun:"id,pk,autoincrement"`
	OwnerID    int64        `bun:"owner_id"`
	Key        string       `bun:"key"`
	Status     string       `bun:"status"`
	Error      string       `bun:"error"`
	ArchiveID  string       `bun:"archive_id"`
	Projects   int          `bun:"projects"`
	Media      int          `bun:"media"`
	CreatedAt  time.Time    `bun:"created_at,nullzero,default:now()"`
	FinishedAt sql.NullTime `bun:"finished_at"`
}

func (r *importRow) imp() *archive.Import {
	return &archive.Import{ID: r.ID, OwnerID: r.OwnerID, Key: r.Key, Status: r.Status, Error: r.Error, ArchiveID: r.ArchiveID,
		Projects: r.Projects, Media: r.Media, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt.Time}
}

func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return folio.Errorf(folio.ENOTFOUND, "%s", msg)
	}
	return err
}

// reason bounds a stored failure reason to the column's check.
func reason(s string) string {
	if r := []rune(s); len(r) > 500 {
		return string(r[:497]) + "..."
	}
	return s
}

// CreateExport implements archive.Jobs.
func (s *Store) CreateExport(ctx context.Context, ownerID int64) (*archive.Export, error) {
	row := &exportRow{OwnerID: ownerID, Key: folio.NewPublicKey(), Status: archive.StatusPending}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The owner's row lock orders two concurrent requests.
		if _, err := tx.NewSelect().Table("users").Column("id").Where("id = ?", ownerID).For("UPDATE").Exec(ctx); err != nil {
			return err
		}
		busy, err := tx.NewSelect().Model((*exportRow)(nil)).Where("owner_id = ? AND status IN ('pending', 'building')", ownerID).Exists(ctx)
		if err != nil {
			return err
		}
		if busy {
			return folio.Errorf(folio.ECONFLICT, "An archive of your account is being built already; wait for it to finish.")
		}
		_, err = tx.NewInsert().Model(row).Returning("*").Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archivestore: create export: %w", err)
	}
	return row.export(), nil
}

// Export implements archive.Jobs.
func (s *Store) Export(ctx context.Context, ownerID, id int64) (*archive.Export, error) {
	row := new(exportRow)
	if err := s.db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("archivestore: export: %w", notFound(err, msgExportNotFound))
	}
	return row.export(), nil
}

// Exports implements archive.Jobs.
func (s *Store) Exports(ctx context.Context, ownerID int64, limit int) ([]archive.Export, error) {
	var rows []exportRow
	if err := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("archivestore: exports: %w", err)
	}
	out := make([]archive.Export, len(rows))
	for i := range rows {
		out[i] = *rows[i].export()
	}
	return out, nil
}

// StartExport implements archive.Jobs.
func (s *Store) StartExport(ctx context.Context, id int64) (*archive.Export, error) {
	row := new(exportRow)
	err := s.db.NewRaw(`UPDATE archive_exports SET status = 'building' WHERE id = ? AND status IN ('pending', 'building') RETURNING *`, id).Scan(ctx, row)
	if errors.Is(err, sql.ErrNoRows) {
		if n, cerr := s.db.NewSelect().Model((*exportRow)(nil)).Where("id = ?", id).Count(ctx); cerr == nil && n > 0 {
			return nil, folio.Errorf(folio.EINVALID, "The export is finished already.")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("archivestore: start export: %w", notFound(err, msgExportNotFound))
	}
	return row.export(), nil
}

// FinishExport implements archive.Jobs.
func (s *Store) FinishExport(ctx context.Context, id, size int64, expires time.Time) error {
	_, err := s.db.NewRaw(`UPDATE archive_exports SET status = 'ready', size_bytes = ?, finished_at = now(), expires_at = ? WHERE id = ?`, size, expires, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("archivestore: finish export: %w", err)
	}
	return nil
}

// FailExport implements archive.Jobs.
func (s *Store) FailExport(ctx context.Context, id int64, why string) error {
	_, err := s.db.NewRaw(`UPDATE archive_exports SET status = 'failed', error = ?, finished_at = now() WHERE id = ?`, reason(why), id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("archivestore: fail export: %w", err)
	}
	return nil
}

// ExpireExports implements archive.Jobs.
func (s *Store) ExpireExports(ctx context.Context, now time.Time, limit int) ([]folio.ObjectDeletion, error) {
	var out []folio.ObjectDeletion
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var keys []string
		// Failed exports are forgotten after a day as well: their
		// partial uploads were aborted, but the folder is swept anyway.
		if err := tx.NewRaw(`DELETE FROM archive_exports WHERE id IN (
				SELECT id FROM archive_exports WHERE expires_at < ? OR (status = 'failed' AND finished_at < ?) ORDER BY id LIMIT ?)
			RETURNING key`, now, now.Add(-24*time.Hour), limit).Scan(ctx, &keys); err != nil {
			return err
		}
		for _, k := range keys {
			var id int64
			if err := tx.NewRaw(`INSERT INTO object_deletions (key_prefix) VALUES (?) RETURNING id`, archive.Prefix(k)).Scan(ctx, &id); err != nil {
				return err
			}
			out = append(out, folio.ObjectDeletion{ID: id, Prefix: archive.Prefix(k)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archivestore: expire exports: %w", err)
	}
	return out, nil
}

// CreateImport implements archive.Jobs.
func (s *Store) CreateImport(ctx context.Context, ownerID int64, key string) (*archive.Import, error) {
	row := &importRow{OwnerID: ownerID, Key: key, Status: archive.StatusUploaded}
	if _, err := s.db.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
		return nil, fmt.Errorf("archivestore: create import: %w", err)
	}
	return row.imp(), nil
}

// Import implements archive.Jobs.
func (s *Store) Import(ctx context.Context, ownerID, id int64) (*archive.Import, error) {
	row := new(importRow)
	if err := s.db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("archivestore: import: %w", notFound(err, msgImportNotFound))
	}
	return row.imp(), nil
}

// Imports implements archive.Jobs.
func (s *Store) Imports(ctx context.Context, ownerID int64, limit int) ([]archive.Import, error) {
	var rows []importRow
	if err := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("archivestore: imports: %w", err)
	}
	out := make([]archive.Import, len(rows))
	for i := range rows {
		out[i] = *rows[i].imp()
	}
	return out, nil
}

// StartImport implements archive.Jobs.
func (s *Store) StartImport(ctx context.Context, id int64) (*archive.Import, error) {
	row := new(importRow)
	err := s.db.NewRaw(`UPDATE archive_imports SET status = 'importing' WHERE id = ? AND status IN ('uploaded', 'importing') RETURNING *`, id).Scan(ctx, row)
	if errors.Is(err, sql.ErrNoRows) {
		if n, cerr := s.db.NewSelect().Model((*importRow)(nil)).Where("id = ?", id).Count(ctx); cerr == nil && n > 0 {
			return nil, folio.Errorf(folio.EINVALID, "The import is finished already.")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("archivestore: start import: %w", notFound(err, msgImportNotFound))
	}
	return row.imp(), nil
}

// FailImport implements archive.Jobs.
func (s *Store) FailImport(ctx context.Context, id int64, why string) error {
	_, err := s.db.NewRaw(`UPDATE archive_imports SET status = 'failed', error = ?, finished_at = now() WHERE id = ?`, reason(why), id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("archivestore: fail import: %w", err)
	}
	return nil
}

// ImportedProjects implements archive.Jobs.
func (s *Store) ImportedProjects(ctx context.Context, ownerID int64, archiveID string) (map[int64]int64, error) {
	var rows []struct {
		SourceProjectID int64
		ProjectID       int64
	}
	if err := s.db.NewRaw(`SELECT source_project_id, project_id FROM archive_import_projects WHERE owner_id = ? AND archive_id = ?`, ownerID, archiveID).
		Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("archivestore: imported projects: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.SourceProjectID] = r.ProjectID
	}
	return out, nil
}
