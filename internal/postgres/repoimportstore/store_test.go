package repoimportstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/repoimportstore"
	"github.com/foliohq/folio/internal/repoimport"
	"github.com/foliohq/folio/internal/testenv"
)

func user(t *testing.T, db *bun.DB, handle string) int64 {
	t.Helper()
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES (?, 'x', ?, ?) RETURNING id`,
		handle+"@example.com", handle, handle).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestImportLifecycleScopedByOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Postgres(t)
	s := repoimportstore.New(db)
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	imp, err := s.CreateImport(ctx, ada, "https://github.com/ada/orders", 2)
	if err != nil || imp.Status != repoimport.StatusQueued || imp.OwnerID != ada {
		t.Fatalf("create: %+v %v", imp, err)
	}
	if _, err := s.Import(ctx, bob, imp.ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("bob reads ada's import: %v", err)
	}
	if _, err := s.CreateImport(ctx, ada, "https://github.com/ada/b", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateImport(ctx, ada, "https://github.com/ada/c", 2); folio.ErrorCode(err) != folio.ETOOMANY {
		t.Errorf("third active import: %v, want ETOOMANY", err)
	}
	if ok, err := s.StartImport(ctx, imp.ID); !ok || err != nil {
		t.Fatalf("start: %v %v", ok, err)
	}
	var projectID int64
	if err := db.NewRaw(`INSERT INTO projects (owner_id, slug, title) VALUES (?, 'orders', 'Orders') RETURNING id`, ada).Scan(ctx, &projectID); err != nil {
		t.Fatal(err)
	}
	sum := repoimport.Summary{ProjectID: projectID, License: "MIT", Languages: []repoimport.Language{{Name: "Go", Bytes: 42}},
		Homepage: "https://orders.example.com", APIDocs: "swag", Notes: []string{"a note"}}
	if err := s.FinishImport(ctx, imp.ID, sum); err != nil {
		t.Fatal(err)
	}
	got, err := s.Import(ctx, ada, imp.ID)
	if err != nil || got.Status != repoimport.StatusDone || got.ProjectID != projectID || got.License != "MIT" ||
		!slices.Equal(got.Languages, sum.Languages) || !slices.Equal(got.Notes, sum.Notes) || got.FinishedAt.IsZero() {
		t.Errorf("finished: %+v %v", got, err)
	}
	// A finished import stays finished, and no longer counts as active.
	if ok, _ := s.StartImport(ctx, imp.ID); ok {
		t.Error("a finished import started again")
	}
	if err := s.FailImport(ctx, imp.ID, "late"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Import(ctx, ada, imp.ID); got.Status != repoimport.StatusDone {
		t.Errorf("a late failure overwrote the result: %+v", got)
	}
	if _, err := s.CreateImport(ctx, ada, "https://github.com/ada/c", 2); err != nil {
		t.Errorf("a slot freed by the finished import: %v", err)
	}
	// Deleting the draft clears the link; deleting the owner, the imports.
	if _, err := db.ExecContext(ctx, "DELETE FROM projects WHERE id = ?", projectID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Import(ctx, ada, imp.ID); got.ProjectID != 0 {
		t.Errorf("deleted draft still linked: %d", got.ProjectID)
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM users WHERE id = ?", ada); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.NewSelect().Table("repository_imports").Count(ctx); n != 0 {
		t.Errorf("%d imports left after the owner was deleted", n)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Postgres(t)
	s := repoimportstore.New(db)
	ada := user(t, db, "ada")
	for range 60 {
		imp, err := s.CreateImport(ctx, ada, "https://github.com/ada/x", 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FailImport(ctx, imp.ID, "no"); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Imports(ctx, ada, 100)
	if err != nil || len(list) != 50 || list[0].ID < list[1].ID {
		t.Errorf("%d imports kept (want 50, newest first): %v", len(list), err)
	}
}
