// Package media knows media files: their real type from their first bytes,
// and how ffmpeg turns an original into web-ready renditions.
package media

import (
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// SniffLen is how many leading bytes Sniff needs to decide.
const SniffLen = 3072

// Sniff returns the content type that the leading bytes of a file show,
// whatever its name or declared type say; "" when unknown.
func Sniff(head []byte) string {
	mt := mimetype.Detect(head)
	for m := mt; m != nil; m = m.Parent() {
		t, _, _ := strings.Cut(m.String(), ";")
		switch t {
		case "video/mp4", "video/webm", "video/quicktime", "video/x-matroska",
			"image/png", "image/jpeg", "image/webp", "image/gif":
			return t
		}
	}
	// Some types are reported under other names: MP4 brands, and Matroska
	// (the library's video/matroska is the type Folio calls
	// video/x-matroska, as browsers and ffprobe do).
	for m := mt; m != nil; m = m.Parent() {
		switch t, _, _ := strings.Cut(m.String(), ";"); t {
		case "video/x-m4v", "video/3gpp", "video/3gpp2", "audio/mp4":
			return "video/mp4"
		case "video/matroska":
			return "video/x-matroska"
		}
	}
	return ""
}
