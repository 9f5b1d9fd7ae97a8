package repoimport

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAnalyzeGoService(t *testing.T) {
	a, err := Analyze(filepath.Join("testdata", "go-service"), "https://github.com/ada/orders-api.git", "main", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Orders API" {
		t.Errorf("title %q", a.Title)
	}
	// The badge paragraph is skipped; the first sentence fits.
	if a.Tagline != "A small order-management service in Go, with idempotent writes and an outbox. It is the backend of a demo shop." {
		t.Errorf("tagline %q", a.Tagline)
	}
	if a.Homepage != "https://orders.example.com" {
		t.Errorf("demo %q", a.Homepage)
	}
	if a.License != "MIT" {
		t.Errorf("license %q", a.License)
	}
	// Vendored JavaScript and the generated .pb.go outweigh the real code
	// and count for nothing; the shell script is under 2 %.
	if !slices.Equal(a.Tags, []string{"Go"}) {
		t.Errorf("tags %v (languages %v)", a.Tags, a.Languages)
	}
	for _, l := range a.Languages {
		if l.Name == "JavaScript" || (l.Name == "Go" && l.Bytes > 5000) {
			t.Errorf("vendored or generated code counted: %v", a.Languages)
		}
	}
	if a.Spec != "" || !a.Swag {
		t.Errorf("spec %q swag %v, want the swag annotations", a.Spec, a.Swag)
	}
	for _, want := range []string{
		"![Architecture](https://raw.githubusercontent.com/ada/orders-api/main/docs/img/architecture.png \"How it fits\")",
		"[the design notes](https://github.com/ada/orders-api/blob/main/docs/design.md#idempotency)",
		"[CONTRIBUTING](https://github.com/ada/orders-api/blob/main/CONTRIBUTING.md)",
		`<img src="https://raw.githubusercontent.com/ada/orders-api/main/docs/img/screenshot.png" width="600"`,
		"![not rewritten](inside/a/fence.png)",
		"[logo]: https://raw.githubusercontent.com/ada/orders-api/main/docs/img/logo.png",
		"<https://pkg.go.dev/github.com/ada/orders-api>",
		"## Features",
	} {
		if !strings.Contains(a.Description, want) {
			t.Errorf("description lacks %s:\n%s", want, a.Description)
		}
	}
	if strings.Contains(a.Description, "# Orders API") || strings.Contains(a.Description, "badge.svg") || strings.Contains(a.Description, "A small order-management") {
		t.Errorf("the title, badges or tagline are repeated in the description:\n%s", a.Description)
	}
}

func TestAnalyzeTypeScriptAppOnUnknownHost(t *testing.T) {
	a, err := Analyze(filepath.Join("testdata", "ts-app"), "https://git.example.com/ada/kanban.git", "main", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Kanban & Co" || a.Tagline != "A realtime kanban board for small teams, in TypeScript." {
		t.Errorf("title %q tagline %q (from the HTML header)", a.Title, a.Tagline)
	}
	if a.Homepage != "https://kanban.example.dev" || a.License != "Apache-2.0" {
		t.Errorf("homepage %q license %q (from package.json)", a.Homepage, a.License)
	}
	// The minified bundle is generated; TSX counts as TypeScript.
	if !slices.Equal(a.Tags, []string{"TypeScript"}) {
		t.Errorf("tags %v (languages %v)", a.Tags, a.Languages)
	}
	if a.Spec != "docs/openapi.yaml" {
		t.Errorf("spec %q", a.Spec)
	}
	// An unknown host: relative links are unwrapped, never guessed.
	if !strings.Contains(a.Description, "Screenshots live in docs.") || strings.Contains(a.Description, "](docs/") {
		t.Errorf("relative link on an unknown host:\n%s", a.Description)
	}
}

