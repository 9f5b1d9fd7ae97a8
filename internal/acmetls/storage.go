package acmetls

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/caddyserver/certmagic"
	"github.com/minio/minio-go/v7"
	"github.com/uptrace/bun"
)

// Prefix is where certificates, keys and the ACME account live in the
// bucket. Keys and certificates are secrets: the bucket is private.
const Prefix = "tls/"

// maxObject bounds what Load reads: certmagic's objects are a few KiB.
const maxObject = 1 << 20

// Storage keeps certmagic's certificates and ACME account in MinIO (the
// project's one place for stored bytes), and locks across processes with
// PostgreSQL advisory locks: every `folio serve` shares both, so one
// certificate is obtained once for all of them, and a lock dies with the
// process (its connection) instead of waiting out a timeout.
type Storage struct {
	Client *minio.Client
	Bucket string
	DB     *bun.DB

	mu    sync.Mutex
	locks map[string]*sql.Conn
}

var _ certmagic.Storage = (*Storage)(nil)

func (s *Storage) object(key string) string {
	return Prefix + strings.TrimPrefix(path.Clean("/"+key), "/")
}

func notExist(err error) error {
	if code := minio.ToErrorResponse(err).Code; code == "NoSuchKey" || code == "NotFound" {
		return fmt.Errorf("%w: %v", fs.ErrNotExist, err)
	}
	return err
}

// Store puts value at key.
func (s *Storage) Store(ctx context.Context, key string, value []byte) error {
	_, err := s.Client.PutObject(ctx, s.Bucket, s.object(key), bytes.NewReader(value), int64(len(value)),
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return err
}

// Load reads key; fs.ErrNotExist when absent.
func (s *Storage) Load(ctx context.Context, key string) ([]byte, error) {
	obj, err := s.Client.GetObject(ctx, s.Bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, notExist(err)
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, maxObject))
	if err != nil {
		return nil, notExist(err)
	}
	return b, nil
}

// Delete removes key and, as a directory, everything under it.
func (s *Storage) Delete(ctx context.Context, key string) error {
	name := s.object(key)
	for obj := range s.Client.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Prefix: name + "/", Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		if err := s.Client.RemoveObject(ctx, s.Bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
			return err
		}
	}
	return s.Client.RemoveObject(ctx, s.Bucket, name, minio.RemoveObjectOptions{})
}

// Exists reports whether key is a file or a directory.
func (s *Storage) Exists(ctx context.Context, key string) bool {
	_, err := s.Stat(ctx, key)
	return err == nil
}

// List lists the keys under dir, only its direct children unless recursive.
func (s *Storage) List(ctx context.Context, dir string, recursive bool) ([]string, error) {
	prefix := s.object(dir) + "/"
	var out []string
	for obj := range s.Client.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: recursive}) {
		if obj.Err != nil {
			return nil, obj.Err
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(obj.Key, Prefix), "/"))
		if len(out) > 100000 {
			return nil, errors.New("acmetls: too many stored objects")
		}
	}
	if len(out) == 0 {
		return nil, fs.ErrNotExist
	}
	return out, nil
}

// Stat describes key: a file, or a directory when objects sit under it.
func (s *Storage) Stat(ctx context.Context, key string) (certmagic.KeyInfo, error) {
	info, err := s.Client.StatObject(ctx, s.Bucket, s.object(key), minio.StatObjectOptions{})
	if err == nil {
		return certmagic.KeyInfo{Key: key, Modified: info.LastModified, Size: info.Size, IsTerminal: true}, nil
	}
	if err = notExist(err); !errors.Is(err, fs.ErrNotExist) {
		return certmagic.KeyInfo{}, err
	}
	for obj := range s.Client.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Prefix: s.object(key) + "/", MaxKeys: 1}) {
		if obj.Err != nil {
			return certmagic.KeyInfo{}, obj.Err
		}
		return certmagic.KeyInfo{Key: key, IsTerminal: false}, nil
	}
	return certmagic.KeyInfo{}, fs.ErrNotExist
}

// lockSpace is the first half of the advisory lock keys, so that they
// cannot meet another use of advisory locks.
const lockSpace = 0x466f6c // "Fol"

// Lock takes the cross-process lock name, waiting until it is free or ctx
// is done. It holds one pooled connection while locked.
func (s *Storage) Lock(ctx context.Context, name string) error {
	conn, err := s.DB.DB.Conn(ctx)
	if err != nil {
		return err
	}
	for {
		var ok bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, lockSpace, name).Scan(&ok); err != nil {
			_ = conn.Close()
			return err
		}
		if ok {
			break
		}
		// certmagic's locks guard an issuance (seconds); polling keeps no
		// statement open that a cancelled context would have to interrupt.
		select {
		case <-ctx.Done():
			_ = conn.Close()
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks == nil {
		s.locks = map[string]*sql.Conn{}
	}
	if old := s.locks[name]; old != nil {
		// Cannot happen with certmagic (it unlocks before it locks again);
		// release rather than leak.
		_ = old.Close()
	}
	s.locks[name] = conn
	return nil
}

// Unlock releases the lock name taken by this process.
func (s *Storage) Unlock(ctx context.Context, name string) error {
	s.mu.Lock()
	conn := s.locks[name]
	delete(s.locks, name)
	s.mu.Unlock()
	if conn == nil {
		return fmt.Errorf("acmetls: lock %q is not held", name)
	}
	defer conn.Close()
	_, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, hashtext($2))`, lockSpace, name)
	return err
}
