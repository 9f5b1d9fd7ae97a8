package theme

// Font is an embedded font: WOFF2 files in web/static/fonts (latin
// subset, regular and bold), declared in web/static/fonts/fonts.css.
type Font struct {
	Name, Label string
	// Family is the CSS font-family stack, the embedded family first.
	Family string
	// Files are the WOFF2 files under /static/fonts/, the regular weight
	// first; a page preloads the first.
	Files []string
}

// Fonts are the fonts an owner may choose.
var Fonts = []Font{
	{Name: "inter", Label: "Inter (sans-serif)", Family: `"Inter", system-ui, sans-serif`,
		Files: []string{"inter-latin-400-normal.woff2", "inter-latin-700-normal.woff2"}},
	{Name: "source-serif-4", Label: "Source Serif 4 (serif)", Family: `"Source Serif 4", Georgia, serif`,
		Files: []string{"source-serif-4-latin-400-normal.woff2", "source-serif-4-latin-700-normal.woff2"}},
	{Name: "jetbrains-mono", Label: "JetBrains Mono (monospace)", Family: `"JetBrains Mono", ui-monospace, monospace`,
		Files: []string{"jetbrains-mono-latin-400-normal.woff2", "jetbrains-mono-latin-700-normal.woff2"}},
	{Name: "system", Label: "The visitor's system font", Family: `system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`},
}

// LookupFont finds a font by name.
func LookupFont(name string) (Font, bool) {
	for _, f := range Fonts {
		if f.Name == name {
			return f, true
		}
	}
	return Font{}, false
}

// FontOf is the font a page of theme t uses when its owner chose font
// ("": the theme's own).
func FontOf(t Theme, font string) Font {
	if f, ok := LookupFont(font); ok {
		return f
	}
	f, _ := LookupFont(t.Font)
	return f
}
