// Package theme is the looks a portfolio can take: named themes, each with
// a light and a dark palette whose colours web/static/themes/*.css sets as
// custom properties, the colour modes, the embedded fonts, and the WCAG 2
// contrast arithmetic that fits an owner's accent colour to a theme.
//
// The CSS files are the design; this package repeats their colours so that
// the server can check an accent against them (and social cards can use
// them). A test keeps the two in step.
package theme

// Default is the theme of a portfolio whose owner chose none.
const Default = "studio"

// Colour modes: auto follows the visitor's prefers-color-scheme.
const (
	ModeAuto  = "auto"
	ModeLight = "light"
	ModeDark  = "dark"
)

// Modes lists the colour modes, the default first.
var Modes = []string{ModeAuto, ModeLight, ModeDark}

// Palette is one colour scheme of a theme, as #rrggbb. The names are the
// custom properties' (--bg, --fg, ...) in the theme's stylesheet.
type Palette struct {
	Background string // --bg: the page
	Card       string // --card: cards, notes, inputs
	Text       string // --fg
	Muted      string // --muted: secondary text
	Line       string // --line: borders
	// Accent is links, buttons and focus rings; AccentText is the text on
	// an accent button.
	Accent, AccentText string
}

// Theme is one look.
type Theme struct {
	Name, Label, Description string
	Light, Dark              Palette
	// Font is the font name (see Fonts) the theme sets when the owner picks
	// none.
	Font string
	// Hero: the portfolio opens on the first featured project's screencast,
	// large.
	Hero bool
}

// Themes are the themes, the default first.
var Themes = []Theme{
	{
		Name: "studio", Label: "Studio", Font: "inter",
		Description: "Clean and even: a sans-serif, cards in a grid, the work at the centre.",
		Light: Palette{Background: "#fbfbfa", Card: "#ffffff", Text: "#1c1d21", Muted: "#5b5f6a", Line: "#e3e4e8", Accent: "#1d4ed8", AccentText: "#ffffff"},
		Dark:  Palette{Background: "#111214", Card: "#1a1b1f", Text: "#ececef", Muted: "#a3a7b3", Line: "#2c2e34", Accent: "#8ab4ff", AccentText: "#0b1020"},
	},
	{
		Name: "editorial", Label: "Editorial", Font: "source-serif-4",
		Description: "Serif-led and calm: a narrow reading measure, generous space, projects as a list of stories.",
		Light: Palette{Background: "#faf7f2", Card: "#fffdf9", Text: "#23201b", Muted: "#5e574c", Line: "#e4ddd0", Accent: "#9a3412", AccentText: "#ffffff"},
		Dark:  Palette{Background: "#1a1814", Card: "#22201b", Text: "#efe9de", Muted: "#b3aa9a", Line: "#39352d", Accent: "#f0a47a", AccentText: "#1a1814"},
	},
	{
		Name: "spotlight", Label: "Spotlight", Font: "inter", Hero: true,
		Description: "Bold and visual: the first screencast opens the page, large, with high-contrast type.",
		Light: Palette{Background: "#f4f5f7", Card: "#ffffff", Text: "#0c0d10", Muted: "#4f5563", Line: "#d9dce3", Accent: "#6d28d9", AccentText: "#ffffff"},
		Dark:  Palette{Background: "#08090b", Card: "#15171c", Text: "#f5f6f8", Muted: "#a1a8b8", Line: "#272a32", Accent: "#c4b5fd", AccentText: "#120a24"},
	},
}

// Lookup finds a theme by name.
func Lookup(name string) (Theme, bool) {
	for _, t := range Themes {
		if t.Name == name {
			return t, true
		}
	}
	return Theme{}, false
}

// Of is the theme named name, or the default one for an unknown name (a
// theme removed since the owner chose it).
func Of(name string) Theme {
	if t, ok := Lookup(name); ok {
		return t
	}
	return Themes[0]
}

// IsMode reports whether m is a colour mode.
func IsMode(m string) bool { return m == ModeAuto || m == ModeLight || m == ModeDark }
