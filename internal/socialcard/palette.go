package socialcard

import (
	"image/color"
	"strconv"
	"strings"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/theme"
)

// Palette is a card's colours: a theme's, with the owner's accent.
type Palette struct {
	Background, Surface, Text, Muted color.Color
	Accent, OnAccent                 color.Color
}

// DefaultPalette is the default theme's light palette.
var DefaultPalette = PaletteFor(folio.Look{})

// PaletteFor is the one place that turns an owner's look (theme, colour
// mode, accent) into card colours: the theme's palette (internal/theme),
// dark only when the owner chose dark (with "auto" the reader's mode is
// unknown, and a feed is more often light), and the owner's accent fitted
// to it as the pages fit it.
func PaletteFor(look folio.Look) Palette {
	t := theme.Of(look.Theme)
	tp := t.Light
	if look.ColorMode == theme.ModeDark {
		tp = t.Dark
	}
	p := Palette{Background: hex(tp.Background), Surface: hex(tp.Line), Text: hex(tp.Text), Muted: hex(tp.Muted),
		Accent: hex(tp.Accent), OnAccent: hex(tp.AccentText)}
	if look.Accent != "" {
		if a, err := theme.FitAccent(look.Accent, tp); err == nil {
			p.Accent, p.OnAccent = hex(a.Color), hex(a.Text)
		}
	}
	return p
}

// hex parses a colour known to be valid.
func hex(s string) color.Color {
	c, _ := parseHex(s)
	return c
}

// parseHex parses '#rrggbb'.
func parseHex(s string) (color.RGBA, bool) {
	v, ok := strings.CutPrefix(s, "#")
	if !ok || len(v) != 6 {
		return color.RGBA{}, false
	}
	n, err := strconv.ParseUint(v, 16, 32)
	if err != nil {
		return color.RGBA{}, false
	}
	return color.RGBA{R: uint8(n >> 16), G: uint8(n >> 8), B: uint8(n), A: 0xff}, true
}
