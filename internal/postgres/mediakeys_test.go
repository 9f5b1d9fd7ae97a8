package postgres_test

import (
	"context"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/migrations"
)

// installation is one Folio database with an owner and a project.
type installation struct {
	name    string
	media   *postgres.MediaService
	docs    *postgres.APIDocsService
	owner   int64
	project int64
}

func newInstallation(t *testing.T, name string, db *bun.DB) installation {
	t.Helper()
	ctx := context.Background()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	title := "Orders"
	p, err := postgres.NewProjectService(db).CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	return installation{name: name, media: postgres.NewMediaService(db), docs: postgres.NewAPIDocsService(db), owner: u.ID, project: p.ID}
}

func put(t *testing.T, store *storage.Store, key, content string) {
	t.Helper()
	if _, err := store.PutStream(context.Background(), key, strings.NewReader(content), "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, store *storage.Store, key string) string {
	t.Helper()
	rc, err := store.OpenRange(context.Background(), key, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}

// Two databases (staging and production, two test runs) pointed at one
// bucket give their first media and API docs the same ids; neither may
// overwrite the other's objects.
func TestTwoDatabasesShareABucketWithoutOverwriting(t *testing.T) {
	ctx := context.Background()
	store := testenv.Store(t)
	a, b := newInstallation(t, "staging", testenv.Postgres(t)), newInstallation(t, "production", testenv.Postgres(t))
	if a.project != b.project {
		t.Fatalf("the databases should give the same ids (%d, %d) for this test to mean anything", a.project, b.project)
	}
	var media []*folio.Media
	for _, in := range []installation{a, b} {
		m := &folio.Media{OwnerID: in.owner, ProjectID: in.project, Kind: folio.MediaScreenshot, Status: folio.MediaUploading}
		if err := in.media.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		put(t, store, m.OriginalKey, "original of "+in.name)
		put(t, store, m.ObjectPrefix()+"image.webp", "image of "+in.name)
		media = append(media, m)
	}
	if media[0].ID != media[1].ID {
		t.Fatalf("media ids %d and %d should be equal", media[0].ID, media[1].ID)
	}
	for i, in := range []installation{a, b} {
		m := media[i]
		if got := read(t, store, m.OriginalKey); got != "original of "+in.name {
			t.Errorf("database %d's original at %s holds %q", i+1, m.OriginalKey, got)
		}
		if got := read(t, store, m.ObjectPrefix()+"image.webp"); got != "image of "+in.name {
			t.Errorf("database %d's rendition holds %q", i+1, got)
		}
	}

	var keys []string
	for _, in := range []installation{a, b} {
		key, err := in.docs.APIDocsObjectKey(ctx, in.project)
		if err != nil {
			t.Fatal(err)
		}
		put(t, store, folio.APIDocsSourceKey(key), "spec of "+in.name)
		if _, err := in.docs.RequestAPIDocs(ctx, in.project, folio.SourceSpec, key); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	for i, in := range []installation{a, b} {
		d, err := in.docs.APIDocs(ctx, in.project)
		if err != nil {
			t.Fatal(err)
		}
		if d.Key != keys[i] {
			t.Errorf("database %d's docs key %q, want the %q its source was stored under", i+1, d.Key, keys[i])
		}
		if got := read(t, store, folio.APIDocsSourceKey(d.Key)); got != "spec of "+in.name {
			t.Errorf("database %d's API docs source holds %q", i+1, got)
		}
		if got := folio.APIDocsDocumentKey(d.Key, d.Generation); got == folio.APIDocsDocumentKey(keys[1-i], d.Generation) {
			t.Errorf("both databases would store their document at %s", got)
		}
	}
	// A first request that loses a race with another keeps the winner's
	// key and says so.
	if _, err := a.docs.RequestAPIDocs(ctx, a.project, folio.SourceSpec, folio.NewPublicKey()); folio.ErrorCode(err) != folio.ECONFLICT {
		t.Errorf("a request under another key: %v, want a conflict", err)
	}
}

var hexKey = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Rows from before public keys get them from the migration, and keep the
// object keys they stored.
func TestMediaKeysMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	db := testenv.EmptyPostgres(t)
	before := fstest.MapFS{}
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, "_media_keys.") {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		before[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Migrate(ctx, db, before); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (email, password_hash, handle, display_name) VALUES ('ada@example.com', '-', 'ada', 'Ada')`,
		`INSERT INTO projects (owner_id, slug, title) VALUES (1, 'orders', 'Orders')`,
		`INSERT INTO media (owner_id, project_id, kind, status, original_key) VALUES (1, 1, 'screenshot', 'ready', 'media/1/original'), (1, 1, 'screenshot', 'ready', 'media/2/original')`,
		`INSERT INTO apidocs (project_id, source, status) VALUES (1, 'spec', 'ready')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		t.Fatal(err)
	}
	ms := postgres.NewMediaService(db)
	one, err := ms.MediaByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	two, err := ms.MediaByID(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !hexKey.MatchString(one.PublicKey) || !hexKey.MatchString(two.PublicKey) || one.PublicKey == two.PublicKey {
		t.Errorf("backfilled keys %q and %q: want two different 32-hex-digit keys", one.PublicKey, two.PublicKey)
	}
	if one.OriginalKey != "media/1/original" || one.ObjectPrefix() != "media/1/" {
		t.Errorf("an old row's objects moved: %s, folder %s", one.OriginalKey, one.ObjectPrefix())
	}
	if v, err := ms.MediaVisibility(ctx, two.PublicKey); err != nil || v.Media.ID != 2 {
		t.Errorf("media by its backfilled key: %v %v", v.Media, err)
	}
	d, err := postgres.NewAPIDocsService(db).APIDocs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Key != "1" || d.DocumentKey != "apidocs/1/openapi.json" {
		t.Errorf("old API docs moved: key %q, document %q", d.Key, d.DocumentKey)
	}
}
