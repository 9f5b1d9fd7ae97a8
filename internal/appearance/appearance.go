// Package appearance is how an owner's public pages look and which
// language they speak: the theme, colour mode, accent colour, font and
// custom CSS, with their validation and the per-portfolio stylesheet that
// carries the accent and the custom CSS. The themes themselves are
// internal/theme; postgres/appearancestore keeps the settings.
package appearance

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/theme"
)

// MaxCustomCSS is the most bytes of custom CSS a portfolio may have.
const MaxCustomCSS = 20 * 1024

// DefaultLanguage is the public page's language when the owner chose none.
const DefaultLanguage = "en"

// Appearance is one owner's settings. Zero strings mean the defaults:
// Normalize fills them in.
type Appearance struct {
	Theme     string `json:"theme"`
	ColorMode string `json:"color_mode"`
	// Accent is #rrggbb, or "" for the theme's own accent.
	Accent string `json:"accent"`
	// Font is a theme.Fonts name, or "" for the theme's own font.
	Font      string `json:"font"`
	CustomCSS string `json:"custom_css"`
	// Language is the public page's language, a BCP 47 tag.
	Language  string    `json:"language"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Default is the look of a portfolio whose owner changed nothing.
func Default() Appearance {
	return Appearance{Theme: theme.Default, ColorMode: theme.ModeAuto, Language: DefaultLanguage}
}

// Normalize trims and lower-cases what a person may type loosely, and fills
// in defaults for empty fields.
func (a *Appearance) Normalize() {
	a.Theme = strings.ToLower(strings.TrimSpace(a.Theme))
	a.ColorMode = strings.ToLower(strings.TrimSpace(a.ColorMode))
	a.Accent = strings.ToLower(strings.TrimSpace(a.Accent))
	a.Font = strings.ToLower(strings.TrimSpace(a.Font))
	a.Language = strings.TrimSpace(a.Language)
	if a.Theme == "" {
		a.Theme = theme.Default
	}
	if a.ColorMode == "" {
		a.ColorMode = theme.ModeAuto
	}
	if a.Language == "" {
		a.Language = DefaultLanguage
	}
}

var (
	accentPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)
	// languagePattern is BCP 47 in outline (language, then subtags of
	// letters and digits); internal/i18n decides which it has catalogs for.
	languagePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$`)
)

// Validate checks a normalized Appearance. Custom CSS is checked for size
// only: SanitizeCSS then removes what it may not do.
func (a Appearance) Validate() error {
	var v folio.Validation
	if _, ok := theme.Lookup(a.Theme); !ok {
		v.Add("theme", "Choose one of the themes: %s.", strings.Join(themeNames(), ", "))
	}
	if !theme.IsMode(a.ColorMode) {
		v.Add("color_mode", "The colour mode is auto, light or dark.")
	}
	if a.Accent != "" && !accentPattern.MatchString(a.Accent) {
		v.Add("accent", "The accent colour is a hex colour like #1d4ed8, or empty for the theme's own.")
	}
	if _, ok := theme.LookupFont(a.Font); a.Font != "" && !ok {
		v.Add("font", "Choose one of the fonts: %s, or none for the theme's own.", strings.Join(fontNames(), ", "))
	}
	if len(a.CustomCSS) > MaxCustomCSS {
		v.Add("custom_css", "Custom CSS is at most 20 KB (20,480 bytes); this is %d bytes.", len(a.CustomCSS))
	} else if !folio.IsText(a.CustomCSS) {
		v.Add("custom_css", "Custom CSS has characters that are not text.")
	}
	if len(a.Language) > 16 || !languagePattern.MatchString(a.Language) {
		v.Add("language", "The language is a language tag like en, de or pt-BR.")
	}
	return v.Err()
}

func themeNames() []string {
	out := make([]string, len(theme.Themes))
	for i, t := range theme.Themes {
		out[i] = t.Name
	}
	return out
}

func fontNames() []string {
	out := make([]string, len(theme.Fonts))
	for i, f := range theme.Fonts {
		out[i] = f.Name
	}
	return out
}

// Store keeps owners' appearances.
type Store interface {
	// Appearance returns the owner's settings, Default() when they never
	// changed any.
	Appearance(ctx context.Context, ownerID int64) (Appearance, error)
	// SaveAppearance validates a, sanitizes its custom CSS and stores it
	// as the owner's, returning what was stored. It returns EINVALID for
	// invalid settings and ENOTFOUND for an unknown owner.
	SaveAppearance(ctx context.Context, ownerID int64, a Appearance) (Appearance, error)
	// StyleOf returns the settings of the public portfolio with handle,
	// for its stylesheet; ENOTFOUND when there is none.
	StyleOf(ctx context.Context, handle string) (Appearance, error)
}
