package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/i18n"
)

var (
	// goLiteral is a Go string literal shaped like a message id.
	goLiteral = regexp.MustCompile(`"([a-z0-9_]+)\.([a-z0-9_.-]*)"`)
	// fileName is a literal that names a file ("account.json") instead.
	fileName = regexp.MustCompile(`\.(json|png|jpe?g|webp|svg|css|js|html|xml|txt|toml|ya?ml|pdf|zip|mp4|woff2)$`)
)

// Message ids reach the localizer through Go code in more ways than the
// calls TestUsedKeysExist reads: a page title handed to dashkit.NewBase,
// a heading to an error page, a key in a table. So every string literal
// in the Go source whose first segment is one of the catalog's
// namespaces ("dashc.", "title.", "nav."...) must be a message, or, when
// it ends in a dot, the prefix of some (the test of the package that
// completes it checks each completion).
func TestGoKeyLiteralsExist(t *testing.T) {
	en := i18n.Keys(i18n.Default)
	spaces := map[string]bool{}
	for _, k := range en {
		ns, _, _ := strings.Cut(k, ".")
		spaces[ns] = true
	}
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range goLiteral.FindAllStringSubmatch(string(b), -1) {
			if !spaces[m[1]] || fileName.MatchString(m[0][1:len(m[0])-1]) {
				continue
			}
			checked++
			id := m[1] + "." + m[2]
			if strings.HasSuffix(id, ".") {
				if !slices.ContainsFunc(en, func(k string) bool { return strings.HasPrefix(k, id) }) {
					t.Errorf("%s uses the prefix %q, which no English message has", path, id)
				}
			} else if !slices.Contains(en, id) {
				t.Errorf("%s uses %q, which the English catalog lacks", path, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked %d literals: the pattern is stale", checked)
	}
}
