package socialcard

import (
	"slices"
	"strings"
	"unicode"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
)

// maxRunes bounds any text a card measures: a title or tagline longer
// than a card holds is cut before the wrapping looks at it, so the work
// per card does not grow with the input.
const maxRunes = 300

const ellipsis = "…"

// clean keeps what a card can draw of s: control characters dropped,
// runs of white space made one space, at most maxRunes runes; the runes
// the font has no glyph for (CJK, emoji) are left out. When fewer than
// half of the visible runes remain, the text would read as gibberish, so
// clean answers fallback (a handle or slug, always ASCII) instead.
func clean(f *truetype.Font, s, fallback string) string {
	var b strings.Builder
	visible, kept, n := 0, 0, 0
	space := true // no leading space
	for _, r := range s {
		if n++; n > maxRunes {
			break
		}
		switch {
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case unicode.IsControl(r), r == unicode.ReplacementChar:
			continue
		}
		visible++
		if f.Index(r) == 0 {
			continue
		}
		kept++
		b.WriteRune(r)
		space = false
	}
	if visible > 0 && kept*2 < visible {
		return fallback
	}
	return strings.TrimSpace(b.String())
}

// isRTL reports whether r is written right to left.
func isRTL(r rune) bool {
	return unicode.In(r, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko)
}

// visual puts a line in the order its glyphs are drawn, left to right.
// The font has no shaping, so this is a small stand-in for the Unicode
// bidirectional algorithm: a line with right-to-left letters reads from
// the right, and the runs of other letters and digits inside it keep
// their own order. A line without such letters is returned unchanged.
func visual(line string) string {
	rs := []rune(line)
	if !slices.ContainsFunc(rs, isRTL) {
		return line
	}
	slices.Reverse(rs)
	// Turn the left-to-right runs (letters, digits and what joins them)
	// back around.
	for i := 0; i < len(rs); {
		if isRTL(rs[i]) || unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && !isRTL(rs[j]) {
			j++
		}
		k := j
		for k > i && unicode.IsSpace(rs[k-1]) {
			k-- // trailing spaces stay between the runs
		}
		slices.Reverse(rs[i:k])
		i = j
	}
	return string(rs)
}

// wrap breaks s into at most maxLines lines no wider than width on face,
// at spaces where it can and inside a word too long for a line; text
// left over ends the last line with an ellipsis. Lines are in reading
// (logical) order; visual orders each for drawing.
func wrap(face font.Face, s string, width float64, maxLines int) []string {
	fits := func(t string) bool { return float64(font.MeasureString(face, t))/64 <= width }
	words := strings.Fields(s)
	var lines []string
	line := ""
	for i := 0; i < len(words); i++ {
		w := words[i]
		candidate := w
		if line != "" {
			candidate = line + " " + w
		}
		if fits(candidate) {
			line = candidate
			continue
		}
		if line == "" {
			// A word wider than the line: as much of it as fits.
			head, tail := splitFitting(w, fits)
			line = head
			words[i] = tail
			i--
		} else {
			i-- // the word starts the next line
		}
		lines = append(lines, line)
		line = ""
		if len(lines) == maxLines {
			return withEllipsis(lines, fits)
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// splitFitting cuts w where the widest head that fits ends; the head has
// at least one rune, so wrapping always moves on.
func splitFitting(w string, fits func(string) bool) (string, string) {
	rs := []rune(w)
	n := 1
	for n < len(rs) && fits(string(rs[:n+1])) {
		n++
	}
	return string(rs[:n]), string(rs[n:])
}

// withEllipsis ends the last of lines with an ellipsis, dropping runes
// until it fits: text was left over.
func withEllipsis(lines []string, fits func(string) bool) []string {
	last := []rune(strings.TrimSpace(lines[len(lines)-1]))
	for len(last) > 0 && !fits(string(last)+ellipsis) {
		last = last[:len(last)-1]
	}
	lines[len(lines)-1] = strings.TrimRightFunc(string(last), unicode.IsSpace) + ellipsis
	return lines
}

// fitLine is s on one line of width, ending with an ellipsis when cut.
func fitLine(face font.Face, s string, width float64) string {
	if ls := wrap(face, s, width, 1); len(ls) > 0 {
		return ls[0]
	}
	return ""
}
