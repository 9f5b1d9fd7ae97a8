package theme_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/theme"
	"github.com/foliohq/folio/web"
)

// The palettes here are the ones the stylesheets set: studio's in app.css,
// the others' in static/themes/{name}.css; the light one on the theme's
// first rule, the dark one on its mode-dark rule.
func TestPalettesMatchStylesheets(t *testing.T) {
	read := func(name string) string {
		b, err := fs.ReadFile(web.Static, name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, th := range theme.Themes {
		css := read("themes/" + th.Name + ".css")
		lightSel, darkSel, src := ":root.theme-"+th.Name+" {", ":root.theme-"+th.Name+".mode-dark {", css
		if th.Name == theme.Default {
			lightSel, darkSel, src = ":root {", ":root.mode-dark {", read("app.css")
		}
		for mode, want := range map[string]struct {
			sel string
			p   theme.Palette
		}{"light": {lightSel, th.Light}, "dark": {darkSel, th.Dark}} {
			i := strings.Index(src, want.sel)
			if mode == "dark" {
				i = strings.LastIndex(src, want.sel) // after app.css's color-scheme rule
			}
			if i < 0 {
				t.Fatalf("%s: no rule %q", th.Name, want.sel)
			}
			rule := src[i : i+strings.Index(src[i:], "}")]
			for prop, v := range map[string]string{"--bg": want.p.Background, "--card": want.p.Card, "--fg": want.p.Text,
				"--muted": want.p.Muted, "--line": want.p.Line, "--accent": want.p.Accent, "--accent-fg": want.p.AccentText} {
				m := regexp.MustCompile(regexp.QuoteMeta(prop) + `:\s*(#[0-9a-f]{6})`).FindStringSubmatch(rule)
				if m == nil || m[1] != v {
					t.Errorf("%s %s: %s is %v in the CSS, %s in Go", th.Name, mode, prop, m, v)
				}
			}
		}
	}
	// Every font file a theme names is embedded.
	for _, f := range theme.Fonts {
		for _, file := range f.Files {
			if _, err := fs.Stat(web.Static, "fonts/"+file); err != nil {
				t.Errorf("font %s: %v", f.Name, err)
			}
		}
	}
}
