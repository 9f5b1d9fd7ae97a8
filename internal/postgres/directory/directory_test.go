package directory_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/testenv"
)

func exec(t *testing.T, db *bun.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func addUser(t *testing.T, db *bun.DB, handle, headline string) int64 {
	t.Helper()
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name, headline)
		VALUES (? || '@example.com', '-', ?, upper(?), ?) RETURNING id`, handle, handle, handle, headline).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func addProject(t *testing.T, db *bun.DB, owner int64, slug, visibility string, tags ...string) int64 {
	t.Helper()
	if tags == nil {
		tags = []string{}
	}
	var id int64
	if err := db.NewRaw(`INSERT INTO projects (owner_id, slug, title, visibility, tech_tags) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		owner, slug, "Project "+slug, visibility, pgdialect.Array(tags)).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func handles(t *testing.T, d *directory.Store, text, tag string) []string {
	t.Helper()
	entries, _, err := d.Explore(context.Background(), text, tag, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range entries {
		out = append(out, e.Handle)
	}
	return out
}

func TestExploreFollowsEveryChange(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	d := directory.New(db)
	ada := addUser(t, db, "ada", "Compiler engineer")
	bob := addUser(t, db, "bob", "Pipeline plumber")
	cy := addUser(t, db, "cy", "")
	addProject(t, db, ada, "parser", "public", "Rust", "WebAssembly")
	addProject(t, db, ada, "secret", "draft", "COBOL")
	bobProject := addProject(t, db, bob, "orders", "public", "Go", "PostgreSQL")
	addProject(t, db, cy, "hidden", "unlisted", "Go")

	check := func(name, text, tag string, want ...string) {
		t.Helper()
		if want == nil {
			want = []string{}
		}
		if got := handles(t, d, text, tag); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	check("all, newest first; unlisted-only and draft-only portfolios absent", "", "", "bob", "ada")
	check("tags in any case", "", "rust", "ada")
	check("tags in any case", "", "POSTGRESQL", "bob")
	check("a draft's tag does not list its owner", "", "cobol")
	check("an unlisted project's tag does not list its owner", "", "go", "bob")
	check("profile text", "compiler", "", "ada")
	check("project text", "orders", "", "bob")
	check("words from the profile and a project together", "plumber orders", "", "bob")
	check("a word no one has", "zyzzyva", "")
	check("text and tag", "project", "go", "bob")

	// Tags shown are the public ones, as written, sorted.
	entries, _, err := d.Explore(context.Background(), "", "rust", 0, 10)
	if err != nil || len(entries) != 1 || !slices.Equal(entries[0].Tags, []string{"Rust", "WebAssembly"}) {
		t.Errorf("tags shown: %+v %v", entries, err)
	}

	// Changes show at once: a project made draft, a profile edit, a
	// handle change, a project deleted, an account deleted.
	exec(t, db, "UPDATE projects SET visibility = 'draft' WHERE id = ?", bobProject)
	check("the last public project made draft", "", "", "ada")
	exec(t, db, "UPDATE projects SET visibility = 'public' WHERE id = ?", bobProject)
	exec(t, db, "UPDATE users SET headline = 'Kernel hacker', handle = 'bobby' WHERE id = ?", bob)
	check("a profile edit", "kernel", "", "bobby")
	check("the old words are gone", "plumber", "")
	exec(t, db, "UPDATE projects SET tech_tags = '{Zig}' WHERE id = ?", bobProject)
	check("a tag edit", "", "zig", "bobby")
	check("the old tag is gone", "", "go")
	exec(t, db, "DELETE FROM projects WHERE id = ?", bobProject)
	check("a deleted project", "", "", "ada")
	exec(t, db, "DELETE FROM users WHERE id = ?", ada)
	check("a deleted account", "", "")
}

func TestExploreCursorPagesEveryPortfolioOnce(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	d := directory.New(db)
	// 1,100 portfolios in one statement each (the statement-level triggers
	// refresh every owner of a multi-row insert); one in 100 has a rare
	// tag, so paging by it crosses from the newest portfolios, filtered in
	// order, to the older ones, found by index.
	exec(t, db, `INSERT INTO users (email, password_hash, handle, display_name)
		SELECT 'u' || i || '@example.com', '-', 'u' || i, 'U' || i FROM generate_series(1, 1100) i`)
	exec(t, db, `INSERT INTO projects (owner_id, slug, title, visibility, tech_tags)
		SELECT id, 'p' || k, 'Shared title', 'public', CASE WHEN id % 100 = 0 AND k = 2 THEN '{Go,Rare}'::text[] ELSE '{Go}' END
		FROM users, generate_series(1, 2) k`)
	for _, c := range []struct {
		text, tag string
		pageSize  int
		want      int
	}{{"shared", "GO", 100, 1100}, {"", "rare", 4, 11}, {"title", "Rare", 20, 11}, {"absent", "", 10, 0}} {
		var seen []int64
		var cursor int64
		for range 200 {
			entries, next, err := d.Explore(context.Background(), c.text, c.tag, cursor, c.pageSize)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if len(seen) > 0 && e.UserID >= seen[len(seen)-1] {
					t.Fatalf("%+v: not in descending user id order: %d after %d", c, e.UserID, seen[len(seen)-1])
				}
				seen = append(seen, e.UserID)
			}
			if next == 0 {
				break
			}
			cursor = next
		}
		if len(seen) != c.want {
			t.Errorf("%+v: pages listed %d portfolios, want %d", c, len(seen), c.want)
		}
	}
}

func TestSitemapCountsAndEntries(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	d := directory.New(db)
	ada := addUser(t, db, "ada", "")
	bob := addUser(t, db, "bob", "")
	addProject(t, db, ada, "b-second", "public")
	addProject(t, db, ada, "a-first", "public")
	addProject(t, db, ada, "draft", "draft")
	addProject(t, db, ada, "unlisted", "unlisted")
	addProject(t, db, bob, "only", "public")
	counts, err := d.SitemapCounts(context.Background())
	if err != nil || !slices.Equal(counts, []folio.SitemapCount{{UserID: ada, URLs: 3}, {UserID: bob, URLs: 2}}) {
		t.Fatalf("counts: %+v %v", counts, err)
	}
	entries, err := d.SitemapEntries(context.Background(), bob, 0)
	if err != nil || len(entries) != 1 || entries[0].Handle != "bob" {
		t.Fatalf("entries from bob: %+v %v", entries, err)
	}
	entries, err = d.SitemapEntries(context.Background(), 0, bob)
	if err != nil || len(entries) != 1 || !slices.Equal(entries[0].Slugs, []string{"a-first", "b-second"}) || entries[0].Modified.IsZero() {
		t.Fatalf("entries before bob: %+v %v", entries, err)
	}
}
