// Package deletionstore keeps the ledger of stored folders to remove
// (object_deletions): written in the same transaction as the rows whose
// files they held, worked off by the purger (internal/purge).
package deletionstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type objectDeletionRow struct {
	bun.BaseModel `bun:"table:object_deletions"`

	ID        int64        `bun:"id,pk,autoincrement"`
	KeyPrefix string       `bun:"key_prefix"`
	CreatedAt time.Time    `bun:"created_at,nullzero,default:now()"`
	RemovedAt sql.NullTime `bun:"removed_at"`
	Attempts  int          `bun:"attempts"`
	LastError string       `bun:"last_error"`
}

func (r *objectDeletionRow) deletion() folio.ObjectDeletion {
	return folio.ObjectDeletion{ID: r.ID, Prefix: r.KeyPrefix, CreatedAt: r.CreatedAt, RemovedAt: r.RemovedAt.Time, Attempts: r.Attempts}
}

// Store implements folio.ObjectDeletionService.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ folio.ObjectDeletionService = (*Store)(nil)

// notFound turns sql.ErrNoRows into ENOTFOUND with message, as the
// postgres package's stores do, and passes any other error through.
func notFound(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &folio.Error{Code: folio.ENOTFOUND, Message: message}
	}
	return err
}

// DeleteProject implements folio.ObjectDeletionService.
func (s *Store) DeleteProject(ctx context.Context, ownerID, projectID int64) ([]folio.ObjectDeletion, error) {
	var out []folio.ObjectDeletion
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The lock makes a concurrent media or API-docs insert wait for
		// this transaction (its foreign-key check needs a share lock on
		// the project), and then fail: no row escapes the list below.
		var id int64
		err := tx.NewSelect().Table("projects").Column("id").Where("id = ? AND owner_id = ?", projectID, ownerID).For("UPDATE").Scan(ctx, &id)
		if err != nil {
			if err = notFound(err, "Project not found."); folio.ErrorCode(err) == folio.ENOTFOUND {
				return err
			}
			return fmt.Errorf("lock project: %w", err)
		}
		var originals []string
		if err := tx.NewSelect().Table("media").Column("original_key").Where("project_id = ?", projectID).Order("id").Scan(ctx, &originals); err != nil {
			return fmt.Errorf("list project media: %w", err)
		}
		var docsKeys []string
		if err := tx.NewSelect().Table("apidocs").ColumnExpr("coalesce(key, project_id::text)").Where("project_id = ?", projectID).Scan(ctx, &docsKeys); err != nil {
			return fmt.Errorf("find API docs: %w", err)
		}
		var prefixes []string
		for _, k := range originals {
			// The folder follows the stored key (media/{id}/ for media
			// stored before public keys).
			prefixes = append(prefixes, path.Dir(k)+"/")
		}
		for _, k := range docsKeys {
			prefixes = append(prefixes, "apidocs/"+k+"/")
		}
		if _, err := tx.NewDelete().Table("projects").Where("id = ?", projectID).Exec(ctx); err != nil {
			return fmt.Errorf("delete project: %w", err)
		}
		out, err = Record(ctx, tx, prefixes)
		return err
	})
	return out, err
}

// DeleteMedia implements folio.ObjectDeletionService.
func (s *Store) DeleteMedia(ctx context.Context, ownerID, mediaID int64) (folio.ObjectDeletion, error) {
	var out folio.ObjectDeletion
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var original string
		err := tx.NewDelete().Table("media").Where("id = ? AND owner_id = ?", mediaID, ownerID).Returning("original_key").Scan(ctx, &original)
		if err != nil {
			if err = notFound(err, "Media not found."); folio.ErrorCode(err) == folio.ENOTFOUND {
				return err
			}
			return fmt.Errorf("delete media: %w", err)
		}
		ds, err := Record(ctx, tx, []string{path.Dir(original) + "/"})
		if err != nil {
			return err
		}
		out = ds[0]
		return nil
	})
	return out, err
}

// Record inserts one deletion per prefix in tx: the ledger the purge
// worker removes objects from, written with the rows it replaces (see
// accountdeletion).
func Record(ctx context.Context, tx bun.Tx, prefixes []string) ([]folio.ObjectDeletion, error) {
	if len(prefixes) == 0 {
		return nil, nil
	}
	rows := make([]objectDeletionRow, len(prefixes))
	for i, p := range prefixes {
		if !folio.IsDeletablePrefix(p) {
			return nil, fmt.Errorf("record object deletion: %q is not one item's folder", p)
		}
		rows[i].KeyPrefix = p
	}
	if _, err := tx.NewInsert().Model(&rows).Returning("*").Exec(ctx); err != nil {
		return nil, fmt.Errorf("record object deletions: %w", err)
	}
	out := make([]folio.ObjectDeletion, len(rows))
	for i := range rows {
		out[i] = rows[i].deletion()
	}
	return out, nil
}

func (s *Store) scan(ctx context.Context, q *bun.SelectQuery) ([]folio.ObjectDeletion, error) {
	var rows []objectDeletionRow
	if err := q.Model(&rows).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list object deletions: %w", err)
	}
	out := make([]folio.ObjectDeletion, len(rows))
	for i := range rows {
		out[i] = rows[i].deletion()
	}
	return out, nil
}

// ObjectDeletions implements folio.ObjectDeletionService.
func (s *Store) ObjectDeletions(ctx context.Context, ids []int64) ([]folio.ObjectDeletion, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.scan(ctx, s.db.NewSelect().Where("id IN (?) AND removed_at IS NULL", bun.In(ids)))
}

// DueObjectDeletions implements folio.ObjectDeletionService.
func (s *Store) DueObjectDeletions(ctx context.Context, settledBefore time.Time, limit int) ([]folio.ObjectDeletion, error) {
	return s.scan(ctx, s.db.NewSelect().Where("removed_at IS NULL OR created_at < ?", settledBefore).Limit(int64(limit)))
}

// ObjectsRemoved implements folio.ObjectDeletionService.
func (s *Store) ObjectsRemoved(ctx context.Context, id int64, forget bool) error {
	var err error
	if forget {
		_, err = s.db.NewDelete().Table("object_deletions").Where("id = ?", id).Exec(ctx)
	} else {
		_, err = s.db.NewUpdate().Table("object_deletions").Set("removed_at = coalesce(removed_at, now())").Where("id = ?", id).Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("record object removal: %w", err)
	}
	return nil
}

// ObjectRemovalFailed implements folio.ObjectDeletionService.
func (s *Store) ObjectRemovalFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.db.NewUpdate().Table("object_deletions").Set("attempts = attempts + 1, last_error = ?", reason).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record object removal failure: %w", err)
	}
	return nil
}
