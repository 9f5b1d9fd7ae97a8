package socialcard

import (
	"bytes"
	"encoding/binary"
	"flag"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"

	"github.com/foliohq/folio/internal/folio"
)

var keep = flag.String("keep", "", "write the rendered cards into this directory, to look at them")

// gradient is a stand-in poster frame: a JPEG, as the media pipeline
// makes them.
func gradient(t testing.TB, w, h int) image.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	out, err := DecodePoster(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderAnyText(t *testing.T) {
	poster := gradient(t, 1280, 720)
	long := strings.Repeat("Supercalifragilisticexpialidocious ", 40)
	cases := map[string]Card{
		"plain": {Label: "Ada Lovelace", Title: "Orders API", Subtitle: "An order service that survives Black Friday.",
			Tags: []string{"Go", "PostgreSQL", "Redis"}, Footer: "folio.example/ada/orders-api", Poster: poster},
		"long":      {Label: long, Title: long, Fallback: "ada", Subtitle: long, Tags: strings.Fields(long), Footer: long, Poster: poster},
		"one word":  {Title: strings.Repeat("W", 500), Fallback: "ada", Subtitle: strings.Repeat("x", 1000)},
		"rtl":       {Title: "שלום עולם API", Subtitle: "مرحبا بالعالم 2026", Tags: []string{"עברית"}, Poster: poster},
		"cjk":       {Label: "Portfolio", Title: "山田太郎", Fallback: "taro", Subtitle: "東京のエンジニア", Tags: []string{"日本語", "Go"}},
		"empty":     {},
		"control":   {Title: "a\x00b\u202e\tc\n\nd", Subtitle: "\uFFFD\uFFFD", Tags: []string{"", " ", "\x07"}},
		"no poster": {Label: "Portfolio", Title: "Grace Hopper", Subtitle: "Compilers", Palette: PaletteFor(folio.Look{Theme: "editorial", ColorMode: "dark", Accent: "#ffcc00"})},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if c.Palette == (Palette{}) {
				c.Palette = DefaultPalette
			}
			var buf bytes.Buffer
			if err := Render(&buf, c); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
				t.Fatalf("card is %v, want %dx%d", b, Width, Height)
			}
			if *keep != "" {
				var out bytes.Buffer
				if err := png.Encode(&out, img); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(*keep+"/"+strings.ReplaceAll(name, " ", "-")+".png", out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func testFace(t *testing.T, size float64) (*truetype.Font, font.Face) {
	t.Helper()
	f, err := parsedFont()
	if err != nil {
		t.Fatal(err)
	}
	return f, truetype.NewFace(f, &truetype.Options{Size: size})
}

func TestWrap(t *testing.T) {
	_, face := testFace(t, 28)
	width := 300.0
	lines := wrap(face, strings.Repeat("lorem ipsum dolor ", 50), width, 3)
	if len(lines) != 3 || !strings.HasSuffix(lines[2], ellipsis) {
		t.Fatalf("lines %q: want three, the last cut with an ellipsis", lines)
	}
	for _, l := range lines {
		if w := float64(font.MeasureString(face, l)) / 64; w > width {
			t.Errorf("line %q is %.0f px wide, over %.0f", l, w, width)
		}
	}
	if got := wrap(face, "short text", width, 3); len(got) != 1 || got[0] != "short text" {
		t.Errorf("short text wrapped to %q", got)
	}
	// A word wider than the line is broken inside.
	if got := wrap(face, strings.Repeat("m", 100), width, 2); len(got) != 2 || utf8.RuneCountInString(got[0]) < 5 {
		t.Errorf("a long word wrapped to %q", got)
	}
}

func TestCleanFallsBack(t *testing.T) {
	f, _ := testFace(t, 20)
	for _, c := range []struct{ in, fallback, want string }{
		{"Ada  Lovelace\n", "ada", "Ada Lovelace"},
		{"山田太郎", "taro", "taro"}, // no CJK glyphs: the handle
		{"Ada 山", "ada", "Ada"},  // most of it drawable: kept
		{"שלום", "x", "שלום"},    // Hebrew is in the font
		{strings.Repeat("é", 1000), "", strings.Repeat("é", maxRunes)},
	} {
		if got := clean(f, c.in, c.fallback); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestVisual(t *testing.T) {
	for in, want := range map[string]string{
		"hello":       "hello",
		"שלום":        "םולש",
		"שלום API v2": "API v2 םולש",
		"API שלום":    "םולש API",
	} {
		if got := visual(in); got != want {
			t.Errorf("visual(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodePosterBounds(t *testing.T) {
	// A PNG header announcing 20000×20000 pixels is refused before any
	// pixel is decoded.
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// IHDR's width and height are bytes 16..23.
	copy(b[16:24], []byte{0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20})
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if _, err := DecodePoster(b); err != errPosterTooLarge {
		t.Errorf("a 20000×20000 poster: %v, want errPosterTooLarge", err)
	}
	if _, err := DecodePoster(make([]byte, MaxPosterBytes+1)); err != errPosterTooLarge {
		t.Errorf("an oversized poster: %v", err)
	}
	if _, err := DecodePoster([]byte("not an image")); err == nil {
		t.Error("garbage decoded")
	}
}
