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

// What SanitizeCSS removed reads in the reader's language, each kind of
// removal, with the code it names kept as it is.
func TestRemovedTranslated(t *testing.T) {
	_, dropped := appearance.SanitizeCSS("@import url(x.css);\n@font-face{src:url(https://evil.example/f.woff2)}\n" +
		"a{behavior:url(x.htc)}\nb{color:expression(alert(1))}\nc{background:\\75rl(https://evil.example/p.png)}\nd{content:a<b}\n" +
		"e{background:url(https://evil.example/p.png)}")
	if len(dropped) < 5 {
		t.Fatalf("dropped %q", dropped)
	}
	de := Removed(i18n.For("de"), dropped)
	en := Removed(i18n.For("en"), dropped)
	kinds := 0
	for i, d := range dropped {
		if en[i] != d {
			t.Errorf("English %q became %q", d, en[i])
		}
		if strings.HasPrefix(d, "the ") || strings.HasPrefix(d, "a ") {
			kinds++
			if de[i] == d || strings.HasPrefix(de[i], "dashc.") {
				t.Errorf("German for %q: %q", d, de[i])
			}
		} else if de[i] != d {
			t.Errorf("code %q changed to %q", d, de[i])
		}
	}
	if kinds < 3 {
		t.Errorf("only %d removals in words: %q", kinds, dropped)
	}
}
