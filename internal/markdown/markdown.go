// Package markdown turns owners' Markdown into HTML that is safe to put on
// a public page: goldmark renders, bluemonday removes anything executable.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	renderer = goldmark.New(goldmark.WithExtensions(extension.GFM))
	// UGCPolicy keeps formatting, links and images and drops scripts,
	// event handlers, styles and javascript: URLs; links get
	// rel="nofollow noopener" and open in a new tab.
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.RequireNoReferrerOnFullyQualifiedLinks(false)
		return p
	}()
)

// Render returns the sanitized HTML of src.
func Render(src string) template.HTML {
	var buf bytes.Buffer
	if err := renderer.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitized just above
}

// Plain returns src as text without markup, cut to max runes, for meta
// descriptions (html/template escapes it again where it is used).
func Plain(src string, max int) string {
	text := html.UnescapeString(bluemonday.StrictPolicy().Sanitize(string(Render(src))))
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) > max {
		return string(runes[:max-1]) + "…"
	}
	return string(runes)
}
