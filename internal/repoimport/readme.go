package repoimport

import (
	"bytes"
	"html/template"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/markdown"
)

// MaxReadmeBytes bounds the README read: the longest source the site
// renders as Markdown. A longer README is cut at a blank line before it.
const MaxReadmeBytes = markdown.MaxBytes

// Lengths the project's fields allow (folio.ProjectInput's limits).
const (
	maxTitle       = 100
	maxTagline     = 160
	maxDescription = folio.MaxMarkdown - 500 // room for the closing lines
)

// readme is what a README says of its project.
type readme struct {
	Title, Tagline, Description string
	Demo                        string // a demo or live link, "" when none
	Truncated                   bool   // the README or its description was cut
}

// readmeNames are the README file names looked for at the root, in order.
var readmeNames = []string{"readme.md", "readme.markdown", "readme.mdown", "readme", "readme.txt"}

// readReadme reads the root README of dir, at most MaxReadmeBytes of it;
// name is "" when there is none.
func readReadme(dir string) (src []byte, name string, truncated bool, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, "", false, err
	}
	byName := map[string]string{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			byName[strings.ToLower(e.Name())] = e.Name()
		}
	}
	for _, want := range readmeNames {
		if name = byName[want]; name != "" {
			break
		}
	}
	if name == "" {
		return nil, "", false, nil
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, "", false, err
	}
	defer f.Close()
	src, err = io.ReadAll(io.LimitReader(f, MaxReadmeBytes+1))
	if err != nil {
		return nil, "", false, err
	}
	if len(src) > MaxReadmeBytes {
		src, truncated = src[:MaxReadmeBytes], true
		if i := bytes.LastIndex(src, []byte("\n\n")); i > 0 {
			src = src[:i]
		}
	}
	if !utf8.Valid(src) {
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	return src, name, truncated, nil
}

// parseReadme reads the title (the first level-1 heading, Markdown or
// HTML), the tagline (the first paragraph with text, badges skipped) and
// the description (the rest, its relative images and links rewritten by
// f's rules) of a README, and a demo link (see findDemo).
func parseReadme(src []byte, repoURL string, f forge) readme {
	doc := markdown.Parse(src)
	var r readme
	descStart := 0
blocks:
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch b := n.(type) {
		case *ast.Heading:
			if b.Level != 1 || r.Title != "" {
				break blocks
			}
			r.Title = clip(inlineText(b, src), maxTitle)
		case *ast.HTMLBlock:
			block := blockSource(b, src)
			if r.Title == "" {
				if m := htmlH1.FindSubmatch(block); m != nil {
					r.Title = clip(htmlText(m[1]), maxTitle)
				}
			}
			for _, m := range htmlPara.FindAllSubmatch(block, 20) {
				if t := htmlText(m[1]); t != "" {
					r.Tagline = tagline(t)
					descStart = blockEnd(b, src)
					break blocks
				}
			}
		case *ast.Paragraph:
			text := markdown.Plain(markdown.Render(string(blockSource(b, src))), 10*maxTagline)
			if text != "" {
				r.Tagline = tagline(text)
				descStart = blockEnd(b, src)
				break blocks
			}
			// Badges only: left out of the description too.
		default:
			break blocks
		}
		descStart = blockEnd(n, src)
	}
	r.Demo = findDemo(doc, src, repoURL)
	desc := strings.TrimSpace(rewriteLinks(string(src[descStart:]), f))
	if utf8.RuneCountInString(desc) > maxDescription {
		cut := string([]rune(desc)[:maxDescription])
		if i := strings.LastIndex(cut, "\n\n"); i > maxDescription/2 {
			cut = cut[:i]
		}
		desc, r.Truncated = cut, true
	}
	if r.Truncated && f.page != "" {
		desc += "\n\n[Read the whole README](" + f.page + ")"
	}
	r.Description = desc
	return r
}

// blockSource is the source of a block, first line to last.
func blockSource(n ast.Node, src []byte) []byte {
	lines := n.Lines()
	if lines.Len() == 0 {
		return nil
	}
	return src[lines.At(0).Start:blockEnd(n, src)]
}

// blockEnd is where a block ends in src: after its last line, and after
// a setext heading's underline.
func blockEnd(n ast.Node, src []byte) int {
	end := 0
	if lines := n.Lines(); lines.Len() > 0 {
		end = lines.At(lines.Len() - 1).Stop
	}
	if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
		end = max(end, h.ClosureLine.Stop)
	}
	if h, ok := n.(*ast.Heading); ok {
		// An ATX heading's line stops before its newline; a setext
		// heading's before the underline, which goes with it.
		if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(src)
		}
		if !isATX(src, h) {
			if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
				end += i + 1
			} else {
				end = len(src)
			}
		}
	}
	return min(end, len(src))
}

