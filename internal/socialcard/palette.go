package socialcard

import (
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Palette is a card's colours: a theme's, with the owner's accent.
type Palette struct {
	Background, Surface, Text, Muted color.Color
	Accent, OnAccent                 color.Color
}

// DefaultPalette is the default theme's light palette.
var DefaultPalette = Palette{
	Background: hex("#ffffff"), Surface: hex("#eef1f6"), Text: hex("#111827"), Muted: hex("#4b5563"),
	Accent: hex("#1d4ed8"), OnAccent: hex("#ffffff"),
}

// PaletteFor is the one place that turns an owner's appearance (theme
// and accent, '#rrggbb' or "" for the theme's own) into card colours. A
// card is always drawn in the light variant: previews sit on the
// reader's feed, whose colour mode the card cannot know.
func PaletteFor(theme, accent string) Palette {
	p := DefaultPalette
	if c, ok := parseHex(accent); ok {
		p.Accent, p.OnAccent = c, onColour(c)
	}
	_ = theme
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

// onColour is white or near black, whichever reads better on c (by the
// WCAG relative luminance, with the threshold where both contrasts meet).
func onColour(c color.RGBA) color.Color {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	if 0.2126*lin(c.R)+0.7152*lin(c.G)+0.0722*lin(c.B) > 0.179 {
		return hex("#111827")
	}
	return hex("#ffffff")
}
