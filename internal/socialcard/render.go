// Package socialcard makes the images that link previews show (Open
// Graph, Twitter cards): a 1200×630 PNG per portfolio and per public
// project, with the name or title, the headline or tagline, the tech
// tags, the poster frame of the first screencast and the theme's
// colours, drawn in pure Go (github.com/fogleman/gg) with the embedded
// DejaVu Sans that the PDF portfolio uses too.
//
// Service (service.go) keeps rendered cards in the object store, keyed
// by the owner's content version; the worker renders them, the pages
// point og:image at them once they exist.
package socialcard

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"
	"sync"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"

	"github.com/foliohq/folio/internal/portfoliopdf/fonts"
)

// Width and Height are a card's size in pixels: what Open Graph and
// Twitter's large summary card display at 1.91:1.
const (
	Width  = 1200
	Height = 630
)

// Card is what one card shows.
type Card struct {
	// Label is the small line above the title: the owner's name on a
	// project's card, "Portfolio" on the portfolio's.
	Label string
	// Title is the owner's name or the project's title; Fallback (a
	// handle or slug) replaces it when the font cannot draw most of it.
	Title, Fallback string
	// Subtitle is the headline or tagline ("": none).
	Subtitle string
	Tags     []string
	// Footer names the page, host and path ("folio.example/jane").
	Footer string
	// Poster is the screencast's poster frame; nil: the initials on the
	// accent colour instead.
	Poster  image.Image
	Palette Palette
}

// Bounds of what a card shows: the rest is left out.
const (
	maxTags     = 8
	maxTagRunes = 24
)

var (
	fontOnce sync.Once
	ttf      *truetype.Font
	fontErr  error
)

// parsedFont parses the embedded font once; faces made from it are
// per-render, as a face's glyph cache is not safe for concurrent use.
func parsedFont() (*truetype.Font, error) {
	fontOnce.Do(func() { ttf, fontErr = truetype.Parse(fonts.DejaVuSans) })
	return ttf, fontErr
}

// Layout, in pixels.
const (
	margin     = 72.0
	textWidth  = 500.0
	posterX    = 612
	posterW    = 528
	posterH    = 298 // about 16:9, even so the frame centres on whole pixels
	posterY    = (Height - posterH) / 2
	radius     = 18.0
	accentBarW = 14.0
)

// Render draws c and writes it to w as a PNG of Width×Height. Text is
// wrapped and cut with an ellipsis; it never fails on any text.
func Render(w io.Writer, c Card) error {
	f, err := parsedFont()
	if err != nil {
		return fmt.Errorf("socialcard: font: %w", err)
	}
	face := func(size float64) font.Face {
		return truetype.NewFace(f, &truetype.Options{Size: size, Hinting: font.HintingFull})
	}
	p := c.Palette
	dc := gg.NewContext(Width, Height)
	dc.SetColor(p.Background)
	dc.Clear()
	dc.SetColor(p.Accent)
	dc.DrawRectangle(0, 0, accentBarW, Height)
	dc.Fill()

	drawPoster(dc, c, f)

	title := clean(f, c.Title, c.Fallback)
	label := clean(f, c.Label, "")
	subtitle := clean(f, c.Subtitle, "")

	y := 112.0
	if label != "" {
		lf := face(26)
		dc.SetFontFace(lf)
		dc.SetColor(p.Accent)
		dc.DrawString(visual(fitLine(lf, strings.ToUpper(label), textWidth)), margin, y)
		y += 30
	}
	titleSize := 58.0
	titleLines := wrap(face(titleSize), title, textWidth, 2)
	if len(titleLines) == 2 {
		titleSize = 50 // two lines read better a little smaller
		titleLines = wrap(face(titleSize), title, textWidth, 2)
	}
	dc.SetFontFace(face(titleSize))
	dc.SetColor(p.Text)
	for _, l := range titleLines {
		y += titleSize * 1.2
		boldString(dc, visual(l), margin, y)
	}
	if subtitle != "" {
		y += 18
		sf := face(28)
		dc.SetFontFace(sf)
		dc.SetColor(p.Muted)
		for _, l := range wrap(sf, subtitle, textWidth, 3) {
			y += 28 * 1.35
			dc.DrawString(visual(l), margin, y)
		}
	}
	drawTags(dc, f, p, c.Tags, face(21), max(y+36, 430))
	if c.Footer != "" {
		ff := face(22)
		dc.SetFontFace(ff)
		dc.SetColor(p.Muted)
		dc.DrawString(fitLine(ff, clean(f, c.Footer, ""), textWidth), margin, Height-56)
	}
	bw := bufio.NewWriter(w)
	// Speed over a few percent of size: a card is rendered on every
	// change of its portfolio and read by a handful of crawlers.
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(bw, dc.Image()); err != nil {
		return fmt.Errorf("socialcard: encode: %w", err)
	}
	return bw.Flush()
}

