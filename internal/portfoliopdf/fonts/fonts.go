// Package fonts holds the fonts that Folio draws documents and images
// with, embedded so that no machine needs them installed: the PDF
// portfolio (internal/portfoliopdf) and the social cards
// (internal/socialcard) share the one copy.
package fonts

import _ "embed"

// DejaVuSans is DejaVu Sans 2.37 (see LICENSE), a TrueType font with
// Latin, Greek, Cyrillic, Hebrew and basic Arabic glyphs, but no CJK.
//
//go:embed DejaVuSans.ttf
var DejaVuSans []byte
