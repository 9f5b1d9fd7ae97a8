// Package directory implements folio.Directory, explore and the sitemap,
// on explore_portfolios: one row per public portfolio that triggers keep
// current (see migration 20261125000015), so that no request joins or
// unnests every project.
package directory

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

// Store implements folio.Directory.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ folio.Directory = (*Store)(nil)

// recentWindow is how many portfolios, newest first, Explore filters in
// order before it turns to the indexes.
const recentWindow = 1000

// Explore implements folio.Directory. A portfolio matches a text when its
// profile and public projects together hold every word; a tag matches in
// any case.
//
// PostgreSQL cannot estimate a word or tag it has no statistics for, and
// guesses it common: walking the primary key backwards until the page is
// full then reads every row for an absent word. So the query says how to
// run, in two parts that an Append runs in turn, stopping at the LIMIT:
// first the newest recentWindow portfolios filtered in order (enough for
// common words and tags), then, only when those did not fill the page,
// the older ones through the GIN indexes (a rare word matches few rows;
// "user_id + 0" keeps the planner off the primary key, in order and as
// a bitmap of every older portfolio).
func (s *Store) Explore(ctx context.Context, text, tag string, cursor int64, limit int) ([]folio.ExploreEntry, int64, error) {
	var rows []struct {
		UserID      int64    `bun:"user_id"`
		Handle      string   `bun:"handle"`
		DisplayName string   `bun:"display_name"`
		Headline    string   `bun:"headline"`
		Tags        []string `bun:"tags,array"`
	}
	if cursor <= 0 {
		cursor = math.MaxInt64
	}
	cond, args := "TRUE", []any{}
	if text != "" {
		cond += " AND search @@ plainto_tsquery('simple', ?)"
		args = append(args, text)
	}
	if tag != "" {
		cond += " AND tags_lower @> ARRAY[lower(?)]::text[]"
		args = append(args, tag)
	}
	const cols = "user_id, handle, display_name, headline, tags"
	q := `(SELECT ` + cols + ` FROM (SELECT * FROM explore_portfolios WHERE user_id < ? ORDER BY user_id DESC LIMIT ?) recent
			WHERE ` + cond + ` ORDER BY user_id DESC)
		UNION ALL
		(SELECT ` + cols + ` FROM explore_portfolios WHERE ` + cond + ` AND user_id + 0 < (
			SELECT coalesce(min(user_id), 0) FROM (SELECT user_id FROM explore_portfolios WHERE user_id < ? ORDER BY user_id DESC LIMIT ?) w)
		 ORDER BY user_id + 0 DESC LIMIT ?)
		LIMIT ?`
	all := append([]any{cursor, recentWindow}, args...)
	all = append(all, args...)
	all = append(all, cursor, recentWindow, limit+1, limit+1)
	if err := s.db.NewRaw(q, all...).Scan(ctx, &rows); err != nil {
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
