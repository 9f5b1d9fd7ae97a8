// Package directory implements folio.Directory, explore and the sitemap,
// on explore_portfolios: one row per public portfolio that triggers keep
// current (see migration 20261125000015), so that no request joins or
// unnests every project.
package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

// Store implements folio.Directory.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ folio.Directory = (*Store)(nil)

// Explore implements folio.Directory. A portfolio matches a text when its
// profile and public projects together hold every word; a tag matches in
// any case. Every condition is on the one row, so PostgreSQL either walks
// the primary key backwards until the page is full (common words and tags)
// or intersects the GIN indexes (rare and absent ones).
func (s *Store) Explore(ctx context.Context, text, tag string, cursor int64, limit int) ([]folio.ExploreEntry, int64, error) {
	var rows []struct {
		UserID      int64    `bun:"user_id"`
		Handle      string   `bun:"handle"`
		DisplayName string   `bun:"display_name"`
		Headline    string   `bun:"headline"`
		Tags        []string `bun:"tags,array"`
	}
	q := s.db.NewSelect().TableExpr("explore_portfolios").
		Column("user_id", "handle", "display_name", "headline", "tags").
		OrderExpr("user_id DESC").Limit(int64(limit + 1))
	if text != "" {
		q = q.Where("search @@ plainto_tsquery('simple', ?)", text)
	}
	if tag != "" {
		q = q.Where("tags_lower @> ARRAY[lower(?)]::text[]", tag)
	}
	if cursor > 0 {
		q = q.Where("user_id < ?", cursor)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, 0, fmt.Errorf("postgres: explore: %w", err)
	}
	var next int64
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[limit-1].UserID
	}
	out := make([]folio.ExploreEntry, len(rows))
	for i, r := range rows {
		out[i] = folio.ExploreEntry{UserID: r.UserID, Handle: r.Handle, DisplayName: r.DisplayName, Headline: r.Headline, Tags: r.Tags}
	}
	return out, next, nil
}

// SitemapCounts implements folio.Directory. It reads the sitemap index
// alone: two integers per public portfolio.
func (s *Store) SitemapCounts(ctx context.Context) ([]folio.SitemapCount, error) {
	var out []folio.SitemapCount
	rows, err := s.db.QueryContext(ctx, "SELECT user_id, public_projects FROM explore_portfolios ORDER BY user_id")
	if err != nil {
		return nil, fmt.Errorf("postgres: sitemap counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c folio.SitemapCount
		if err := rows.Scan(&c.UserID, &c.URLs); err != nil {
			return nil, fmt.Errorf("postgres: sitemap counts: %w", err)
		}
		c.URLs++ // the portfolio page itself
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: sitemap counts: %w", err)
	}
	return out, nil
}

// SitemapEntries implements folio.Directory.
func (s *Store) SitemapEntries(ctx context.Context, from, to int64) ([]folio.SitemapEntry, error) {
	var rows []struct {
		Handle    string    `bun:"handle"`
		UpdatedAt time.Time `bun:"updated_at"`
		Slugs     []string  `bun:"slugs,array"`
	}
	q := s.db.NewSelect().TableExpr("explore_portfolios AS e").ColumnExpr("e.handle, e.updated_at").
		ColumnExpr(`ARRAY(SELECT p.slug FROM projects p WHERE p.owner_id = e.user_id AND p.visibility = 'public' ORDER BY p.slug) AS slugs`).
		Where("e.user_id >= ?", from).OrderExpr("e.user_id")
	if to > 0 {
		q = q.Where("e.user_id < ?", to)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("postgres: sitemap entries: %w", err)
	}
	out := make([]folio.SitemapEntry, len(rows))
	for i, r := range rows {
		out[i] = folio.SitemapEntry{Handle: r.Handle, Slugs: r.Slugs, Modified: r.UpdatedAt}
	}
	return out, nil
}