func TestAnalyzePythonLibrary(t *testing.T) {
	a, err := Analyze(filepath.Join("testdata", "py-lib"), "https://codeberg.org/ada/tally", "trunk", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "tally" || a.Tagline != "Count things in streams, fast: a tiny Python library with no dependencies." {
		t.Errorf("title %q tagline %q (setext heading)", a.Title, a.Tagline)
	}
	if strings.Contains(a.Description, "=====") || !strings.HasPrefix(a.Description, "Usage\n-----") {
		t.Errorf("description %q", a.Description)
	}
	if a.Homepage != "https://tally.example.org" || a.License != "ISC" {
		t.Errorf("homepage %q license %q", a.Homepage, a.License)
	}
	if !slices.Equal(a.Tags, []string{"Python"}) {
		t.Errorf("tags %v (languages %v)", a.Tags, a.Languages)
	}
	if !strings.Contains(a.Description, "![diagram](https://codeberg.org/ada/tally/raw/branch/trunk/docs/flow.png)") ||
		!strings.Contains(a.Description, "[changelog](https://codeberg.org/ada/tally/src/branch/trunk/CHANGELOG.md)") {
		t.Errorf("Codeberg links:\n%s", a.Description)
	}
	if a.Spec != "" || a.Swag {
		t.Errorf("no API description expected: %q %v", a.Spec, a.Swag)
	}
}

func TestReadmeRules(t *testing.T) {
	unknown := forge{}
	for _, tc := range []struct{ name, src, want, not string }{
		{"relative image dropped on an unknown host", "# T\n\nTag.\n\nSee ![shot](shot.png) here.", "See  here.", "shot.png"},
		{"link into the parent refused", "# T\n\nTag.\n\n[up](../other/x.md)", "up", "../other"},
		{"absolute kept", "# T\n\nTag.\n\n![x](https://cdn.example.com/x.png)", "![x](https://cdn.example.com/x.png)", ""},
		{"anchor unwrapped", "# T\n\nTag.\n\nSee [usage](#usage).", "See usage.", "#usage"},
	} {
		r := parseReadme([]byte(tc.src), "https://git.example.com/a/b", unknown)
		if !strings.Contains(r.Description, tc.want) || (tc.not != "" && strings.Contains(r.Description, tc.not)) {
			t.Errorf("%s: %q", tc.name, r.Description)
		}
	}
	// Demo rules: a link named so, a bare URL after "Demo:", never the
	// repository itself.
	for src, want := range map[string]string{
		"# T\n\nTag.\n\n[Live demo](https://demo.example.com/)":                "https://demo.example.com/",
		"# T\n\nTag.\n\nDemo: https://d.example.com":                           "https://d.example.com",
		"# T\n\nTag.\n\n[Demo](https://github.com/a/b#demo)":                   "",
		"# T\n\nTag.\n\n[documentation](https://docs.example.com)":             "",
		"# T\n\nTry it: [here](https://try.example.com) or [there](https://x)": "https://try.example.com",
	} {
		if got := parseReadme([]byte(src), "https://github.com/a/b", forgeOf("https://github.com/a/b", "main")).Demo; got != want {
			t.Errorf("%q: demo %q, want %q", src, got, want)
		}
	}
	// A tagline too long for one line is cut at a word.
	long := "# T\n\n" + strings.Repeat("word ", 80)
	if r := parseReadme([]byte(long), "", unknown); len([]rune(r.Tagline)) > maxTagline || !strings.HasSuffix(r.Tagline, "…") {
		t.Errorf("long tagline %q", r.Tagline)
	}
}

func TestReadmeBounds(t *testing.T) {
	dir := t.TempDir()
	big := "# Big\n\nTagline.\n\n" + strings.Repeat("A paragraph of text that goes on.\n\n", 4000)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte(big), 0o600)
	a, err := Analyze(dir, "https://github.com/a/big", "main", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(a.Description)); n > maxDescription+200 || !strings.HasSuffix(a.Description, "[Read the whole README](https://github.com/a/big)") {
		t.Errorf("description of %d runes ends %q", n, a.Description[max(0, len(a.Description)-80):])
	}
	if len(a.Notes) == 0 || a.Title != "Big" {
		t.Errorf("notes %v title %q", a.Notes, a.Title)
	}
	// The file walk stops at its limit and says so.
	for i := range 30 {
		os.WriteFile(filepath.Join(dir, "f"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+".go"), []byte("package x\n"), 0o600)
	}
	a, err = Analyze(dir, "https://github.com/a/big", "main", Limits{Files: 10, HeadBytes: 1024, Tags: 5})
	if err != nil {
		t.Fatal(err)
	}
	if a.Languages[0].Bytes != 10*int64(len("package x\n")) || !strings.Contains(strings.Join(a.Notes, " "), "first 10 files") {
		t.Errorf("walk limit: %v %v", a.Languages, a.Notes)
	}
}

