package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/foliohq/folio/internal/storage"
)

// Object is a stored object that goes into the archive as Entry. When
// ContentTypeOf is set, the object's content type is written there before
// the document is.
type Object struct {
	Entry         string
	Key           string
	ContentTypeOf *string
}

// Rows reads accounts for the archive: an *archivestore.Store.
type Rows interface {
	// Document reads ownerID's account and lists the stored objects the
	// archive carries. ENOTFOUND for an unknown user.
	Document(ctx context.Context, ownerID int64) (*Document, []Object, error)
}

// Objects is the bucket as the archive reads and writes it: a
// *storage.Store.
type Objects interface {
	Stat(ctx context.Context, key string) (storage.ObjectInfo, error)
	OpenRange(ctx context.Context, key string, start, end int64) (io.ReadCloser, error)
}

// copyBuffer is the one buffer an entry is copied through.
const copyBuffer = 256 << 10

// WriteZip writes ownerID's archive to w as a zip: the stored objects
// first (stored as they are: media is compressed already), then the
// document, then the manifest with every entry's SHA-256. It holds one
// object's copy buffer at a time, whatever the account's size, so w may
// be a pipe into the bucket. An object that went missing meanwhile (a
// media item deleted during the export) is left out, and so is its
// mention in the document.
func WriteZip(ctx context.Context, rows Rows, objects Objects, ownerID int64, archiveID, generator string, w io.Writer) error {
	doc, objs, err := rows.Document(ctx, ownerID)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	m := Manifest{Format: Format, Version: Version, ArchiveID: archiveID, CreatedAt: time.Now().UTC(), Generator: generator}
	buf := make([]byte, copyBuffer)
	missing := map[string]bool{}
	for _, o := range objs {
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := objects.Stat(ctx, o.Key)
		if errors.Is(err, storage.ErrNotFound) {
			missing[o.Entry] = true
			continue
		} else if err != nil {
			return fmt.Errorf("archive: stat %s: %w", o.Key, err)
		}
		if o.ContentTypeOf != nil {
			*o.ContentTypeOf = info.ContentType
		}
		rc, err := objects.OpenRange(ctx, o.Key, 0, -1)
		if err != nil {
			return fmt.Errorf("archive: open %s: %w", o.Key, err)
		}
		e, err := writeEntry(zw, o.Entry, zip.Store, info.Modified, rc, buf)
		rc.Close()
		if err != nil {
			return fmt.Errorf("archive: copy %s: %w", o.Key, err)
		}
		m.Entries = append(m.Entries, e)
	}
	forgetMissing(doc, missing)
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode document: %w", err)
	}
	e, err := writeEntry(zw, DocumentName, zip.Deflate, m.CreatedAt, bytes.NewReader(body), buf)
	if err != nil {
		return err
	}
	m.Entries = append(m.Entries, e)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode manifest: %w", err)
	}
	if _, err := writeEntry(zw, ManifestName, zip.Deflate, m.CreatedAt, bytes.NewReader(manifest), buf); err != nil {
		return err
	}
	return zw.Close()
}

func writeEntry(zw *zip.Writer, name string, method uint16, modified time.Time, r io.Reader, buf []byte) (ManifestEntry, error) {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: modified.UTC()})
	if err != nil {
		return ManifestEntry{}, err
	}
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(fw, h), r, buf)
	if err != nil {
		return ManifestEntry{}, err
	}
	return ManifestEntry{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// forgetMissing drops the entries of objects that were not found.
func forgetMissing(doc *Document, missing map[string]bool) {
	if len(missing) == 0 {
		return
	}
	if a := doc.Profile.Avatar; a != nil && missing[a.Entry] {
		a.Entry = ""
	}
	for i := range doc.Projects {
		p := &doc.Projects[i]
		for j := range p.Media {
			if missing[p.Media[j].Entry] {
				p.Media[j].Entry = ""
			}
		}
		if p.APIDocs != nil && missing[p.APIDocs.Entry] {
			p.APIDocs.Entry = ""
		}
	}
}
