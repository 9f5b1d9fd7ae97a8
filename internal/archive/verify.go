package archive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/foliohq/folio/internal/folio"
)

// Refused is an archive an import will not take, with the reason the
// owner is shown.
type Refused struct{ Reason string }

func (e *Refused) Error() string { return "archive refused: " + e.Reason }

// Unwrap gives the folio error the edges map to 422.
func (e *Refused) Unwrap() error { return folio.Errorf(folio.EINVALID, "%s", e.Reason) }

func refuse(format string, args ...any) error { return &Refused{Reason: fmt.Sprintf(format, args...)} }

// entryName is every name an archive may hold besides the manifest and
// the document: an original or an API-docs source, by the exporting
// instance's id.
var entryName = regexp.MustCompile(`^(media|apidocs)/[0-9]{1,19}/(original|source)$`)

// Verified is an archive whose every entry matched its manifest.
type Verified struct {
	Manifest Manifest
	Document Document
	files    map[string]*zip.File
}

// Open opens a verified entry.
func (v *Verified) Open(name string) (io.ReadCloser, int64, error) {
	f, ok := v.files[name]
	if !ok {
		return nil, 0, fmt.Errorf("archive: no entry %q", name)
	}
	rc, err := f.Open()
	return rc, int64(f.UncompressedSize64), err
}

// Verify checks a whole archive before anything of it is used: the zip's
// shape within lim (entries, sizes, compression ratio, names), the
// manifest (a Folio archive of a version this instance reads), every
// entry's size and SHA-256 against it, with no entry missing or extra,
// and the document (size, depth, counts, and entries it names). Returns
// a *Refused for an archive that fails, another error for a read that
// fails.
func Verify(zr *zip.Reader, lim Limits) (*Verified, error) {
	if len(zr.File) > lim.MaxEntries {
		return nil, refuse("The archive has %d entries; at most %d are accepted.", len(zr.File), lim.MaxEntries)
	}
	v := &Verified{files: map[string]*zip.File{}}
	var total uint64
	for _, f := range zr.File {
		name := f.Name
		if name != ManifestName && name != DocumentName && !entryName.MatchString(name) {
			if strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || path.Clean(name) != name {
				return nil, refuse("The archive holds an unsafe path (%.80q).", name)
			}
			return nil, refuse("The archive holds %.80q, which no Folio archive has: it is not a Folio account archive.", name)
		}
		if !f.Mode().IsRegular() {
			return nil, refuse("The archive entry %q is not a regular file.", name)
		}
		if _, dup := v.files[name]; dup {
			return nil, refuse("The archive holds %q twice.", name)
		}
		if f.UncompressedSize64 > uint64(lim.MaxEntryBytes) {
			return nil, refuse("The archive entry %q is larger than %d bytes.", name, lim.MaxEntryBytes)
		}
		if f.UncompressedSize64 > 1<<20 && (f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > uint64(lim.MaxRatio)) {
			return nil, refuse("The archive entry %q is compressed beyond a ratio of %d.", name, lim.MaxRatio)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotalBytes) {
			return nil, refuse("The archive is larger than %d bytes uncompressed.", lim.MaxTotalBytes)
		}
		v.files[name] = f
	}
	mf, ok := v.files[ManifestName]
	if !ok {
		return nil, refuse("The archive has no %s: it is not a Folio account archive.", ManifestName)
	}
	raw, err := readJSON(mf, lim)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &v.Manifest); err != nil {
		return nil, refuse("The archive's manifest is not valid: %v.", err)
	}
	if v.Manifest.Format != Format {
		return nil, refuse("The archive is not a Folio account archive (its manifest says %.40q).", v.Manifest.Format)
	}
	if v.Manifest.Version < 1 || v.Manifest.Version > Version {
		return nil, refuse("The archive is of version %d; this instance reads up to version %d.", v.Manifest.Version, Version)
	}
	if id := v.Manifest.ArchiveID; len(id) < 16 || len(id) > 64 || strings.Trim(id, "0123456789abcdef-") != "" {
		return nil, refuse("The archive's id is not valid.")
	}
	if err := v.checkEntries(lim); err != nil {
		return nil, err
	}
	raw, err = readJSON(v.files[DocumentName], lim)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &v.Document); err != nil {
		return nil, refuse("The archive's account document is not valid: %v.", err)
	}
	return v, v.checkDocument(lim)
}

