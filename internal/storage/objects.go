package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"
)

// ErrNotFound is returned for a key that does not exist.
var ErrNotFound = errors.New("object not found")

func translate(err error) error {
	if err == nil {
		return nil
	}
	if code := minio.ToErrorResponse(err).Code; code == "NoSuchKey" || code == "NoSuchUpload" {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return err
}

// PutFile stores a local file under key.
func (s *Store) PutFile(ctx context.Context, key, path, contentType string) (int64, error) {
	info, err := s.client.FPutObject(ctx, s.bucket, key, path, minio.PutObjectOptions{
		ContentType:  contentType,
		CacheControl: "public, max-age=31536000, immutable",
	})
	if err != nil {
		return 0, err
	}
	return info.Size, nil
}

// GetFile copies the object at key into a local file.
func (s *Store) GetFile(ctx context.Context, key, path string) error {
	return translate(s.client.FGetObject(ctx, s.bucket, key, path, minio.GetObjectOptions{}))
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Size        int64
	ContentType string
	ETag        string
	Modified    time.Time
}

// Stat describes the object at key; ErrNotFound when there is none.
func (s *Store) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ObjectInfo{}, translate(err)
	}
	return ObjectInfo{Size: info.Size, ContentType: info.ContentType, ETag: info.ETag, Modified: info.LastModified}, nil
}

// OpenRange streams bytes [start, end] of key (end -1 means to the end).
func (s *Store) OpenRange(ctx context.Context, key string, start, end int64) (io.ReadCloser, error) {
	opts := minio.GetObjectOptions{}
	if start > 0 || end >= 0 {
		if err := opts.SetRange(start, end); err != nil {
			return nil, err
		}
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, opts)
	if err != nil {
		return nil, translate(err)
	}
	return obj, nil
}

// Head returns up to n bytes from the start of key.
func (s *Store) Head(ctx context.Context, key string, n int64) ([]byte, error) {
	rc, err := s.OpenRange(ctx, key, 0, n-1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, n))
	return b, translate(err)
}

// Remove deletes key; a missing key is not an error.
func (s *Store) Remove(ctx context.Context, key string) error {
	return s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// RemovePrefix deletes every object under prefix and any unfinished
// multipart upload there.
func (s *Store) RemovePrefix(ctx context.Context, prefix string) error {
	objects := s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true})
	for rerr := range s.client.RemoveObjects(ctx, s.bucket, objects, minio.RemoveObjectsOptions{}) {
		if rerr.Err != nil {
			return fmt.Errorf("remove %s: %w", rerr.ObjectName, rerr.Err)
		}
	}
	for up := range s.client.ListIncompleteUploads(ctx, s.bucket, prefix, true) {
		if up.Err != nil {
			return up.Err
		}
		if err := s.client.RemoveIncompleteUpload(ctx, s.bucket, up.Key); err != nil {
			return err
		}
	}
	return nil
}

// Keys lists the keys under prefix, for tests and audits.
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, obj.Err
		}
		keys = append(keys, obj.Key)
	}
	return keys, nil
}

// StartMultipart begins a multipart upload that the client fills with
// presigned part URLs.
func (s *Store) StartMultipart(ctx context.Context, key, contentType string) (string, error) {
	return minio.Core{Client: s.client}.NewMultipartUpload(ctx, s.bucket, key, minio.PutObjectOptions{ContentType: contentType})
}

// PresignPart returns a URL the client PUTs one part of exactly size bytes
// to: the length is signed, so a URL cannot be used to store more.
func (s *Store) PresignPart(ctx context.Context, key, uploadID string, part int, size int64, expiry time.Duration) (string, error) {
	params := url.Values{"partNumber": {strconv.Itoa(part)}, "uploadId": {uploadID}}
	headers := http.Header{"Content-Length": {strconv.FormatInt(size, 10)}}
	u, err := s.client.PresignHeader(ctx, "PUT", s.bucket, key, expiry, params, headers)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number int
	ETag   string
}

// CompleteMultipart assembles the parts into the object.
func (s *Store) CompleteMultipart(ctx context.Context, key, uploadID string, parts []Part) error {
	cps := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		cps[i] = minio.CompletePart{PartNumber: p.Number, ETag: p.ETag}
	}
	_, err := minio.Core{Client: s.client}.CompleteMultipartUpload(ctx, s.bucket, key, uploadID, cps, minio.PutObjectOptions{})
	return translate(err)
}

// AbortMultipart discards an unfinished upload and its parts.
func (s *Store) AbortMultipart(ctx context.Context, key, uploadID string) error {
	return translate(minio.Core{Client: s.client}.AbortMultipartUpload(ctx, s.bucket, key, uploadID))
}

// IncompleteUpload is a multipart upload that was started and not finished.
type IncompleteUpload struct {
	Key       string
	UploadID  string
	Initiated time.Time
}

// IncompleteUploads lists unfinished multipart uploads under prefix.
func (s *Store) IncompleteUploads(ctx context.Context, prefix string) ([]IncompleteUpload, error) {
	var out []IncompleteUpload
	for up := range s.client.ListIncompleteUploads(ctx, s.bucket, prefix, true) {
		if up.Err != nil {
			return nil, up.Err
		}
		out = append(out, IncompleteUpload{Key: up.Key, UploadID: up.UploadID, Initiated: up.Initiated})
	}
	return out, nil
}

// PresignGet returns a URL that downloads key until expiry, as filename.
// It is signed for the store's endpoint, the host browsers upload media
// parts to (see PresignPart).
func (s *Store) PresignGet(ctx context.Context, key, filename string, expiry time.Duration) (string, error) {
	params := url.Values{"response-content-disposition": {`attachment; filename="` + filename + `"`}}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, expiry, params)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}
