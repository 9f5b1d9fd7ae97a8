// Package storage keeps every stored byte of Folio in MinIO (or any S3).
package storage

import (
	"context"
	"fmt"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Options say where the object store is and which bucket Folio owns.
type Options struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
}

// Store is Folio's bucket.
type Store struct {
	client *minio.Client
	bucket string
}

// New builds a Store. It does not contact the server; see Ping.
func New(opts Options) (*Store, error) {
	client, err := minio.New(opts.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, ""),
		Secure: opts.UseSSL,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return &Store{client: client, bucket: opts.Bucket}, nil
}

// Client exposes the MinIO client for the few places (tests, bucket
// set-up) that work outside the bucket.
func (s *Store) Client() *minio.Client { return s.client }

// Bucket is the name of the bucket Folio stores into.
func (s *Store) Bucket() string { return s.bucket }

// EnsureBucket creates the bucket when it does not exist yet.
func (s *Store) EnsureBucket(ctx context.Context) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("storage: check bucket %s: %w", s.bucket, err)
	}
	if exists {
		return nil
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
		return fmt.Errorf("storage: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Ping reports whether the store answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("bucket %s does not exist", s.bucket)
	}
	return nil
}