// boldString draws s twice, a pixel apart: a bold face from the one
// embedded font (a second font file would double the binary's share).
func boldString(dc *gg.Context, s string, x, y float64) {
	dc.DrawString(s, x, y)
	dc.DrawString(s, x+1.2, y)
}

// drawPoster puts the poster in a rounded 16:9 frame on the right, cut to
// fill it; without a poster, the title's initials on the accent colour.
func drawPoster(dc *gg.Context, c Card, f *truetype.Font) {
	dc.DrawRoundedRectangle(posterX, posterY, posterW, posterH, radius)
	if c.Poster == nil {
		dc.SetColor(c.Palette.Accent)
		dc.Fill()
		dc.SetFontFace(truetype.NewFace(f, &truetype.Options{Size: 120}))
		dc.SetColor(c.Palette.OnAccent)
		dc.DrawStringAnchored(initials(clean(f, c.Title, c.Fallback)), posterX+posterW/2, posterY+posterH/2, 0.5, 0.35)
		return
	}
	dc.Clip()
	dc.DrawImage(cover(c.Poster, int(posterW), int(posterH)), posterX, int(posterY))
	dc.ResetClip()
	dc.SetColor(c.Palette.Muted)
	dc.SetLineWidth(1)
	dc.DrawRoundedRectangle(posterX, posterY, posterW, posterH, radius)
	dc.Stroke()
}

// cover scales src to fill w×h, cutting what overflows on either side.
func cover(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw == 0 || sh == 0 {
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	// The largest part of src with the frame's aspect ratio, centred.
	cw, ch := sw, sw*h/w
	if ch > sh {
		cw, ch = sh*w/h, sh
	}
	crop := image.Rect(b.Min.X+(sw-cw)/2, b.Min.Y+(sh-ch)/2, b.Min.X+(sw-cw)/2+cw, b.Min.Y+(sh-ch)/2+ch)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	return dst
}

// initials are the first letters of the first two words of s.
func initials(s string) string {
	var out []rune
	for _, w := range strings.Fields(s) {
		out = append(out, []rune(w)[0])
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// drawTags lays the tags out as pills from y, in at most two rows; a tag
// that does not fit is left out.
func drawTags(dc *gg.Context, f *truetype.Font, p Palette, tags []string, face font.Face, y float64) {
	const padX, h, gap = 14.0, 38.0, 10.0
	dc.SetFontFace(face)
	x, row := margin, 0
	for i, t := range tags {
		if i == maxTags {
			break
		}
		if t = clean(f, t, ""); t == "" {
			continue
		}
		if rs := []rune(t); len(rs) > maxTagRunes {
			t = string(rs[:maxTagRunes-1]) + ellipsis
		}
		tw, _ := dc.MeasureString(t)
		w := min(tw+2*padX, textWidth)
		if x+w > margin+textWidth {
			if row++; row == 2 {
				return
			}
			x, y = margin, y+h+gap
		}
		dc.DrawRoundedRectangle(x, y, w, h, h/2)
		dc.SetColor(p.Surface)
		dc.Fill()
		dc.SetColor(p.Text)
		dc.DrawStringAnchored(visual(fitLine(face, t, w-2*padX)), x+padX, y+h/2, 0, 0.35)
		x += w + gap
	}
}
