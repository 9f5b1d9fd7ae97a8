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
	// {{t "key" ...}}, {{th "key"}}, {{tn "key" n}} in templates.
	templateCall = regexp.MustCompile(`\b(?:t|th|tn)\s+"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	// .T("key"), .N("key", n), sitelang.T(c, "key"), Tr(c, "key") in Go.
	goCall = regexp.MustCompile(`(?:\.T|\.N|\bT|\bTr)\((?:c, )?"([a-z0-9_]+\.[a-z0-9_.]+)"`)
)

// Every message the templates and the Go code name exists in English (so,
// by TestCatalogsComplete, everywhere), and the source tree uses the
// helpers at all (else the pattern above went stale).
func TestUsedKeysExist(t *testing.T) {
	en := i18n.Keys(i18n.Default)
	root := filepath.Join("..", "..")
	used := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		var re *regexp.Regexp
		switch ext := filepath.Ext(path); {
		case ext == ".html" || ext == ".tmpl":
			re = templateCall
		case ext == ".go" && !strings.HasSuffix(path, "_test.go"):
			re = goCall
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used++
			if !slices.Contains(en, m[1]) {
				t.Errorf("%s uses %q, which the English catalog lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 100 {
		t.Fatalf("found %d uses of messages: the patterns are stale", used)
	}
}
