// Package device names the browser or program behind a request from its
// User-Agent header, for the sessions list and the audit log: "Firefox 128
// on Linux", "curl 8". Only this summary is ever stored, never the header
// itself and never an IP address; the major version alone is kept, which
// is what a person needs to recognise a device and says less about it.
//
// The parser is the one analytics uses (github.com/medama-io/go-useragent),
// so that the two never disagree about a browser.
package device

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/medama-io/go-useragent"
)

// MaxLen bounds a summary; MaxHeader bounds the header that is parsed (a
// real one is a few hundred bytes, and the parser's cost grows with it).
const (
	MaxLen    = 100
	MaxHeader = 512
)

// parser is built on first use: its tables take a moment and some memory,
// which processes that never describe a device do not pay.
var parser = sync.OnceValue(useragent.NewParser)

// Describe summarises a User-Agent header; "" for an empty one.
func Describe(header string) string {
	header = strings.TrimSpace(header)
	if header == "" {
		return ""
	}
	if len(header) > MaxHeader {
		header = header[:MaxHeader]
	}
	ua := parser().Parse(header)
	name := string(ua.Browser())
	if name == "" {
		// Not a browser: a script or library says "product/version ...".
		product, version, _ := strings.Cut(strings.Fields(header)[0], "/")
		name = product
		if v, _, _ := strings.Cut(version, "."); v != "" {
			name += " " + v
		}
		return bound(name)
	}
	if v := ua.BrowserVersionMajor(); v != "" {
		name += " " + v
	}
	if os := string(ua.OS()); os != "" {
		name += " on " + os
	}
	return bound(name)
}

// bound keeps printable text within MaxLen runes.
func bound(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > MaxLen {
		s = string([]rune(s)[:MaxLen])
	}
	return s
}

type ctxKey struct{}

// NewContext returns ctx carrying a request's User-Agent header, so that
// the services a handler calls can say which device acted without every
// signature growing a parameter.
func NewContext(ctx context.Context, header string) context.Context {
	if len(header) > MaxHeader {
		header = header[:MaxHeader]
	}
	return context.WithValue(ctx, ctxKey{}, header)
}

// FromContext is the header NewContext stored, or "".
func FromContext(ctx context.Context) string {
	h, _ := ctx.Value(ctxKey{}).(string)
	return h
}
