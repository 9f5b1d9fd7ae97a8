package appearancepages

import (
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/theme"
)

// Each theme's description and each font's label reads in every
// language, and a language other than English says them in its own
// words (the names are looked up by theme and font, which the key tests
// cannot see).
func TestThemesAndFontsInEveryLanguage(t *testing.T) {
	for _, lang := range i18n.Languages {
		l := i18n.For(lang.Tag)
		ts, fs := Themes(l), Fonts(l)
		for i, th := range theme.Themes {
			if key := "dashc.theme." + th.Name; l.T(key) == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
			if lang.Tag != i18n.Default && ts[i].Description == th.Description {
				t.Errorf("%s: %s's description is English", lang.Tag, th.Name)
			}
			if ts[i].Name != th.Name || ts[i].Light != th.Light {
				t.Errorf("%s: the theme %s changed beyond its words", lang.Tag, th.Name)
			}
		}
		for i, f := range theme.Fonts {
			if key := "dashc.font." + f.Name; l.T(key) == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
			if fs[i].Family != f.Family {
				t.Errorf("%s: the font %s changed beyond its label", lang.Tag, f.Name)
			}
		}
		for _, field := range InvalidFields {
			if key := "dashc.appearance.invalid." + field; l.T(key) == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
		}
	}
	if theme.Themes[0].Description == Themes(i18n.For("de"))[0].Description {
		t.Error("Themes changed the shared theme.Themes")
	}
}

// Validate's refusals come out in the reader's language, the size with
// the language's digits.
func TestFieldErrorsTranslated(t *testing.T) {
	a := appearance.Appearance{Theme: "nope", ColorMode: "sepia", Accent: "red", Font: "comic", Language: "en",
		CustomCSS: strings.Repeat("a", appearance.MaxCustomCSS+1)}
	var fe *folio.Error
	err := a.Validate()
	if fe, _ = err.(*folio.Error); fe == nil || len(fe.Fields) != 5 {
		t.Fatalf("Validate: %v", err)
	}
	got := fieldErrors(i18n.For("de"), a, fe.Fields)
	for i, f := range got {
		if f.Field != fe.Fields[i].Field || f.Message == fe.Fields[i].Message || strings.HasPrefix(f.Message, "dashc.") {
			t.Errorf("%s: %q", f.Field, f.Message)
		}
	}
	if want := "Eigenes CSS hat höchstens 20.480 Bytes; dieses hat 20.481 Bytes."; got[4].Message != want {
		t.Errorf("size: %q, want %q", got[4].Message, want)
	}
}
