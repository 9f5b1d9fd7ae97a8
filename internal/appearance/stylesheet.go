package appearance

import (
	"strings"

	"github.com/foliohq/folio/internal/theme"
)

// Accents is an accent colour fitted to a theme's light and dark palettes
// (see theme.FitAccent).
type Accents struct{ Light, Dark theme.Accent }

// FitAccents fits a's accent to its theme; ok is false when a has none.
func (a Appearance) FitAccents() (Accents, bool) {
	if a.Accent == "" {
		return Accents{}, false
	}
	t := theme.Of(a.Theme)
	l, err1 := theme.FitAccent(a.Accent, t.Light)
	d, err2 := theme.FitAccent(a.Accent, t.Dark)
	if err1 != nil || err2 != nil {
		return Accents{}, false
	}
	return Accents{Light: l, Dark: d}, true
}

// Stylesheet is the portfolio's own stylesheet: the accent colour, fitted
// to the theme's light and dark palettes, then the custom CSS, sanitized
// again (it was when saved; a sanitizer fix then covers stored CSS too).
// Its rules follow the theme's and match with the same specificity
// (:root plus a mode class), so they win.
func (a Appearance) Stylesheet() string {
	var b strings.Builder
	b.WriteString("/* This portfolio's accent colour and custom CSS. */\n")
	if acc, ok := a.FitAccents(); ok {
		light := "--accent:" + acc.Light.Color + ";--accent-fg:" + acc.Light.Text + ";"
		dark := "--accent:" + acc.Dark.Color + ";--accent-fg:" + acc.Dark.Text + ";"
		b.WriteString(":root.mode-auto,:root.mode-light{" + light + "}\n")
		b.WriteString("@media (prefers-color-scheme: dark){:root.mode-auto{" + dark + "}}\n")
		b.WriteString(":root.mode-dark{" + dark + "}\n")
	}
	if a.CustomCSS != "" {
		css, _ := SanitizeCSS(a.CustomCSS)
		b.WriteString(css)
		b.WriteString("\n")
	}
	return b.String()
}

// HasStylesheet reports whether a page needs the portfolio's stylesheet.
func (a Appearance) HasStylesheet() bool { return a.Accent != "" || a.CustomCSS != "" }
