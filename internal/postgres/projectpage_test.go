package postgres_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/migrations"
)

// ProjectPage reads in one query what ProjectBySlug, UserByHandle,
// DemoStates and APIDocs read apart, and answers the same; another
// owner's slug, an unknown handle or slug and a suspended owner are
// ENOTFOUND.
func TestProjectPage(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	users, projects := postgres.NewUserService(db), postgres.NewProjectService(db)
	demos, docs := postgres.NewDemoService(db), postgres.NewAPIDocsService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")
	p, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("Orders API"), TechTags: &[]string{"Go", "SQL"},
		DemoURL: ptr("https://example.com/"), Visibility: ptr(folio.VisibilityUnlisted)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := projects.CreateProject(ctx, grace.ID, folio.ProjectInput{Title: ptr("Parser"), Visibility: ptr(folio.VisibilityPublic)}); err != nil {
		t.Fatal(err)
	}

	// same checks pg against the reads it replaces.
	same := func(what string) {
		t.Helper()
		pg, err := projects.ProjectPage(ctx, "ADA", p.Slug)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		owner, err := users.UserByHandle(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		project, err := projects.ProjectBySlug(ctx, ada.ID, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pg.Owner, owner) {
			t.Errorf("%s: owner %+v, want %+v", what, pg.Owner, owner)
		}
		// Times come back through JSON: the same instants, maybe in
		// another location.
		got := *pg.Project
		if !got.CreatedAt.Equal(project.CreatedAt) || !got.UpdatedAt.Equal(project.UpdatedAt) {
			t.Errorf("%s: project times %v %v, want %v %v", what, got.CreatedAt, got.UpdatedAt, project.CreatedAt, project.UpdatedAt)
		}
		got.CreatedAt, got.UpdatedAt = project.CreatedAt, project.UpdatedAt
		if !reflect.DeepEqual(&got, project) {
			t.Errorf("%s: project %+v, want %+v", what, got, project)
		}
		states, err := demos.DemoStates(ctx, []int64{p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := states[p.ID]; ok != (pg.Demo != nil) {
			t.Errorf("%s: demo %+v, want %+v", what, pg.Demo, states)
		} else if ok && (pg.Demo.State != st.State || !pg.Demo.Since.Equal(st.Since) || !pg.Demo.LastCheckedAt.Equal(st.LastCheckedAt)) {
			t.Errorf("%s: demo %+v, want %+v", what, *pg.Demo, st)
		}
		d, err := docs.APIDocs(ctx, p.ID)
		if folio.ErrorCode(err) == folio.ENOTFOUND {
			d = nil
		} else if err != nil {
			t.Fatal(err)
		}
		if (d == nil) != (pg.Docs == nil) {
			t.Fatalf("%s: docs %+v, want %+v", what, pg.Docs, d)
		}
		if d != nil {
			gotDocs := *pg.Docs
			if !gotDocs.UpdatedAt.Equal(d.UpdatedAt) {
				t.Errorf("%s: docs updated %v, want %v", what, gotDocs.UpdatedAt, d.UpdatedAt)
			}
			gotDocs.UpdatedAt = d.UpdatedAt
			if !reflect.DeepEqual(&gotDocs, d) {
				t.Errorf("%s: docs %+v, want %+v", what, gotDocs, *d)
			}
		}
	}
	same("without a demo check or API docs")

	now := time.Now()
	if _, err := demos.RecordCheck(ctx, folio.DemoCheck{ProjectID: p.ID, CheckedAt: now, Up: true, StatusCode: 200}); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.RequestAPIDocs(ctx, p.ID, folio.SourceSpec, folio.NewPublicKey()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := docs.FinishAPIDocs(ctx, folio.APIDocs{ProjectID: p.ID, Generation: 1, DocumentKey: "apidocs/x/1.json",
		Title: "Orders", Version: "1.0", Operations: 3, Tags: []string{"orders"}}); err != nil {
		t.Fatal(err)
	}
	same("with both")
	// Docs stored before keys existed name their folder by project id.
	if _, err := db.ExecContext(ctx, "UPDATE apidocs SET key = NULL, document_key = NULL WHERE project_id = ?", p.ID); err != nil {
		t.Fatal(err)
	}
	same("with legacy API docs")

	for what, at := range map[string][2]string{
		"unknown handle":        {"nobody", p.Slug},
		"unknown slug":          {"ada", "nope"},
		"another owner's slug":  {"grace", p.Slug},
		"a slug in other case":  {"ada", "Orders-API"},
		"an empty slug":         {"ada", ""},
		"a handle as a pattern": {"a%", p.Slug},
	} {
		_, err := projects.ProjectPage(ctx, at[0], at[1])
		wantCode(t, what, err, folio.ENOTFOUND)
	}
	if _, err := db.ExecContext(ctx, "UPDATE users SET suspended_at = now() WHERE id = ?", ada.ID); err != nil {
		t.Fatal(err)
	}
	_, err = projects.ProjectPage(ctx, "ada", p.Slug)
	wantCode(t, "a suspended owner's project", err, folio.ENOTFOUND)
}

// Warm opens the connections and prepares the render queries on each: a
// connection it opened holds them before any page is asked for.
func TestWarmPreparesTheRenderQueries(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	db.DB.SetMaxOpenConns(2)
	if err := postgres.Warm(ctx, db, 2); err != nil {
		t.Fatal(err)
	}
	for range 4 { // both connections, whichever the pool hands out
		var n int
		if err := db.NewRaw(`SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT u.*, %'`).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("a warmed connection holds %d of the two page queries", n)
		}
	}
}

// A DSN that names its execution mode (a pooler in transaction mode
// keeps no prepared statements) has the render queries run in it too.
func TestDSNModeHoldsForTheRenderQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testenv.DatabaseURL(t)
	if _, err := postgres.Migrate(ctx, openOrFail(t, dsn), migrations.FS); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db := openOrFail(t, dsn+sep+"default_query_exec_mode=simple_protocol")
	db.DB.SetMaxOpenConns(1)
	createUser(t, db, "ada")
	pf, err := postgres.NewProjectService(db).Portfolio(ctx, "ada")
	if err != nil || pf.Owner.Handle != "ada" {
		t.Fatalf("Portfolio: %+v, %v", pf, err)
	}
	var n int
	if err := db.NewRaw(`SELECT count(*) FROM pg_prepared_statements`).Scan(ctx, &n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the connection holds %d prepared statements, want none", n)
	}
}

func openOrFail(t *testing.T, dsn string) *bun.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
