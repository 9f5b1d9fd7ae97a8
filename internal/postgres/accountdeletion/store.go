// Package accountdeletion deletes an account's rows in PostgreSQL, in one
// transaction that also records, in the object deletion ledger
// (object_deletions), every folder of the bucket the account's rows
// named. internal/accountdelete runs the whole workflow around it.
package accountdeletion

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/deletionstore"
)

// Deleted is what an account left behind outside PostgreSQL, for the
// caller to clear: its folders in the bucket (recorded in the ledger),
// and the ids and keys its queued tasks may name.
type Deleted struct {
	Handle     string
	ProjectIDs []int64
	MediaIDs   []int64
	// Keys are the random keys of its media, API docs and archives, which
	// task ids carry.
	Keys      []string
	Deletions []folio.ObjectDeletion
}

// Store deletes accounts.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

// DeleteAccount deletes userID's row, and with it (by ON DELETE CASCADE)
// every row that belongs to the account: projects, media, API docs,
// sessions, tokens, analytics, applications, notifications, webhooks,
// archives, and whatever table later references users or projects that
// way. Returns ENOTFOUND for an unknown user.
func (s *Store) DeleteAccount(ctx context.Context, userID int64) (Deleted, error) {
	var out Deleted
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The row lock makes a concurrent insert of a project, media or
		// archive row wait for this transaction (its foreign-key check
		// needs a share lock on the user) and then fail: nothing escapes
		// the lists below.
		err := tx.NewSelect().Table("users").Column("handle").Where("id = ?", userID).For("UPDATE").Scan(ctx, &out.Handle)
		if errors.Is(err, sql.ErrNoRows) {
			return folio.Errorf(folio.ENOTFOUND, "User not found.")
		} else if err != nil {
			return fmt.Errorf("lock user: %w", err)
		}
		if err := tx.NewSelect().Table("projects").Column("id").Where("owner_id = ?", userID).Order("id").Scan(ctx, &out.ProjectIDs); err != nil {
			return fmt.Errorf("list projects: %w", err)
		}
		var media []struct {
			ID          int64
			OriginalKey string
			PublicKey   string
		}
		if err := tx.NewSelect().Table("media").Column("id", "original_key", "public_key").Where("owner_id = ?", userID).Order("id").Scan(ctx, &media); err != nil {
			return fmt.Errorf("list media: %w", err)
		}
		var docsKeys []string
		if err := tx.NewSelect().Table("apidocs").ColumnExpr("coalesce(apidocs.key, apidocs.project_id::text)").
			Join("JOIN projects p ON p.id = apidocs.project_id").Where("p.owner_id = ?", userID).Scan(ctx, &docsKeys); err != nil {
			return fmt.Errorf("list API docs: %w", err)
		}
		var archiveKeys []string
		if err := tx.NewRaw(`SELECT key FROM archive_exports WHERE owner_id = ? UNION ALL SELECT key FROM archive_imports WHERE owner_id = ?`,
			userID, userID).Scan(ctx, &archiveKeys); err != nil {
			return fmt.Errorf("list archives: %w", err)
		}
		// The PDF portfolio's and the social cards' folders
		// (internal/portfoliopdf.Prefix, internal/socialcard.Prefix).
		var created time.Time
		if err := tx.NewSelect().Table("users").Column("created_at").Where("id = ?", userID).Scan(ctx, &created); err != nil {
			return fmt.Errorf("read the account: %w", err)
		}
		prefixes := []string{fmt.Sprintf("portfolio-pdf/%d-%d/", userID, created.Unix()), fmt.Sprintf("cards/%d-%d/", userID, created.Unix())}
		for _, m := range media {
			out.MediaIDs = append(out.MediaIDs, m.ID)
			out.Keys = append(out.Keys, m.PublicKey)
			// The folder follows the stored key (media/{id}/ for media
			// stored before public keys).
			prefixes = append(prefixes, path.Dir(m.OriginalKey)+"/")
		}
		for _, k := range docsKeys {
			out.Keys = append(out.Keys, k)
			prefixes = append(prefixes, "apidocs/"+k+"/")
		}
		for _, k := range archiveKeys {
			out.Keys = append(out.Keys, k)
			prefixes = append(prefixes, "archives/"+k+"/")
		}
		// The avatar points at a media row the cascade deletes; clear it
		// first so the order of the cascade does not matter.
		if _, err := tx.NewUpdate().Table("users").Set("avatar_media_id = NULL").Where("id = ?", userID).Exec(ctx); err != nil {
			return fmt.Errorf("clear avatar: %w", err)
		}
		if _, err := tx.NewDelete().Table("users").Where("id = ?", userID).Exec(ctx); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		out.Deletions, err = deletionstore.Record(ctx, tx, prefixes)
		return err
	})
	return out, err
}
