package archive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

type entry struct {
	name   string
	body   []byte
	method uint16
}

// build zips entries and, unless manifest is false, a manifest of them.
func build(t *testing.T, entries []entry, edit func(*Manifest)) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	m := Manifest{Format: Format, Version: Version, ArchiveID: "0123456789abcdef0123456789abcdef", CreatedAt: time.Now()}
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
		sum := sha256.Sum256(e.body)
		m.Entries = append(m.Entries, ManifestEntry{Name: e.name, Size: int64(len(e.body)), SHA256: hex.EncodeToString(sum[:])})
	}
	if edit != nil {
		edit(&m)
		raw, _ := json.Marshal(m)
		w, _ := zw.Create(ManifestName)
		w.Write(raw)
	}
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func doc(t *testing.T, d Document) []byte {
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyAcceptsAnIntactArchive(t *testing.T) {
	d := Document{Projects: []Project{{ID: 7, Slug: "orders", Title: "Orders", Visibility: "public",
		Media: []Media{{ID: 3, Kind: "screenshot", Entry: "media/3/original"}}}}, Featured: []int64{7}}
	zr := build(t, []entry{{name: "media/3/original", body: []byte("png")}, {name: DocumentName, body: doc(t, d)}}, func(*Manifest) {})
	v, err := Verify(zr, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Document.Projects) != 1 || v.Manifest.ArchiveID == "" {
		t.Fatalf("verified %+v", v)
	}
}

func TestVerifyRefusesWhatIsNotAnIntactFolioArchive(t *testing.T) {
	good := doc(t, Document{Projects: []Project{{ID: 7, Slug: "orders", Title: "Orders", Visibility: "public",
		Media: []Media{{ID: 3, Kind: "screenshot", Entry: "media/3/original"}}}}})
	media := entry{name: "media/3/original", body: []byte("png")}
	document := entry{name: DocumentName, body: good}
	small := DefaultLimits
	small.MaxEntries, small.MaxEntryBytes, small.MaxTotalBytes, small.MaxJSONDepth = 3, 4<<20, 5<<20, 5
	deep := []byte(`{"profile":{},"projects":[],"x":` + strings.Repeat("[", 10) + strings.Repeat("]", 10) + `}`)
	for _, tc := range []struct {
		name, reason string
		zip          func() *zip.Reader
		lim          Limits
	}{
		{"no manifest", "has no manifest.json", func() *zip.Reader { return build(t, []entry{media, document}, nil) }, DefaultLimits},
		{"foreign format", "not a Folio account archive", func() *zip.Reader {
			return build(t, []entry{media, document}, func(m *Manifest) { m.Format = "other" })
		}, DefaultLimits},
		{"newer version", "version 2", func() *zip.Reader {
			return build(t, []entry{media, document}, func(m *Manifest) { m.Version = 2 })
		}, DefaultLimits},
		{"bad archive id", "id is not valid", func() *zip.Reader {
			return build(t, []entry{media, document}, func(m *Manifest) { m.ArchiveID = "../x" })
		}, DefaultLimits},
		{"altered entry", "does not match its manifest", func() *zip.Reader {
			return build(t, []entry{media, document}, func(m *Manifest) { m.Entries[0].SHA256 = strings.Repeat("0", 64) })
		}, DefaultLimits},
		{"entry not in manifest", "does not list", func() *zip.Reader {
			return build(t, []entry{media, document}, func(m *Manifest) { m.Entries = m.Entries[1:] })
		}, DefaultLimits},
		{"manifest entry missing", "lacks", func() *zip.Reader {
			return build(t, []entry{media, document}, func(m *Manifest) {
				m.Entries = append(m.Entries, ManifestEntry{Name: "media/4/original", SHA256: "00"})
			})
		}, DefaultLimits},
		{"path traversal", "unsafe path", func() *zip.Reader {
			return build(t, []entry{{name: "media/../../x", body: []byte("x")}, document}, func(*Manifest) {})
		}, DefaultLimits},
		{"absolute path", "unsafe path", func() *zip.Reader {
			return build(t, []entry{{name: "/etc/passwd", body: []byte("x")}, document}, func(*Manifest) {})
		}, DefaultLimits},
		{"unknown entry", "no Folio archive has", func() *zip.Reader {
			return build(t, []entry{{name: "notes.txt", body: []byte("x")}, document}, func(*Manifest) {})
		}, DefaultLimits},
		{"too many entries", "at most 3", func() *zip.Reader {
			return build(t, []entry{media, {name: "media/4/original"}, {name: "media/5/original"}, document}, func(*Manifest) {})
		}, small},
		{"entry too large", "larger than", func() *zip.Reader {
			return build(t, []entry{{name: "media/3/original", body: bytes.Repeat([]byte{1}, 5<<20)}, document}, func(*Manifest) {})
		}, small},
		{"zip bomb", "ratio", func() *zip.Reader {
			return build(t, []entry{{name: "media/3/original", body: make([]byte, 3<<20), method: zip.Deflate}, document}, func(*Manifest) {})
		}, small},
		{"deep JSON", "nested deeper", func() *zip.Reader {
			return build(t, []entry{media, {name: DocumentName, body: deep}}, func(*Manifest) {})
		}, small},
		{"document names a missing entry", "does not hold", func() *zip.Reader {
			return build(t, []entry{document}, func(*Manifest) {})
		}, DefaultLimits},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.zip(), tc.lim)
			var r *Refused
			if !errors.As(err, &r) || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("Verify = %v, want a refusal saying %q", err, tc.reason)
			}
		})
	}
}

func TestValidateRefusesWhatTheAPIWouldRefuse(t *testing.T) {
	d := &Document{Profile: Profile{DisplayName: "Ada"}, Projects: []Project{{Slug: "Not A Slug", Title: "x", Visibility: "public"}}}
	var r *Refused
	if err := validate(d); !errors.As(err, &r) || !strings.Contains(r.Reason, "slug") {
		t.Fatalf("validate = %v", err)
	}
	d = &Document{Profile: Profile{DisplayName: ""}}
	if err := validate(d); !errors.As(err, &r) || !strings.Contains(r.Reason, "display_name") {
		t.Fatalf("validate = %v", err)
	}
}
