// Package appearancestore keeps owners' appearances (theme, colour mode,
// accent, font, custom CSS, page language) in portfolio_appearance. A
// change bumps the owner's content version through the table's trigger,
// so cached pages, PDFs and cards follow.
package appearancestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
)

// Store implements appearance.Store.
type Store struct{ db bun.IDB }

// New returns a Store on db.
func New(db bun.IDB) *Store { return &Store{db: db} }

var _ appearance.Store = (*Store)(nil)

type row struct {
	bun.BaseModel `bun:"table:portfolio_appearance"`

	OwnerID   int64     `bun:"owner_id,pk"`
	Theme     string    `bun:"theme"`
	ColorMode string    `bun:"color_mode"`
	Accent    string    `bun:"accent"`
	Font      string    `bun:"font"`
	CustomCSS string    `bun:"custom_css"`
	Language  string    `bun:"language"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func (r row) appearance() appearance.Appearance {
	return appearance.Appearance{Theme: r.Theme, ColorMode: r.ColorMode, Accent: r.Accent, Font: r.Font,
		CustomCSS: r.CustomCSS, Language: r.Language, UpdatedAt: r.UpdatedAt}
}

// Appearance implements appearance.Store.
func (s *Store) Appearance(ctx context.Context, ownerID int64) (appearance.Appearance, error) {
	var r row
	err := s.db.NewSelect().Model(&r).Where("owner_id = ?", ownerID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return appearance.Default(), nil
	} else if err != nil {
		return appearance.Appearance{}, fmt.Errorf("postgres: appearance: %w", err)
	}
	return r.appearance(), nil
}

// SaveAppearance implements appearance.Store.
func (s *Store) SaveAppearance(ctx context.Context, ownerID int64, a appearance.Appearance) (appearance.Appearance, error) {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return appearance.Appearance{}, err
	}
	a.CustomCSS, _ = appearance.SanitizeCSS(a.CustomCSS)
	if len(a.CustomCSS) > appearance.MaxCustomCSS {
		// Escaping can grow it a little; the column holds 20 KB at most.
		var v folio.Validation
		v.Add("custom_css", "Custom CSS is at most 20 KB once cleaned.")
		return appearance.Appearance{}, v.Err()
	}
	r := row{OwnerID: ownerID, Theme: a.Theme, ColorMode: a.ColorMode, Accent: a.Accent, Font: a.Font,
		CustomCSS: a.CustomCSS, Language: a.Language}
	// An unchanged row is not rewritten: the trigger would bump the
	// content version and drop the owner's cached pages for nothing.
	_, err := s.db.NewRaw(`INSERT INTO portfolio_appearance AS pa (owner_id, theme, color_mode, accent, font, custom_css, language)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (owner_id) DO UPDATE SET theme = excluded.theme, color_mode = excluded.color_mode, accent = excluded.accent,
			font = excluded.font, custom_css = excluded.custom_css, language = excluded.language, updated_at = now()
		WHERE (pa.theme, pa.color_mode, pa.accent, pa.font, pa.custom_css, pa.language) IS DISTINCT FROM
			(excluded.theme, excluded.color_mode, excluded.accent, excluded.font, excluded.custom_css, excluded.language)`,
		r.OwnerID, r.Theme, r.ColorMode, r.Accent, r.Font, r.CustomCSS, r.Language).Exec(ctx)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" { // no such user
			return appearance.Appearance{}, folio.Errorf(folio.ENOTFOUND, "No such account.")
		}
		return appearance.Appearance{}, fmt.Errorf("postgres: save appearance: %w", err)
	}
	return s.Appearance(ctx, ownerID)
}

// StyleOf implements appearance.Store.
func (s *Store) StyleOf(ctx context.Context, handle string) (appearance.Appearance, error) {
	var r struct {
		row     `bun:",extend"`
		Version int64 `bun:"version"`
	}
	err := s.db.NewRaw(`SELECT pa.*, u.content_version AS version FROM users u LEFT JOIN portfolio_appearance pa ON pa.owner_id = u.id
		WHERE lower(u.handle) = lower(?) AND u.suspended_at IS NULL`, handle).Scan(ctx, &r)
	if errors.Is(err, sql.ErrNoRows) {
		return appearance.Appearance{}, folio.Errorf(folio.ENOTFOUND, "No portfolio has the handle %q.", handle)
	} else if err != nil {
		return appearance.Appearance{}, fmt.Errorf("postgres: style of %q: %w", handle, err)
	}
	a := r.appearance()
	if r.OwnerID == 0 {
		a = appearance.Default()
	}
	a.ContentVersion = r.Version
	return a, nil
}