func TestCodeLink(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/ada/orders.git":    "https://github.com/ada/orders",
		"https://gitlab.com/g/sub/r.git/":      "https://gitlab.com/g/sub/r",
		"https://git.example.com/ada/x.git":    "https://git.example.com/ada/x.git",
		"http://127.0.0.1:8080/r.git":          "http://127.0.0.1:8080/r.git",
		"https://codeberg.org/ada/tally?x=1#y": "https://codeberg.org/ada/tally",
	} {
		if got := CodeLink(in); got != want {
			t.Errorf("CodeLink(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLicenseRules(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "LICENSE"), []byte("All rights reserved. Write to me before you use this.\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"license": "see LICENSE file", "homepage": "https://github.com/a/b#readme"}`), 0o600)
	a, err := Analyze(dir, "https://github.com/a/b.git", "main", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	// Not a license text, not an SPDX expression, a homepage that is the
	// repository itself: none is shown.
	if a.License != "" || a.Homepage != "" {
		t.Errorf("license %q homepage %q", a.License, a.Homepage)
	}
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"license": "(MIT OR Apache-2.0)"}`), 0o600)
	os.WriteFile(filepath.Join(dir, "COPYING"), mustRead(t, filepath.Join("testdata", "py-lib", "LICENSE")), 0o600)
	if a, _ := Analyze(dir, "https://github.com/a/b.git", "main", DefaultLimits); a.License != "ISC" {
		t.Errorf("COPYING with the ISC text: %q", a.License)
	}
	os.Remove(filepath.Join(dir, "COPYING"))
	if a, _ := Analyze(dir, "https://github.com/a/b.git", "main", DefaultLimits); a.License != "(MIT OR Apache-2.0)" {
		t.Errorf("license from package.json: %q", a.License)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkAnalyze reads the Go sample (README, languages, license,
// manifests, swag annotations), the license scanner compiled already.
func BenchmarkAnalyze(b *testing.B) {
	dir := filepath.Join("testdata", "go-service")
	if _, err := Analyze(dir, "https://github.com/ada/orders-api", "main", DefaultLimits); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Analyze(dir, "https://github.com/ada/orders-api", "main", DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}

func TestForgeRules(t *testing.T) {
	for _, tc := range []struct{ repo, image, link string }{
		{"https://github.com/o/r.git", "https://raw.githubusercontent.com/o/r/dev/a/b.png", "https://github.com/o/r/blob/dev/docs/x.md"},
		{"https://gitlab.com/g/sub/r", "https://gitlab.com/g/sub/r/-/raw/dev/a/b.png", "https://gitlab.com/g/sub/r/-/blob/dev/docs/x.md"},
		{"https://codeberg.org/o/r", "https://codeberg.org/o/r/raw/branch/dev/a/b.png", "https://codeberg.org/o/r/src/branch/dev/docs/x.md"},
		{"https://bitbucket.org/o/r.git", "https://bitbucket.org/o/r/raw/dev/a/b.png", "https://bitbucket.org/o/r/src/dev/docs/x.md"},
		{"https://github.com/o/r/tree/x", "", ""}, // not a repository's URL: nothing guessed
		{"https://git.example.com/o/r", "", ""},
	} {
		f := forgeOf(tc.repo, "dev")
		if got := f.absolute("./a/b.png?raw=true", true); got != tc.image {
			t.Errorf("%s image: %q, want %q", tc.repo, got, tc.image)
		}
		if got := f.absolute("/docs/x.md", false); got != tc.link {
			t.Errorf("%s link: %q, want %q", tc.repo, got, tc.link)
		}
		if got := f.absolute("../../etc/passwd", false); got != "" {
			t.Errorf("%s: a path out of the repository became %q", tc.repo, got)
		}
	}
}
