package repoimport

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-enry/go-enry/v2"

	"github.com/foliohq/folio/internal/apidocs"
)

// Limits bound the reading of a cloned repository. The clone itself is
// bounded by apidocs.CloneLimits (bytes, time) and apidocs.DefaultLimits
// (files).
type Limits struct {
	// Files is how many files the language count walks; the rest are
	// not counted, and the import says so.
	Files int
	// HeadBytes is how much of a file is read to tell its language when
	// its name does not, and whether it is generated.
	HeadBytes int64
	// Tags is how many languages become tech tags, by bytes.
	Tags int
}

// DefaultLimits fit a service's repository.
var DefaultLimits = Limits{Files: 20000, HeadBytes: 16 << 10, Tags: 5}

// Analysis is what a repository says of itself.
type Analysis struct {
	Title, Tagline, Description string
	Languages                   []Language // by bytes, largest first
	Tags                        []string   // the languages that became tech tags
	License                     string     // SPDX identifiers ("MIT", "Apache-2.0 OR MIT"), "" when unknown
	Homepage                    string     // a demo or homepage link, "" when none
	Readme                      string     // the README's file name, "" when none
	Spec                        string     // the OpenAPI/Swagger file, relative, "" when none
	Swag                        bool       // Go source with swag annotations (used when Spec is "")
	Notes                       []string
}

// Analyze reads the repository cloned in dir from repoURL (branch is the
// branch checked out, for the README's links). It reads files only.
func Analyze(dir, repoURL, branch string, limits Limits) (*Analysis, error) {
	a := &Analysis{}
	src, name, truncated, err := readReadme(dir)
	if err != nil {
		return nil, err
	}
	a.Readme = name
	f := forgeOf(repoURL, branch)
	if name != "" {
		r := parseReadme(src, repoURL, f)
		a.Title, a.Tagline, a.Description, a.Homepage = r.Title, r.Tagline, r.Description, r.Demo
		if truncated || r.Truncated {
			a.Notes = append(a.Notes, "The README is long: the description holds its beginning.")
		}
	} else {
		a.Notes = append(a.Notes, "The repository has no README: write the tagline and description yourself.")
	}
	if a.Title == "" {
		a.Title = repoName(repoURL)
	}
	m := readManifests(dir)
	if a.Homepage == "" {
		for _, h := range m.homepages {
			if isWebURL(h) && !sameRepository(h, repoURL) {
				a.Homepage = h
				break
			}
		}
	}
	a.License = detectLicense(dir)
	if a.License == "" {
		a.License = m.license
	}
	langs, walked, err := countLanguages(dir, limits)
	if err != nil {
		return nil, err
	}
	if walked {
		a.Notes = append(a.Notes, fmt.Sprintf("Only the first %d files were counted for languages.", limits.Files))
	}
	a.Languages = langs
	a.Tags = languageTags(langs, limits.Tags)
	if a.Spec = apidocs.FindSpec(dir); a.Spec == "" {
		a.Swag = apidocs.HasAnnotations(dir)
	}
	return a, nil
}

// countLanguages sums the bytes of each programming language's files,
// leaving out vendored, generated, documentation and dot files (GitHub
// linguist's rules, through go-enry). cut reports that the walk stopped
// at limits.Files.
func countLanguages(dir string, limits Limits) (langs []Language, cut bool, err error) {
	bytes := map[string]int64{}
	files := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != dir && (d.Name() == ".git" || enry.IsDotFile(rel) || enry.IsVendor(rel+"/") || enry.IsDocumentation(rel+"/")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || enry.IsVendor(rel) || enry.IsDotFile(rel) || enry.IsDocumentation(rel) || enry.IsImage(rel) {
			return nil
		}
		if files++; files > limits.Files {
			cut = true
			return filepath.SkipAll
		}
		info, err := d.Info()
		if err != nil || info.Size() == 0 {
			return nil
		}
		lang, safe := enry.GetLanguageByFilename(rel)
		if !safe {
			lang, safe = enry.GetLanguageByExtension(rel)
		}
		if lang == "" && !safe {
			return nil // no name linguist knows: not code worth a tag
		}
		head, err := readHead(p, limits.HeadBytes)
		if err != nil {
			return nil
		}
		if enry.IsBinary(head) || enry.IsGenerated(rel, head) {
			return nil
		}
		if !safe {
			lang = enry.GetLanguage(filepath.Base(rel), head)
		}
		if group := enry.GetLanguageGroup(lang); group != "" {
			lang = group // TSX counts as TypeScript
		}
		if enry.GetLanguageType(lang) == enry.Programming || lang == "Vue" || lang == "Svelte" {
			bytes[lang] += info.Size()
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	for name, n := range bytes {
		langs = append(langs, Language{Name: name, Bytes: n})
	}
	sort.Slice(langs, func(i, j int) bool {
		if langs[i].Bytes != langs[j].Bytes {
			return langs[i].Bytes > langs[j].Bytes
		}
		return langs[i].Name < langs[j].Name
	})
	return langs, cut, nil
}

// languageTags are the n largest languages that each make at least 5 % of
// the code: a build script does not make a Go service a Shell project.
func languageTags(langs []Language, n int) []string {
	var total int64
	for _, l := range langs {
		total += l.Bytes
	}
	tags := []string{}
	for _, l := range langs {
		if len(tags) == n || (len(tags) > 0 && l.Bytes*20 < total) {
			break
		}
		tags = append(tags, l.Name)
	}
	return tags
}

func readHead(p string, n int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// readSmall reads a regular file of at most n bytes; nil for anything else.
func readSmall(p string, n int64) []byte {
	info, err := os.Lstat(p)
	if err != nil || !info.Mode().IsRegular() || info.Size() > n {
		return nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	return data
}

// rootFiles lists the regular files at the root of dir whose lower-cased
// names start with one of prefixes, sorted.
func rootFiles(dir string, prefixes ...string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := strings.ToLower(e.Name())
		for _, p := range prefixes {
			if e.Type().IsRegular() && strings.HasPrefix(name, p) {
				out = append(out, e.Name())
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