func isATX(src []byte, h *ast.Heading) bool {
	if h.Lines().Len() == 0 {
		return true
	}
	start := h.Lines().At(0).Start
	line := src[bytes.LastIndexByte(src[:start], '\n')+1 : start]
	return bytes.Contains(line, []byte("#"))
}

// inlineText is the text of a block's inline content, images left out.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

var (
	htmlH1   = regexp.MustCompile(`(?is)<h1\b[^>]*>(.*?)</h1>`)
	htmlPara = regexp.MustCompile(`(?is)<p\b[^>]*>(.*?)</p>`)
	htmlTag  = regexp.MustCompile(`(?s)<[^>]*>`)
)

// htmlText is the text of an HTML fragment, tags and entities resolved by
// the site's own sanitizer.
func htmlText(fragment []byte) string {
	return markdown.Plain(template.HTML(htmlTag.ReplaceAllString(string(fragment), " ")), 10*maxTagline) //nolint:gosec // only read as text
}

// tagline shortens a paragraph to a tagline: the first sentence when the
// paragraph is too long, cut at a word otherwise.
func tagline(text string) string {
	if utf8.RuneCountInString(text) <= maxTagline {
		return text
	}
	if i := strings.Index(text, ". "); i > 0 && utf8.RuneCountInString(text[:i+1]) <= maxTagline {
		return text[:i+1]
	}
	return clip(text, maxTagline)
}

// clip cuts text to at most n runes at a space, with an ellipsis.
func clip(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

// demoText is a link text, or the text just before a link, that names a
// demo: "Demo", "Live demo", "Live:", "Try it online".
var (
	demoText  = regexp.MustCompile(`(?i)^\s*(?:(?:view|see|open)\s+)?(?:the\s+)?(?:live\s+demo|demo|live|live\s+site|playground|try\s+it(?:\s+(?:out|live|online))?)\s*[!.:]?\s*$`)
	demoLabel = regexp.MustCompile(`(?i)(?:^|[\s*_|(])(?:live\s+demo|demo|live|live\s+site|playground|try\s+it(?:\s+(?:out|live|online))?)\s*[*_]*\s*:\s*[*_]*\s*$`)
)

// findDemo returns the first absolute http(s) link that the README names
// a demo: a link whose text is "Demo", "Live demo", "Live", "Try it…",
// "Playground", or a link or bare URL right after such a word and a colon
// ("Demo: https://…"). Links into the repository itself are not demos.
func findDemo(doc ast.Node, src []byte, repoURL string) string {
	var found string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || found != "" {
			return ast.WalkContinue, nil
		}
		var dest string
		named := false
		switch l := n.(type) {
		case *ast.Link:
			dest = string(l.Destination)
			named = demoText.MatchString(inlineText(l, src))
		case *ast.AutoLink:
			dest = string(l.URL(src))
		default:
			return ast.WalkContinue, nil
		}
		if !named {
			named = demoLabel.MatchString(textBefore(n, src))
		}
		if named && isWebURL(dest) && !sameRepository(dest, repoURL) {
			found = dest
		}
		return ast.WalkSkipChildren, nil
	})
	return found
}

