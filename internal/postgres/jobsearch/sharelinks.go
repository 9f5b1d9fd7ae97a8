package jobsearch

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/folio"
)

// tokenBytes is the entropy of share-link and calendar tokens: 256 bits,
// 43 base64url characters.
const tokenBytes = 32

// maxTokenLength bounds a token taken from a URL before it reaches a query.
const maxTokenLength = 100

// maxShareLinks bounds the links of one application.
const maxShareLinks = 50

func bunArray(ids []int64) any {
	if ids == nil {
		ids = []int64{}
	}
	return pgdialect.Array(ids)
}

func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

type shareLinkRow struct {
	bun.BaseModel `bun:"table:share_links"`

	ID            int64     `bun:"id,pk,autoincrement"`
	ApplicationID int64     `bun:"application_id"`
	OwnerID       int64     `bun:"owner_id"`
	Token         string    `bun:"token"`
	Label         string    `bun:"label"`
	ProjectIDs    []int64   `bun:"project_ids,array"`
	Note          string    `bun:"note"`
	ExpiresAt     time.Time `bun:"expires_at,nullzero"`
	RevokedAt     time.Time `bun:"revoked_at,nullzero"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt     time.Time `bun:"updated_at,nullzero,default:now()"`
}

func (r *shareLinkRow) link() *folio.ShareLink {
	l := &folio.ShareLink{ID: r.ID, ApplicationID: r.ApplicationID, OwnerID: r.OwnerID, Token: r.Token, Label: r.Label,
		ProjectIDs: r.ProjectIDs, Note: r.Note, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if l.ProjectIDs == nil {
		l.ProjectIDs = []int64{}
	}
	return l
}

// apply copies the given fields; an expiry must lie in the future.
func (r *shareLinkRow) apply(in folio.ShareLinkInput, now time.Time) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		var v folio.Validation
		v.Add("expires_at", "must be in the future")
		return v.Err()
	}
	if in.Label != nil {
		r.Label = *in.Label
	}
	if in.Note != nil {
		r.Note = *in.Note
	}
	if in.ProjectIDs != nil {
		r.ProjectIDs = slices.Clone(*in.ProjectIDs)
	}
	if in.ExpiresAt != nil {
		r.ExpiresAt = in.ExpiresAt.UTC()
	}
	if r.ProjectIDs == nil {
		r.ProjectIDs = []int64{}
	}
	return nil
}

func (s *Store) checkShareProjects(ctx context.Context, db bun.IDB, ownerID int64, ids []int64) error {
	bad, err := foreignProjects(ctx, db, ownerID, ids, true)
	if err != nil {
		return err
	} else if len(bad) > 0 {
		return badProjects("project_ids", bad, true)
	}
	return nil
}

// CreateShareLink implements folio.ShareLinkService. An application keeps
// at most 50 links (revoked ones count; delete the application to start over).
func (s *Store) CreateShareLink(ctx context.Context, ownerID, applicationID int64, in folio.ShareLinkInput) (*folio.ShareLink, error) {
	row := &shareLinkRow{ApplicationID: applicationID, OwnerID: ownerID}
	if err := row.apply(in, s.now()); err != nil {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	row.Token = token
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Locking the application serialises concurrent creates for the cap.
		if _, err := s.applicationRow(ctx, tx, ownerID, applicationID, true); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*shareLinkRow)(nil)).Where("application_id = ?", applicationID).Count(ctx)
		if err != nil {
			return err
		} else if n >= maxShareLinks {
			return folio.Errorf(folio.ECONFLICT, "An application has at most %d share links.", maxShareLinks)
		}
		if err := s.checkShareProjects(ctx, tx, ownerID, row.ProjectIDs); err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(row).ExcludeColumn("id", "created_at", "updated_at").Returning("*").Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: create share link: %w", err)
	}
	return row.link(), nil
}

// ShareLinks implements folio.ShareLinkService.
func (s *Store) ShareLinks(ctx context.Context, ownerID, applicationID int64) ([]*folio.ShareLink, error) {
	if _, err := s.applicationRow(ctx, s.db, ownerID, applicationID, false); err != nil {
		return nil, fmt.Errorf("postgres: share links of application %d: %w", applicationID, err)
	}
	var rows []shareLinkRow
	if err := s.db.NewSelect().Model(&rows).Where("application_id = ? AND owner_id = ?", applicationID, ownerID).
		Order("id").Limit(maxShareLinks).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: share links of application %d: %w", applicationID, err)
	}
	out := make([]*folio.ShareLink, len(rows))
	for i := range rows {
		out[i] = rows[i].link()
	}
	return out, nil
}

func (s *Store) shareLinkRow(ctx context.Context, db bun.IDB, ownerID, id int64, forUpdate bool) (*shareLinkRow, error) {
	row := new(shareLinkRow)
	q := db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID)
	if forUpdate {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, notFound(err, msgShareLinkNotFound)
	}
	return row, nil
}

// ShareLink implements folio.ShareLinkService.
func (s *Store) ShareLink(ctx context.Context, ownerID, id int64) (*folio.ShareLink, error) {
	row, err := s.shareLinkRow(ctx, s.db, ownerID, id, false)
	if err != nil {
		return nil, fmt.Errorf("postgres: share link %d: %w", id, err)
	}
	return row.link(), nil
}

// UpdateShareLink implements folio.ShareLinkService.
func (s *Store) UpdateShareLink(ctx context.Context, ownerID, id int64, in folio.ShareLinkInput) (*folio.ShareLink, error) {
	var row *shareLinkRow
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if row, err = s.shareLinkRow(ctx, tx, ownerID, id, true); err != nil {
			return err
		}
		if err := row.apply(in, s.now()); err != nil {
			return err
		}
		if in.ProjectIDs != nil {
			if err := s.checkShareProjects(ctx, tx, ownerID, row.ProjectIDs); err != nil {
				return err
			}
		}
		row.UpdatedAt = s.now()
		_, err = tx.NewUpdate().Model(row).Column("label", "note", "project_ids", "expires_at", "updated_at").WherePK().Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: update share link %d: %w", id, err)
	}
	return row.link(), nil
}

// RevokeShareLink implements folio.ShareLinkService. Revoking twice keeps
// the first time.
func (s *Store) RevokeShareLink(ctx context.Context, ownerID, id int64) (*folio.ShareLink, error) {
	row := new(shareLinkRow)
	err := s.db.NewRaw(`UPDATE share_links SET revoked_at = coalesce(revoked_at, now()), updated_at = now()
		WHERE id = ? AND owner_id = ? RETURNING *`, id, ownerID).Scan(ctx, row)
	if err != nil {
		return nil, fmt.Errorf("postgres: revoke share link %d: %w", id, notFound(err, msgShareLinkNotFound))
	}
	return row.link(), nil
}

// ActiveShareLink implements folio.ShareLinkService.
func (s *Store) ActiveShareLink(ctx context.Context, token string) (*folio.ShareLink, error) {
	if len(token) < 22 || len(token) > maxTokenLength || !folio.IsText(token) {
		return nil, &folio.Error{Code: folio.ENOTFOUND, Message: msgShareLinkNotFound}
	}
	row := new(shareLinkRow)
	err := s.db.NewSelect().Model(row).
		Where("token = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", token, s.now()).
		Where("owner_id NOT IN (SELECT id FROM users WHERE suspended_at IS NOT NULL)").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: share link by token: %w", notFound(err, msgShareLinkNotFound))
	}
	return row.link(), nil
}
