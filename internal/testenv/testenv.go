// Package testenv gives integration tests isolated pieces of the real
// stack: a fresh, migrated PostgreSQL database, a Redis database of their
// own and a MinIO bucket, each removed again with t.Cleanup.
//
// The stack is found through the FOLIO_* variables, or else the
// .data/stack.env that `make stack` writes. Without a stack a test fails
// loudly and says how to start one; it never skips.
package testenv

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/migrations"
)

const startHint = "start the local stack with `make stack` (or set the FOLIO_* variables to a running one)"

var (
	stackOnce sync.Once
	stackVars map[string]string
	stackErr  error
)

// Var returns a FOLIO_* variable of the stack, failing the test when there
// is no stack.
func Var(t testing.TB, name string) string {
	t.Helper()
	stackOnce.Do(func() { stackVars, stackErr = loadStack() })
	if stackErr != nil {
		t.Fatalf("testenv: %v; %s", stackErr, startHint)
	}
	v, ok := stackVars[name]
	if !ok {
		t.Fatalf("testenv: %s is not set; %s", name, startHint)
	}
	return v
}

func loadStack() (map[string]string, error) {
	vars := map[string]string{}
	if v := os.Getenv("FOLIO_DATABASE_URL"); v != "" {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "FOLIO_") {
				vars[k] = v
			}
		}
		return vars, nil
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, ".data", "stack.env"))
	if err != nil {
		return nil, fmt.Errorf("FOLIO_DATABASE_URL is not set and .data/stack.env cannot be read (%v)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			vars[k] = v
		}
	}
	return vars, sc.Err()
}

// repoRoot is the folder holding go.mod, found from the test's folder.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's folder")
		}
		dir = parent
	}
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// DatabaseURL creates an empty database for this test and returns its URL.
// The database is dropped when the test ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	base := Var(t, "FOLIO_DATABASE_URL")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testenv: FOLIO_DATABASE_URL: %v", err)
	}
	admin, err := postgres.Open(ctx(t), base)
	if err != nil {
		t.Fatalf("testenv: %v; %s", err, startHint)
	}
	defer admin.Close()
	name := "folio_test_" + randomSuffix()
	if _, err := admin.ExecContext(ctx(t), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := postgres.Open(context.Background(), base)
		if err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Postgres returns a connection to a fresh database of this test's own,
// with every migration applied.
func Postgres(t testing.TB) *bun.DB {
	t.Helper()
	db := EmptyPostgres(t)
	if _, err := postgres.Migrate(ctx(t), db, migrations.FS); err != nil {
		t.Fatalf("testenv: migrate: %v", err)
	}
	return db
}

// EmptyPostgres returns a connection to a fresh database with no schema.
func EmptyPostgres(t testing.TB) *bun.DB {
	t.Helper()
	dsn := DatabaseURL(t)
	db, err := postgres.Open(ctx(t), dsn)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	// Registered after DatabaseURL's cleanup, so it runs first: the pool
	// closes before the database is dropped.
	t.Cleanup(func() { db.Close() })
	return db
}

// redisDatabases matches the stack's `databases` setting; database 0 keeps
// the claims.
const redisDatabases = 1024

// Redis claims a Redis logical database for this test, empties it and
// returns options that select it. Claims are keys in database 0, so tests
// in parallel packages never share a database.
func Redis(t testing.TB) *redis.Options {
	t.Helper()
	base, err := redis.ParseURL(Var(t, "FOLIO_REDIS_URL"))
	if err != nil {
		t.Fatalf("testenv: FOLIO_REDIS_URL: %v", err)
	}
	claims := redis.NewClient(base)
	defer claims.Close()
	if err := claims.Ping(ctx(t)).Err(); err != nil {
		t.Fatalf("testenv: redis: %v; %s", err, startHint)
	}
	token := randomSuffix()
	var b [2]byte
	_, _ = rand.Read(b[:])
	start := int(b[0])<<8 | int(b[1])
	for i := range redisDatabases - 1 {
		n := 1 + (start+i)%(redisDatabases-1)
		key := fmt.Sprintf("testenv:redis-db:%d", n)
		ok, err := claims.SetNX(ctx(t), key, token, time.Hour).Result()
		if err != nil {
			t.Fatalf("testenv: claim redis database: %v", err)
		}
		if !ok {
			continue
		}
		opts := *base
		opts.DB = n
		flush(t, &opts)
		t.Cleanup(func() {
			flush(t, &opts)
			c := redis.NewClient(base)
			defer c.Close()
			c.Del(context.Background(), key)
		})
		return &opts
	}
	t.Fatalf("testenv: every Redis database is claimed")
	return nil
}

func flush(t testing.TB, opts *redis.Options) {
	c := redis.NewClient(opts)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Errorf("testenv: flush redis db %d: %v", opts.DB, err)
	}
}

// StorageOptions creates a bucket for this test and returns the options
// that reach it. The bucket and everything in it is removed at the end.
func StorageOptions(t testing.TB) storage.Options {
	t.Helper()
	opts := storage.Options{
		Endpoint:  Var(t, "FOLIO_S3_ENDPOINT"),
		AccessKey: Var(t, "FOLIO_S3_ACCESS_KEY"),
		SecretKey: Var(t, "FOLIO_S3_SECRET_KEY"),
		Bucket:    "test-" + randomSuffix(),
		UseSSL:    Var(t, "FOLIO_S3_USE_SSL") == "true",
	}
	store, err := storage.New(opts)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := store.Client().MakeBucket(ctx(t), opts.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("testenv: create bucket: %v; %s", err, startHint)
	}
	t.Cleanup(func() {
		err := store.Client().RemoveBucketWithOptions(context.Background(), opts.Bucket, minio.RemoveBucketOptions{ForceDelete: true})
		if err != nil {
			t.Errorf("testenv: remove bucket %s: %v", opts.Bucket, err)
		}
	})
	return opts
}

// Store returns a Store on a fresh bucket of this test's own.
func Store(t testing.TB) *storage.Store {
	t.Helper()
	store, err := storage.New(StorageOptions(t))
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return store
}

// PrivateRedis is a redis-server of one test's own, which the test may
// stop and start again (the shared stack's Redis must never go down).
type PrivateRedis struct {
	Addr string
	dir  string
	args []string // more server arguments (StartRedisReplica's replicaof)
	cmd  *exec.Cmd
	t    testing.TB
}

// StartPrivateRedis starts a redis-server on a free loopback port.
func StartPrivateRedis(t testing.TB) *PrivateRedis {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &PrivateRedis{Addr: addr, dir: t.TempDir(), t: t}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start runs the server and waits until it answers.
func (r *PrivateRedis) Start() {
	r.t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		r.t.Fatalf("testenv: redis-server is not installed; %s", startHint)
	}
	_, port, _ := net.SplitHostPort(r.Addr)
	args := append([]string{"--bind", "127.0.0.1", "--port", port, "--dir", r.dir, "--save", "", "--appendonly", "no"}, r.args...)
	r.cmd = exec.Command(bin, args...)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			r.t.Fatalf("testenv: private redis on %s did not start", r.Addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server, as a crash would.
func (r *PrivateRedis) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}