// textBefore is the text of up to three inline siblings before n, back
// to the previous link: "**Live demo:** " before a bare URL.
func textBefore(n ast.Node, src []byte) string {
	var parts []string
	for p := n.PreviousSibling(); p != nil && len(parts) < 3; p = p.PreviousSibling() {
		if _, ok := p.(*ast.Link); ok {
			break
		}
		if _, ok := p.(*ast.AutoLink); ok {
			break
		}
		if t, ok := p.(*ast.Text); ok {
			parts = append([]string{string(t.Segment.Value(src))}, parts...)
		} else {
			parts = append([]string{inlineText(p, src)}, parts...)
		}
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// isWebURL reports whether s is an absolute http(s) URL a project may link.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && len(s) <= 2000
}

var (
	// inlineLink is a Markdown link or image, [text](dest "title"), whose
	// text may hold one level of brackets (a badge image in a link).
	inlineLink = regexp.MustCompile(`(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)(\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)`)
	// refDef is a link reference definition: [label]: dest.
	refDef = regexp.MustCompile(`(?m)^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)(.*)$`)
	// htmlImgSrc and htmlHref are src and href attributes in HTML.
	htmlImgSrc = regexp.MustCompile(`(?is)<img\b[^>]*?\bsrc\s*=\s*("[^"]*"|'[^']*')[^>]*>`)
	htmlHref   = regexp.MustCompile(`(?is)(<a\b[^>]*?\bhref\s*=\s*)("[^"]*"|'[^']*')`)
	fence      = regexp.MustCompile("^ {0,3}(```|~~~)")
)

// rewriteLinks points the relative images and links of a README's
// Markdown at the repository (f's rules), or drops the images and unwraps
// the links when the host is unknown. Fenced code is left alone.
func rewriteLinks(s string, f forge) string {
	var out, chunk strings.Builder
	inFence := ""
	flush := func() {
		out.WriteString(rewriteChunk(chunk.String(), f))
		chunk.Reset()
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		if m := fence.FindStringSubmatch(line); m != nil && (inFence == "" || inFence == m[1]) {
			if inFence == "" {
				flush()
				inFence = m[1]
			} else {
				inFence = ""
			}
			out.WriteString(line)
			continue
		}
		if inFence != "" {
			out.WriteString(line)
		} else {
			chunk.WriteString(line)
		}
	}
	flush()
	return out.String()
}

func rewriteChunk(s string, f forge) string {
	s = inlineLink.ReplaceAllStringFunc(s, func(m string) string { return rewriteInline(m, f) })
	s = refDef.ReplaceAllStringFunc(s, func(m string) string {
		g := refDef.FindStringSubmatch(m)
		dest := strings.Trim(g[2], "<>")
		if !isRelative(dest) {
			return m
		}
		abs := f.absolute(dest, isImagePath(dest))
		if abs == "" {
			return "" // the label stays as text
		}
		return g[1] + abs + g[3]
	})
	s = htmlImgSrc.ReplaceAllStringFunc(s, func(m string) string {
		g := htmlImgSrc.FindStringSubmatch(m)
		dest := strings.Trim(g[1], `"'`)
		if !isRelative(dest) {
			return m
		}
		abs := f.absolute(dest, true)
		if abs == "" {
			return ""
		}
		return strings.Replace(m, g[1], `"`+abs+`"`, 1)
	})
	return htmlHref.ReplaceAllStringFunc(s, func(m string) string {
		g := htmlHref.FindStringSubmatch(m)
		dest := strings.Trim(g[2], `"'`)
		if !isRelative(dest) || strings.HasPrefix(dest, "#") {
			return m
		}
		return g[1] + `"` + f.absolute(dest, false) + `"`
	})
}

func rewriteInline(m string, f forge) string {
	g := inlineLink.FindStringSubmatch(m)
	image, text, dest, title := g[1] == "!", g[2], strings.Trim(g[3], "<>"), g[4]
	if image {
		if !isRelative(dest) {
			return m
		}
		if abs := f.absolute(dest, true); abs != "" {
			return "![" + text + "](" + abs + title + ")"
		}
		return ""
	}
	// The text may hold a badge image with a relative source.
	text = inlineLink.ReplaceAllStringFunc(text, func(m string) string { return rewriteInline(m, f) })
	if !isRelative(dest) {
		return "[" + text + "](" + g[3] + title + ")"
	}
	abs := ""
	if !strings.HasPrefix(dest, "#") {
		abs = f.absolute(dest, isImagePath(dest))
	}
	if abs == "" || strings.TrimSpace(text) == "" {
		return text
	}
	return "[" + text + "](" + abs + title + ")"
}

// absolute is the URL of a file of the repository named by a relative
// reference: its raw bytes for an image, its page otherwise; "" when the
// host's rules are unknown or the reference leaves the repository.
func (f forge) absolute(ref string, image bool) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	p := path.Clean("/" + u.Path)
	if strings.HasPrefix(path.Clean(u.Path), "..") || p == "/" {
		return ""
	}
	prefix := f.blob
	if image {
		prefix = f.raw
	}
	if prefix == "" {
		return ""
	}
	out := prefix + (&url.URL{Path: strings.TrimPrefix(p, "/")}).EscapedPath()
	if !image && u.Fragment != "" {
		out += "#" + url.PathEscape(u.Fragment)
	}
	return out
}

func isRelative(ref string) bool {
	u, err := url.Parse(ref)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(ref, "//") && ref != ""
}

func isImagePath(ref string) bool {
	u, err := url.Parse(ref)
	if err != nil {
		return false
	}
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif":
		return true
	}
	return false
}
