package media

import (
	"strings"
	"testing"
)

// ftyp builds an ISO base media file header with the given major brand.
func ftyp(brand string) []byte {
	b := []byte("\x00\x00\x00\x18ftyp" + brand + "\x00\x00\x02\x00" + brand + "mp41")
	return append(b, make([]byte, 16)...)
}

// ebml builds a Matroska/WebM header with the given DocType.
func ebml(docType string) []byte {
	return []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84" + docType + "\x42\x87\x81\x04\x42\x85\x81\x02")
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"), "image/png"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), "image/jpeg"},
		{"gif", []byte("GIF89a\x10\x00\x10\x00\x80\x00\x00"), "image/gif"},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), "image/webp"},
		{"mp4", ftyp("isom"), "video/mp4"},
		{"m4v brand counts as mp4", ftyp("M4V "), "video/mp4"},
		{"3gp brand counts as mp4", ftyp("3gp4"), "video/mp4"},
		{"quicktime", ftyp("qt  "), "video/quicktime"},
		{"webm", ebml("webm"), "video/webm"},
		{"matroska", ebml("matroska"), "video/x-matroska"},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), ""},
		{"svg is not an accepted image", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"html", []byte("<!DOCTYPE html><html><body>hi</body></html>"), ""},
		{"text named .png", []byte(strings.Repeat("just text ", 20)), ""},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), ""},
		{"empty", nil, ""},
		{"truncated png signature", []byte("\x89PN"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.head); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}
