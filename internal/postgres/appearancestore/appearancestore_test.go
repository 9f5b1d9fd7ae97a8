package appearancestore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/appearancestore"
	"github.com/foliohq/folio/internal/postgres/langstore"
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

func contentVersion(t *testing.T, db *bun.DB, id int64) int64 {
	t.Helper()
	var v int64
	if err := db.NewRaw(`SELECT content_version FROM users WHERE id = ?`, id).Scan(context.Background(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAppearanceStore(t *testing.T) {
	ctx := context.Background()
	db := testenv.Postgres(t)
	s := appearancestore.New(db)
	jane, joe := user(t, db, "jane"), user(t, db, "joe")

	// No row: the defaults, for the owner and for the stylesheet.
	a, err := s.Appearance(ctx, jane)
	if err != nil || a.Theme != "studio" || a.ColorMode != "auto" || a.Language != "en" || a.Accent != "" {
		t.Fatalf("defaults = %+v, %v", a, err)
	}
	if a, err := s.StyleOf(ctx, "JANE"); err != nil || a.Theme != "studio" {
		t.Fatalf("StyleOf without a row = %+v, %v", a, err)
	}

	v0 := contentVersion(t, db, jane)
	saved, err := s.SaveAppearance(ctx, jane, appearance.Appearance{Theme: " Editorial ", ColorMode: "dark", Accent: "#FF8800",
		Font: "jetbrains-mono", Language: "de", CustomCSS: `@import url(https://evil.example/x.css); h1{color:red}`})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Theme != "editorial" || saved.Accent != "#ff8800" || saved.Language != "de" || saved.CustomCSS != "h1{color:red;}" {
		t.Fatalf("saved = %+v", saved)
	}
	v1 := contentVersion(t, db, jane)
	if v1 <= v0 {
		t.Fatalf("content version %d -> %d: a change must bump it", v0, v1)
	}
	// Saving the same again changes nothing, the version included.
	if _, err := s.SaveAppearance(ctx, jane, saved); err != nil {
		t.Fatal(err)
	}
	if v := contentVersion(t, db, jane); v != v1 {
		t.Fatalf("an unchanged save moved the content version %d -> %d", v1, v)
	}
	// The owner's row is theirs alone.
	if a, _ := s.Appearance(ctx, joe); a.Theme != "studio" {
		t.Fatalf("joe got jane's appearance: %+v", a)
	}
	// The user lookups carry the look, custom CSS as a flag.
	users := postgres.NewUserService(db)
	u, err := users.UserByHandle(ctx, "jane")
	if err != nil {
		t.Fatal(err)
	}
	if want := (folio.Look{Theme: "editorial", ColorMode: "dark", Accent: "#ff8800", Font: "jetbrains-mono", Language: "de", CustomCSS: true}); u.Look != want {
		t.Fatalf("UserByHandle look = %+v, want %+v", u.Look, want)
	}
	pf, err := postgres.NewProjectService(db).Portfolio(ctx, "jane")
	if err != nil || pf.Owner.Look.Theme != "editorial" {
		t.Fatalf("Portfolio look = %+v, %v", pf, err)
	}
	if u, _ := users.UserByID(ctx, joe); u.Look != (folio.Look{}) {
		t.Fatalf("joe's look = %+v, want zero", u.Look)
	}

	// The page language is saved apart from the look (langstore) and
	// leaves the look as it was.
	if err := (&langstore.Store{DB: db}).SetPageLanguage(ctx, jane, "de"); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Appearance(ctx, jane); a.Language != "de" || a.Theme != "editorial" {
		t.Fatalf("after SetPageLanguage = %+v", a)
	}
}

func TestAppearanceStoreRefuses(t *testing.T) {
	ctx := context.Background()
	db := testenv.Postgres(t)
	s := appearancestore.New(db)
	jane := user(t, db, "jane")
	for _, tt := range []struct {
		field string
		a     appearance.Appearance
	}{
		{"theme", appearance.Appearance{Theme: "nope"}},
		{"color_mode", appearance.Appearance{ColorMode: "sepia"}},
		{"accent", appearance.Appearance{Accent: "red"}},
		{"accent", appearance.Appearance{Accent: "#12345"}},
		{"font", appearance.Appearance{Font: "comic-sans"}},
		{"language", appearance.Appearance{Language: "english please"}},
		{"custom_css", appearance.Appearance{CustomCSS: strings.Repeat("a{}", 7000)}},
		{"custom_css", appearance.Appearance{CustomCSS: "a{}\x00"}},
	} {
		_, err := s.SaveAppearance(ctx, jane, tt.a)
		if folio.ErrorCode(err) != folio.EINVALID {
			t.Fatalf("%+v: err = %v, want invalid", tt.a, err)
		}
		if e := err.(*folio.Error); len(e.Fields) != 1 || e.Fields[0].Field != tt.field {
			t.Fatalf("%+v: fields = %+v, want %s", tt.a, e.Fields, tt.field)
		}
	}
	if _, err := s.SaveAppearance(ctx, 987654, appearance.Default()); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Fatalf("unknown owner: %v", err)
	}
	if _, err := s.StyleOf(ctx, "nobody"); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Fatalf("unknown handle: %v", err)
	}
}
