// Package markdown turns owners' Markdown into HTML that is safe to put on
// a public page: goldmark renders, bluemonday removes anything executable.
// The work of one render is bounded (see MaxBytes, MaxNesting): any source,
// however hostile, renders in time roughly linear in its length.
package markdown

import (
	"bytes"
	"context"
	"html"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var (
	md = newRenderer()
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
	strict = bluemonday.StrictPolicy()
)

// newRenderer is goldmark with GitHub Flavored Markdown, its parsers for
// quotes, lists, links, emphasis and tables wrapped in the bounds of
// bounds.go. GFM is assembled here rather than taken whole, since an
// extension's parsers cannot be replaced once added.
func newRenderer() goldmark.Markdown {
	blocks := parser.DefaultBlockParsers()
	for i, b := range blocks {
		if b.Value == parser.NewBlockquoteParser() || b.Value == parser.NewListParser() {
			blocks[i].Value = nestingLimit{b.Value.(parser.BlockParser)}
		}
	}
	inlines := parser.DefaultInlineParsers()
	for i, v := range inlines {
		switch v.Value {
		case parser.NewLinkParser():
			inlines[i].Value = inlineBudget{v.Value.(parser.InlineParser), linksKey, maxLinksPerBlock, opensLink}
		case parser.NewEmphasisParser():
			inlines[i].Value = inlineBudget{v.Value.(parser.InlineParser), delimitersKey, maxDelimitersPerBlock, nil}
		}
	}
	inlines = append(inlines, util.Prioritized(inlineBudget{extension.NewStrikethroughParser(), delimitersKey, maxDelimitersPerBlock, nil}, 500))
	return goldmark.New(
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(blocks...),
			parser.WithInlineParsers(inlines...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
			parser.WithParagraphTransformers(util.Prioritized(tableLimit{extension.NewTableParagraphTransformer()}, 200)),
			parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
		)),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(extension.NewTableHTMLRenderer(), 500),
			util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
		)),
		goldmark.WithExtensions(extension.Linkify, extension.TaskList),
	)
}

// Render returns the sanitized HTML of src. A source longer than MaxBytes
// is shown as escaped text.
func Render(src string) template.HTML {
	if len(src) > MaxBytes {
		return escaped(src)
	}
	out, _ := convert(context.Background(), []byte(src))
	return out
}

// Parse returns the syntax tree of src under Render's bounds, for code
// that reads Markdown rather than shows it (a repository's README). The
// caller bounds src itself: Parse reads it whole, whatever its length.
func Parse(src []byte) ast.Node { return md.Parser().Parse(text.NewReader(src)) }

// RenderContext is Render for a caller that waits with a deadline: it
// returns ctx.Err() as soon as ctx ends. goldmark cannot be interrupted,
// so the render in progress goes on in the background until its current
// step (parse, write, sanitize) ends; the bounds keep that step short.
func RenderContext(ctx context.Context, src string) (template.HTML, error) {
	if len(src) > MaxBytes {
		return escaped(src), nil
	}
	type result struct {
		html template.HTML
		err  error
	}
	done := make(chan result, 1)
	go func() {
		h, err := convert(ctx, []byte(src))
		done <- result{h, err}
	}()
	select {
	case r := <-done:
		return r.html, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// convert parses, writes and sanitizes src, giving up between the steps
// when ctx has ended.
func convert(ctx context.Context, src []byte) (template.HTML, error) {
	doc := md.Parser().Parse(text.NewReader(src))
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, src, doc); err != nil {
		return escaped(string(src)), nil
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil //nolint:gosec // sanitized just here
}

func escaped(src string) template.HTML {
	return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>") //nolint:gosec // escaped just here
}

// Plain returns the text of h, HTML that Render returned, without markup,
// cut to max runes, for meta descriptions (html/template escapes it again
// where it is used). Taking the rendered HTML lets a page render its
// Markdown once for both its body and its description.
func Plain(h template.HTML, max int) string {
	text := html.UnescapeString(strict.Sanitize(string(h)))
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) > max {
		return string(runes[:max-1]) + "…"
	}
	return string(runes)
}
