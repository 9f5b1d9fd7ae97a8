package testenv

import (
	"context"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/postgres"
)

func TestPostgresIsFreshMigratedAndDropped(t *testing.T) {
	var dsn string
	t.Run("inner", func(t *testing.T) {
		dsn = DatabaseURL(t)
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("fresh database has %d tables, want 0", n)
		}
	})
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	admin, err := postgres.Open(context.Background(), Var(t, "FOLIO_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(context.Background(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after the test ended", name)
	}
}

func TestPostgresGivesEachCallItsOwnMigratedDatabase(t *testing.T) {
	a, b := Postgres(t), Postgres(t)
	ctx := context.Background()
	if _, err := a.ExecContext(ctx, "INSERT INTO users (email, password_hash, handle, display_name) VALUES ('a@example.com', 'x', 'alice', 'Alice')"); err != nil {
		t.Fatalf("insert into migrated schema: %v", err)
	}
	var n int
	if err := b.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("second database sees %d users of the first", n)
	}
}

func TestRedisDatabasesAreDistinctAndEmptied(t *testing.T) {
	var first *redis.Options
	t.Run("inner", func(t *testing.T) {
		first = Redis(t)
		c := redis.NewClient(first)
		defer c.Close()
		if err := c.Set(context.Background(), "k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		second := Redis(t)
		if second.DB == first.DB {
			t.Fatalf("two claims got the same database %d", first.DB)
		}
	})
	c := redis.NewClient(first)
	defer c.Close()
	if n := c.DBSize(context.Background()).Val(); n != 0 {
		t.Errorf("database %d holds %d keys after the test ended", first.DB, n)
	}
}

func TestBucketIsCreatedAndRemoved(t *testing.T) {
	var bucket string
	t.Run("inner", func(t *testing.T) {
		store := Store(t)
		bucket = store.Bucket()
		if err := store.Ping(context.Background()); err != nil {
			t.Fatalf("fresh bucket: %v", err)
		}
		if _, err := store.Client().PutObject(context.Background(), bucket, "a/b.txt", strings.NewReader("x"), 1, minio.PutObjectOptions{ContentType: "text/plain"}); err != nil {
			t.Fatal(err)
		}
	})
	store := Store(t)
	exists, err := store.Client().BucketExists(context.Background(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("bucket %s (with an object in it) still exists after the test ended", bucket)
	}
}
