package theme

import (
	"math"
	"testing"
)

func TestContrast(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"#ffffff", "#000000", 21},
		{"#777777", "#ffffff", 4.48},
		{"#1d4ed8", "#ffffff", 6.70},
		{"#000000", "#000000", 1},
	} {
		got := Contrast(mustHex(tt.a), mustHex(tt.b))
		if math.Abs(got-tt.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFitAccent(t *testing.T) {
	studio := Of("studio")
	for _, tt := range []struct {
		accent   string
		p        Palette
		adjusted bool
	}{
		{"#1d4ed8", studio.Light, false}, // the theme's own passes
		{"#ffff00", studio.Light, true},  // yellow on near-white: darkened
		{"#ff8800", studio.Light, true},
		{"#ffff00", studio.Dark, false}, // yellow on near-black passes
		{"#1d4ed8", studio.Dark, true},  // dark blue on near-black: lightened
		{"#000000", studio.Dark, true},
		{"#ffffff", studio.Light, true},
	} {
		a, err := FitAccent(tt.accent, tt.p)
		if err != nil {
			t.Fatal(err)
		}
		if a.Adjusted != tt.adjusted {
			t.Errorf("FitAccent(%s, bg %s) adjusted = %v, want %v (%+v)", tt.accent, tt.p.Background, a.Adjusted, tt.adjusted, a)
		}
		c, text := mustHex(a.Color), mustHex(a.Text)
		for _, bg := range []string{tt.p.Background, tt.p.Card} {
			if r := Contrast(c, mustHex(bg)); r < MinContrast {
				t.Errorf("FitAccent(%s) = %s: %.2f against %s", tt.accent, a.Color, r, bg)
			}
		}
		if r := Contrast(c, text); r < MinContrast {
			t.Errorf("FitAccent(%s): button text %s on %s is %.2f", tt.accent, a.Text, a.Color, r)
		}
		if !tt.adjusted && a.Color != tt.accent {
			t.Errorf("a passing accent changed: %s -> %s", tt.accent, a.Color)
		}
	}
	if _, err := FitAccent("blue", studio.Light); err == nil {
		t.Error("FitAccent accepted a colour name")
	}
}

// Every theme's own palettes meet AA: text and muted text on both
// backgrounds, and its accent as links and as buttons.
func TestThemePalettesPass(t *testing.T) {
	for _, th := range Themes {
		for mode, p := range map[string]Palette{"light": th.Light, "dark": th.Dark} {
			for _, bg := range []string{p.Background, p.Card} {
				for name, fg := range map[string]string{"text": p.Text, "muted": p.Muted, "accent": p.Accent} {
					if r := Contrast(mustHex(fg), mustHex(bg)); r < MinContrast {
						t.Errorf("%s %s: %s %s on %s is %.2f", th.Name, mode, name, fg, bg, r)
					}
				}
			}
			if r := Contrast(mustHex(p.AccentText), mustHex(p.Accent)); r < MinContrast {
				t.Errorf("%s %s: button text is %.2f", th.Name, mode, r)
			}
			if a, err := FitAccent(p.Accent, p); err != nil || a.Adjusted {
				t.Errorf("%s %s: the theme's own accent is adjusted: %+v %v", th.Name, mode, a, err)
			}
		}
	}
}
