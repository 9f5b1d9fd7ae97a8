package storage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
)

// StreamPartSize is the buffer an upload of unknown length holds while it
// is stored: S3's smallest part, so that memory per upload is as small as
// the protocol allows. Callers bound memory by bounding how many uploads
// stream at once: each holds exactly one buffer.
const StreamPartSize = 5 << 20

// partBuffers recycles part buffers between uploads, so that a steady
// stream of uploads reuses the same memory instead of growing the heap.
var partBuffers = sync.Pool{New: func() any { return new([StreamPartSize]byte) }}

// abortTimeout bounds the cleanup of a failed upload, which runs after the
// request's context may already be done.
const abortTimeout = 30 * time.Second

// PutStream stores r under key without knowing its length, holding one
// StreamPartSize buffer at a time. Only a reader that ends with io.EOF is
// stored: any other error (a cut connection, an idle timeout, a size limit)
// discards what was sent, and neither an object nor an unfinished multipart
// upload is left behind. It returns the number of bytes stored.
func (s *Store) PutStream(ctx context.Context, key string, r io.Reader, contentType string) (int64, error) {
	buf := partBuffers.Get().(*[StreamPartSize]byte)
	defer partBuffers.Put(buf)
	core := minio.Core{Client: s.client}
	opts := minio.PutObjectOptions{ContentType: contentType}

	n, eof, err := readPart(r, buf[:])
	if err != nil {
		return 0, err
	}
	if eof {
		// Small enough for one PUT: no multipart upload to clean up.
		info, err := core.PutObject(ctx, s.bucket, key, bytes.NewReader(buf[:n]), int64(n), "", "", opts)
		if err != nil {
			return 0, err
		}
		return info.Size, nil
	}
	uploadID, err := core.NewMultipartUpload(ctx, s.bucket, key, opts)
	if err != nil {
		return 0, err
	}
	size, err := s.putParts(ctx, core, key, uploadID, r, buf[:], n, opts)
	if err != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		if aerr := core.AbortMultipartUpload(actx, s.bucket, key, uploadID); aerr != nil {
			return 0, fmt.Errorf("%w (and abort multipart upload: %v)", err, aerr)
		}
		return 0, err
	}
	return size, nil
}

// putParts uploads buf[:n] as the first part, then the rest of r part by
// part, and completes the multipart upload once r has ended cleanly.
func (s *Store) putParts(ctx context.Context, core minio.Core, key, uploadID string, r io.Reader, buf []byte, n int, opts minio.PutObjectOptions) (int64, error) {
	var parts []minio.CompletePart
	var size int64
	for number, eof := 1, false; n > 0; number++ {
		part, err := core.PutObjectPart(ctx, s.bucket, key, uploadID, number, bytes.NewReader(buf[:n]), int64(n), minio.PutObjectPartOptions{})
		if err != nil {
			return 0, err
		}
		parts = append(parts, minio.CompletePart{PartNumber: number, ETag: part.ETag})
		size += int64(n)
		if eof {
			break
		}
		if n, eof, err = readPart(r, buf); err != nil {
			return 0, err
		}
	}
	if _, err := core.CompleteMultipartUpload(ctx, s.bucket, key, uploadID, parts, opts); err != nil {
		return 0, err
	}
	return size, nil
}

// readPart fills buf from r. eof reports that r ended cleanly (io.EOF) after
// the n bytes returned; any other error, io.ErrUnexpectedEOF among them,
// means the stream broke and must not be stored.
func readPart(r io.Reader, buf []byte) (n int, eof bool, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}
