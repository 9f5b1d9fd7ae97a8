package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/socialcard"
)

// Words the synthetic text is made of. "service" is in every portfolio's
// text (a common word); "quasar" is in one project of one portfolio in
// 10,000 (a rare word); "zyzzyva" is in none (an absent word).
var (
	commonWord = "service"
	rareWord   = "quasar"
	absentWord = "zyzzyva"
	commonTag  = "go"
	absentTag  = "cobol"
)

// generate fills an empty, migrated database with users portfolios of five
// projects each, with SQL alone (generate_series), through the schema's
// constraints and triggers. One user in ten keeps all their projects
// drafts; in the others the fifth project is unlisted. One portfolio in
// ten has a live demo on its first project, checked every checkEvery for
// the last 30 days.
func generate(ctx context.Context, db *bun.DB, users int, checkEvery time.Duration) error {
	steps := []struct{ name, sql string }{
		{"users", `INSERT INTO users (email, password_hash, handle, display_name, headline, bio)
			SELECT 'user' || i || '@scale.test', '-', 'user' || i, 'User ' || i,
			       (ARRAY['Backend developer', 'Frontend engineer', 'Data engineer', 'SRE', 'Full-stack developer'])[1 + i % 5],
			       'I build ' || (ARRAY['payments', 'search', 'maps', 'games', 'compilers', 'robots'])[1 + i % 6] || ' and ship them.'
			FROM generate_series(1, ?) AS i`},
		{"projects", `INSERT INTO projects (owner_id, slug, title, tagline, description, tech_tags, visibility, demo_url, repository_url)
			SELECT u.id, 'project-' || k,
			       (ARRAY['Orders', 'Feeds', 'Ledger', 'Atlas', 'Relay', 'Beacon', 'Harbor', 'Quill'])[1 + (u.id + k) % 8] || ' ' || k,
			       'A ' || (ARRAY['fast', 'small', 'reliable', 'friendly'])[1 + k % 4] || ' service for ' ||
			           (ARRAY['shops', 'teams', 'cities', 'schools', 'clinics'])[1 + (u.id * k) % 5],
			       'Built with care. ' || CASE WHEN k = 2 AND u.id % 10000 = 7 THEN 'Powered by the ` + rareWord + ` engine. ' ELSE '' END ||
			           repeat('It handles requests, retries and failures gracefully. ', (1 + (u.id + k) % 4)::int),
			       (ARRAY['{Go,PostgreSQL}', '{TypeScript,React}', '{Python,Django,PostgreSQL}', '{Rust,WebAssembly}',
			              '{Go,Redis,Kafka}', '{Java,Spring}', '{Elixir,Phoenix}', '{Kotlin,Android}'])[1 + (u.id * 7 + k) % 8]::text[],
			       CASE WHEN u.id % 10 = 0 THEN 'draft' WHEN k = 5 THEN 'unlisted' ELSE 'public' END,
			       CASE WHEN k = 1 AND u.id % 10 = 1 THEN 'https://demo' || u.id || '.scale.test/' ELSE '' END,
			       'https://git.scale.test/user' || u.id || '/project-' || k
			FROM users u, generate_series(1, 5) AS k`},
		{"demo_checks", `INSERT INTO demo_checks (project_id, checked_at, up, status_code, latency_ms)
			SELECT p.id, now() - s * ?::interval, (p.id + s) % 50 <> 0, CASE WHEN (p.id + s) % 50 <> 0 THEN 200 ELSE 503 END, 20 + (p.id + s) % 80
			FROM projects p, generate_series(0, ?) AS s
			WHERE p.demo_url <> ''`},
		{"demo_status", `INSERT INTO demo_status (project_id, state, since, last_checked_at)
			SELECT id, 'up', now() - interval '3 days', now() FROM projects WHERE demo_url <> ''`},
		// Also merges the GIN indexes' pending lists, as autovacuum would.
		{"vacuum", `VACUUM ANALYZE`},
	}
	checks := int((30 * 24 * time.Hour) / checkEvery)
	args := map[string][]any{
		"users":       {users},
		"demo_checks": {fmt.Sprintf("%d seconds", int(checkEvery.Seconds())), checks - 1},
	}
	for _, st := range steps {
		start := time.Now()
		res, err := db.ExecContext(ctx, st.sql, args[st.name]...)
		if err != nil {
			return fmt.Errorf("generate %s: %w", st.name, err)
		}
		n, _ := res.RowsAffected()
		fmt.Printf("  %-12s %9d rows  %6.1f s\n", st.name, n, time.Since(start).Seconds())
	}
	return nil
}

// markCards records every portfolio's social cards as rendered at its
// content version (users.cards_for, as the worker's build leaves it):
// otherwise each first view of a run would queue a render, which an
// instance does once per change. Only rows not marked yet change, so a
// kept database costs nothing the second time.
func markCards(ctx context.Context, db *bun.DB) error {
	// socialcard.Tag: the zero-padded version, then the card layout's name.
	layout := strings.TrimPrefix(socialcard.Tag(0), strings.Repeat("0", 20))
	res, err := db.ExecContext(ctx, `UPDATE users SET cards_for = lpad(content_version::text, 20, '0') || ?0
		WHERE cards_for IS DISTINCT FROM lpad(content_version::text, 20, '0') || ?0`, layout)
	if err != nil {
		return fmt.Errorf("mark cards: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return nil
	}
	fmt.Printf("  marked the cards of %d portfolios as rendered\n", n)
	_, err = db.ExecContext(ctx, "VACUUM ANALYZE users") // the old row versions, as autovacuum would
	return err
}