// checkEntries compares every entry with the manifest, byte for byte.
func (v *Verified) checkEntries(lim Limits) error {
	listed := map[string]bool{}
	buf := make([]byte, copyBuffer)
	for _, e := range v.Manifest.Entries {
		if listed[e.Name] || e.Name == ManifestName {
			return refuse("The manifest lists %.80q twice.", e.Name)
		}
		listed[e.Name] = true
		f, ok := v.files[e.Name]
		if !ok {
			return refuse("The archive lacks %.80q, which its manifest lists: it was altered.", e.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return refuse("The archive entry %q cannot be read: %v.", e.Name, err)
		}
		h := sha256.New()
		n, err := io.CopyBuffer(h, io.LimitReader(rc, lim.MaxEntryBytes+1), buf)
		rc.Close()
		if err != nil {
			return refuse("The archive entry %q cannot be read: %v.", e.Name, err)
		}
		if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
			return refuse("The archive entry %q does not match its manifest: the archive was altered or damaged.", e.Name)
		}
	}
	for name := range v.files {
		if name != ManifestName && !listed[name] {
			return refuse("The archive holds %q, which its manifest does not list: it was altered.", name)
		}
	}
	if !listed[DocumentName] {
		return refuse("The archive has no %s.", DocumentName)
	}
	return nil
}

// checkDocument bounds the document and checks what it names.
func (v *Verified) checkDocument(lim Limits) error {
	d := &v.Document
	if len(d.Projects) > lim.MaxProjects {
		return refuse("The archive holds %d projects; at most %d are accepted.", len(d.Projects), lim.MaxProjects)
	}
	media, ids := 0, map[int64]bool{}
	entry := func(e, want string) error {
		if e == "" {
			return nil
		}
		if !strings.HasPrefix(e, want) || v.files[e] == nil {
			return refuse("The account document names %.80q, which the archive does not hold.", e)
		}
		return nil
	}
	if a := d.Profile.Avatar; a != nil {
		if err := entry(a.Entry, mediaDir); err != nil {
			return err
		}
	}
	for _, p := range d.Projects {
		if ids[p.ID] {
			return refuse("The account document lists project %d twice.", p.ID)
		}
		ids[p.ID] = true
		for _, m := range p.Media {
			media++
			if k, ok := folio.ParseMediaKind(m.Kind); !ok || k == folio.MediaAvatar {
				return refuse("The account document has a media item of unknown kind %.20q.", m.Kind)
			}
			if err := entry(m.Entry, mediaDir); err != nil {
				return err
			}
		}
		if p.APIDocs != nil {
			if err := entry(p.APIDocs.Entry, apiDocsDir); err != nil {
				return err
			}
		}
	}
	if media > lim.MaxMedia {
		return refuse("The archive holds %d media items; at most %d are accepted.", media, lim.MaxMedia)
	}
	if len(d.Featured) > 5 {
		return refuse("The account document features %d projects; at most 5 can be.", len(d.Featured))
	}
	return nil
}

// readJSON reads a JSON entry within the size and depth limits.
func readJSON(f *zip.File, lim Limits) ([]byte, error) {
	if f.UncompressedSize64 > uint64(lim.MaxJSONBytes) {
		return nil, refuse("The archive's %s is larger than %d bytes.", f.Name, lim.MaxJSONBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, refuse("The archive's %s cannot be read: %v.", f.Name, err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, lim.MaxJSONBytes+1))
	if err != nil {
		return nil, refuse("The archive's %s cannot be read: %v.", f.Name, err)
	}
	if int64(len(raw)) > lim.MaxJSONBytes {
		return nil, refuse("The archive's %s is larger than %d bytes.", f.Name, lim.MaxJSONBytes)
	}
	if err := checkDepth(raw, lim.MaxJSONDepth); err != nil {
		return nil, refuse("The archive's %s is not valid JSON: %v.", f.Name, err)
	}
	return raw, nil
}

// checkDepth refuses JSON nested deeper than max, before it is decoded.
func checkDepth(raw []byte, max int) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > max {
				return fmt.Errorf("nested deeper than %d levels", max)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}
