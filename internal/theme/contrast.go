package theme

import (
	"fmt"
	"math"
	"strconv"
)

// MinContrast is WCAG 2's AA contrast ratio for normal text, which links
// and button labels are.
const MinContrast = 4.5

// RGB is a colour in sRGB, 0-255 a channel.
type RGB struct{ R, G, B uint8 }

// ParseHex reads #rrggbb (lower or upper case).
func ParseHex(s string) (RGB, error) {
	if len(s) != 7 || s[0] != '#' {
		return RGB{}, fmt.Errorf("theme: %q is not #rrggbb", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return RGB{}, fmt.Errorf("theme: %q is not #rrggbb", s)
	}
	return RGB{uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

// Hex is the colour as #rrggbb in lower case.
func (c RGB) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func mustHex(s string) RGB {
	c, err := ParseHex(s)
	if err != nil {
		panic(err)
	}
	return c
}

// Luminance is WCAG 2's relative luminance.
func (c RGB) Luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is WCAG 2's contrast ratio of two colours, 1 to 21.
func Contrast(a, b RGB) float64 {
	la, lb := a.Luminance(), b.Luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix moves c toward to by t (0: c, 1: to).
func mix(c, to RGB, t float64) RGB {
	m := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	return RGB{m(c.R, to.R), m(c.G, to.G), m(c.B, to.B)}
}

// Accent is an owner's accent colour fitted to one palette: the colour
// links and buttons use, and the text on its buttons.
type Accent struct {
	Color, Text string // #rrggbb
	// Adjusted says Color is not the colour asked for: that one lacked
	// contrast with the palette's backgrounds, and Color is the nearest
	// shade (toward black on a light palette, white on a dark one) that
	// has it.
	Adjusted bool
	// Contrast is Color's lowest contrast with the palette's backgrounds.
	Contrast float64
}

// passes reports whether accent as link text on p's backgrounds, and as a
// button under its best text colour, meets MinContrast; it returns that
// text colour and the lowest link contrast.
func passes(accent RGB, p Palette) (text RGB, low float64, ok bool) {
	low = math.Min(Contrast(accent, mustHex(p.Background)), Contrast(accent, mustHex(p.Card)))
	white, black := RGB{255, 255, 255}, RGB{0, 0, 0}
	text = white
	if Contrast(accent, black) > Contrast(accent, white) {
		text = black
	}
	return text, low, low >= MinContrast && Contrast(accent, text) >= MinContrast
}

// FitAccent fits the accent colour hex (#rrggbb) to palette p: unchanged
// when it has AA contrast with p's backgrounds, else the nearest shade
// that has (darker on a light palette, lighter on a dark one). Folio
// adjusts rather than refuses: an owner's brand colour then works in both
// modes, and the dashboard says what it became.
func FitAccent(hex string, p Palette) (Accent, error) {
	c, err := ParseHex(hex)
	if err != nil {
		return Accent{}, err
	}
	toward := RGB{0, 0, 0}
	if mustHex(p.Background).Luminance() < 0.2 {
		toward = RGB{255, 255, 255}
	}
	// 1% steps: the first passing shade is the nearest along the way; the
	// end (black or white) always passes against these backgrounds.
	for i := 0; i <= 100; i++ {
		shade := mix(c, toward, float64(i)/100)
		if text, low, ok := passes(shade, p); ok {
			return Accent{Color: shade.Hex(), Text: text.Hex(), Adjusted: i > 0, Contrast: low}, nil
		}
	}
	return Accent{}, fmt.Errorf("theme: no shade of %s has enough contrast", hex)
}
