package appearancepages

import (
	"regexp"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/theme"
)

// Themes are theme.Themes as the appearance page shows them, each
// description (dashc.theme.<name>) in l's language; the names are the
// themes' own and stay.
func Themes(l *i18n.Localizer) []theme.Theme {
	out := make([]theme.Theme, len(theme.Themes))
	for i, t := range theme.Themes {
		out[i] = t
		out[i].Description = translated(l, "dashc.theme."+t.Name, t.Description)
	}
	return out
}

// Fonts are theme.Fonts with their labels (dashc.font.<name>: the
// family's name and its kind, "serif") in l's language.
func Fonts(l *i18n.Localizer) []theme.Font {
	out := make([]theme.Font, len(theme.Fonts))
	for i, f := range theme.Fonts {
		out[i] = f
		out[i].Label = translated(l, "dashc.font."+f.Name, f.Label)
	}
	return out
}

// fieldErrors are appearance.Validate's refusals in l's language, one
// message per field (dashc.appearance.invalid.<field>); the English one
// for a field the catalogs do not know.
func fieldErrors(l *i18n.Localizer, a appearance.Appearance, fields []folio.FieldError) []folio.FieldError {
	out := make([]folio.FieldError, len(fields))
	for i, f := range fields {
		key := "dashc.appearance.invalid." + f.Field
		if f.Field == "custom_css" && len(a.CustomCSS) > appearance.MaxCustomCSS {
			key = "dashc.appearance.invalid.custom_css_size"
		}
		out[i] = folio.FieldError{Field: f.Field, Message: translated(l, key, f.Message,
			"Max", l.Num(appearance.MaxCustomCSS), "Size", l.Num(len(a.CustomCSS)))}
	}
	return out
}

// InvalidFields are the fields whose refusals the catalogs say, for the
// test that keeps them in every language.
var InvalidFields = []string{"theme", "color_mode", "accent", "font", "custom_css", "custom_css_size", "language"}

// translated is the message key, or fallback when the catalogs lack it.
func translated(l *i18n.Localizer, key, fallback string, args ...any) string {
	if s := l.T(key, args...); s != key {
		return s
	}
	return fallback
}

// removals are appearance.SanitizeCSS's words for what it removed (its
// own, in English), and the message of each; what is code (url(…),
// expression()) reads the same in every language and stays.
var removals = []struct {
	words *regexp.Regexp
	key   string
}{
	{regexp.MustCompile(`^the escaped function (.+)$`), "dashc.css.escaped_function"},
	{regexp.MustCompile(`^the (.+) rule$`), "dashc.css.rule"},
	{regexp.MustCompile(`^the (.+) property$`), "dashc.css.property"},
	{regexp.MustCompile(`^a malformed (.+)$`), "dashc.css.malformed"},
	{regexp.MustCompile(`^a '<'$`), "dashc.css.lt"},
}

// Removed is what SanitizeCSS removed from the custom CSS, in l's
// language.
func Removed(l *i18n.Localizer, dropped []string) []string {
	out := make([]string, len(dropped))
	for i, d := range dropped {
		out[i] = d
		for _, r := range removals {
			if m := r.words.FindStringSubmatch(d); m != nil {
				what := ""
				if len(m) > 1 {
					what = m[1]
				}
				out[i] = l.T(r.key, "What", what)
				break
			}
		}
	}
	return out
}
