package apidocs

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readSpec(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "specs", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSwagger2IsConvertedTo3(t *testing.T) {
	d, err := FromSpec(context.Background(), readSpec(t, "petstore-v2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	_ = json.Unmarshal(d.JSON, &doc)
	if !strings.HasPrefix(doc["openapi"].(string), "3.") || d.Title != "Petstore" || d.Operations != 2 || strings.Join(d.Tags, ",") != "pets" {
		t.Errorf("converted: openapi=%v title=%q ops=%d tags=%v", doc["openapi"], d.Title, d.Operations, d.Tags)
	}
}

func TestOpenAPI31IsReady(t *testing.T) {
	d, err := FromSpec(context.Background(), readSpec(t, "orders-3.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Orders" || d.Version != "2.0.0" || d.Operations != 3 {
		t.Errorf("3.1: %+v", d)
	}
}

func TestInvalidSpecSaysWhy(t *testing.T) {
	_, err := FromSpec(context.Background(), readSpec(t, "invalid-3.0.yaml"))
	if !IsBadInput(err) || !strings.HasPrefix(err.Error(), "the spec is not valid OpenAPI:") || !strings.Contains(err.Error(), "responses") {
		t.Errorf("err = %v", err)
	}
	for _, in := range []string{"not: [valid", `{"info": {}}`, `{"swagger": "1.2"}`} {
		if _, err := FromSpec(context.Background(), []byte(in)); !IsBadInput(err) {
			t.Errorf("%q: err = %v, want a reason", in, err)
		}
	}
}

func TestExternalRefsAreNotFetched(t *testing.T) {
	spec := `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"http://169.254.169.254/latest/meta-data"}}}}}}`
	if _, err := FromSpec(context.Background(), []byte(spec)); !IsBadInput(err) {
		t.Errorf("a remote $ref must be refused, got %v", err)
	}
}

// zipOf writes files (name → content) into a zip; a name ending in "@"
// becomes a symlink to the content.
func zipOf(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: strings.TrimSuffix(name, "@"), Method: zip.Deflate}
		if strings.HasSuffix(name, "@") {
			h.SetMode(os.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "a.zip")
	os.WriteFile(p, buf.Bytes(), 0o600)
	return p
}

func tarGzOf(t *testing.T, headers []*tar.Header, bodies []string) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for i, h := range headers {
		h.Size = int64(len(bodies[i]))
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		tw.WriteHeader(h)
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(bodies[i]))
		}
	}
	tw.Close()
	gz.Close()
	p := filepath.Join(t.TempDir(), "a.tar.gz")
	os.WriteFile(p, buf.Bytes(), 0o600)
	return p
}

func serviceFiles(t *testing.T) map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile("testdata/service/main.go")
	if err != nil {
		t.Fatal(err)
	}
	// The build tag keeps the test service out of this module's build;
	// in the archive it is an ordinary main package.
	out["todo/main.go"] = strings.Replace(string(b), "//go:build ignore\n", "", 1)
	out["todo/go.mod"] = "module example.com/todo\n\ngo 1.22\n"
	return out
}

func TestSwagArchiveIsReady(t *testing.T) {
	for _, kind := range []string{"zip", "tar.gz"} {
		t.Run(kind, func(t *testing.T) {
			work := t.TempDir()
			src := filepath.Join(work, "src")
			var err error
			if kind == "zip" {
				err = ExtractZip(zipOf(t, serviceFiles(t)), src, DefaultLimits)
			} else {
				var hs []*tar.Header
				var bs []string
				for name, body := range serviceFiles(t) {
					hs = append(hs, &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644})
					bs = append(bs, body)
				}
				err = ExtractTarGz(tarGzOf(t, hs, bs), src, DefaultLimits)
			}
			if err != nil {
				t.Fatal(err)
			}
			d, err := FromSource(context.Background(), src, work)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Paths map[string]map[string]any `json:"paths"`
			}
			_ = json.Unmarshal(d.JSON, &doc)
			if d.Title != "Todo API" || d.Version != "1.2.0" || d.Operations != 3 || doc.Paths["/todos/{id}"] == nil || doc.Paths["/todos"]["post"] == nil {
				t.Errorf("generated %q %q with %d operations; paths %v", d.Title, d.Version, d.Operations, doc.Paths)
			}
		})
	}
}

func TestNoAnnotationsSaysWhatToDo(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	if err := ExtractZip(zipOf(t, map[string]string{"main.go": "package main\n\nfunc main() {}\n"}), src, DefaultLimits); err != nil {
		t.Fatal(err)
	}
	_, err := FromSource(context.Background(), src, work)
	if !IsBadInput(err) || !strings.Contains(err.Error(), "add `// @title`") {
		t.Errorf("err = %v", err)
	}
}

func TestHostileArchivesAreRefused(t *testing.T) {
	small := Limits{TotalBytes: 50 << 20, FileBytes: 20 << 20, Files: 5, Ratio: 100}
	zeros := strings.Repeat("\x00", 10<<20)
	cases := []struct {
		name, archive, want string
	}{
		{"zip slip", zipOf(t, map[string]string{"../../evil.txt": "pwned"}), "leaves its folder"},
		{"absolute path", zipOf(t, map[string]string{"/tmp/evil.txt": "pwned"}), "absolute path"},
		{"symlink", zipOf(t, map[string]string{"link@": "/etc/passwd"}), "symbolic link"},
		{"bomb by ratio", zipOf(t, map[string]string{"zeros.bin": zeros}), "zip bomb"},
		{"too many files", zipOf(t, map[string]string{"1": "a", "2": "b", "3": "c", "4": "d", "5": "e", "6": "f"}), "more than 5 files"},
		{"tar symlink", tarGzOf(t, []*tar.Header{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}}, []string{""}), "link"},
		{"tar slip", tarGzOf(t, []*tar.Header{{Name: "../evil.txt", Typeflag: tar.TypeReg, Mode: 0o644}}, []string{"pwned"}), "leaves its folder"},
		{"tar device", tarGzOf(t, []*tar.Header{{Name: "dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}}, []string{""}), "special file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			work := filepath.Join(root, "work")
			dest := filepath.Join(work, "src")
			var err error
			if strings.HasSuffix(c.archive, ".zip") {
				err = ExtractZip(c.archive, dest, small)
			} else {
				err = ExtractTarGz(c.archive, dest, small)
			}
			if !IsBadInput(err) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a reason mentioning %q", err, c.want)
			}
			// Nothing outside the work dir.
			entries, _ := os.ReadDir(root)
			for _, e := range entries {
				if e.Name() != "work" {
					t.Errorf("%s was written outside the work dir", e.Name())
				}
			}
			if _, err := os.Stat("/tmp/evil.txt"); err == nil {
				t.Error("/tmp/evil.txt exists")
			}
		})
	}
}
