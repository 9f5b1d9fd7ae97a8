package markdown

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestBoundsKeepNormalMarkdown: Markdown that people write renders exactly
// as goldmark's own GitHub Flavored Markdown renders it.
func TestBoundsKeepNormalMarkdown(t *testing.T) {
	src, err := os.ReadFile("testdata/normal.md")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &want); err != nil {
		t.Fatal(err)
	}
	got := string(Render(string(src)))
	if w := policy.Sanitize(want.String()); got != w {
		t.Errorf("Render differs from goldmark with GFM:\ngot  %s\nwant %s", got, w)
	}
	for _, part := range []string{"<table>", "<del>strike</del>", `<a href="https://example.com/docs"`, "<ol>", "<blockquote>"} {
		if !strings.Contains(got, part) {
			t.Errorf("Render lost %s", part)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	for _, tt := range []struct {
		name, src, tag string
		want           int
	}{
		{"quotes within the limit", strings.Repeat(">", MaxNesting) + " deep", "<blockquote>", MaxNesting},
		{"one quote too many", strings.Repeat(">", MaxNesting+1) + " deep", "<blockquote>", MaxNesting},
		{"quotes far beyond", strings.Repeat(">", 20_000), "<blockquote>", MaxNesting},
		{"spaced quotes", strings.Repeat("> ", 5_000), "<blockquote>", MaxNesting},
		{"lists on one line", strings.Repeat("- ", 5_000) + "x", "<ul>", MaxNesting},
		{"ordered lists", strings.Repeat("1. ", 5_000) + "x", "<ol>", MaxNesting},
		{"quotes and lists", strings.Repeat("> - ", 5_000) + "x", "<blockquote>", MaxNesting / 2},
		{"lists by indentation", nestedList(40), "<ul>", MaxNesting},
	} {
		got := string(Render(tt.src))
		if n := strings.Count(got, tt.tag); n != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, n, tt.tag, tt.want)
		}
	}
	// What is too deep stays as text.
	got := string(Render(strings.Repeat(">", MaxNesting+2) + " deep"))
	if !strings.Contains(got, "&gt;&gt; deep") {
		t.Errorf("the quotes past the limit are lost: %s", got)
	}
}

// nestedList is a list nested levels deep by indentation, one item a line.
func nestedList(levels int) string {
	var b strings.Builder
	for i := range levels {
		b.WriteString(strings.Repeat("  ", i) + "- level\n")
	}
	return b.String()
}

// hostile are sources that cost seconds to minutes before the bounds (at
// MaxBytes or less), after the pathological inputs of cmark's test suite.
func hostile() map[string]string {
	fill := func(s string) string { return strings.Repeat(s, MaxBytes/len(s)) }
	return map[string]string{
		"unclosed link destinations": fill("[a]("),
		"unclosed link openers":      fill("[a("),
		"unclosed angle destination": fill("[a](<b"),
		"unclosed titles":            fill("[a](b '\n"),
		"brackets and parens":        fill("[](("),
		"images":                     fill("![a]("),
		"nested brackets":            strings.Repeat("[", MaxBytes/2-1) + "a" + strings.Repeat("]", MaxBytes/2-1),
		"nested quotes":              fill(">"),
		"quotes and lists":           fill("> - "),
		"ordered lists":              fill("1. "),
		"mismatched emphasis":        fill("*a_ "),
		"emphasis multiple of 3":     "a**b" + fill("c* "),
		"strikethrough":              fill("~~a"),
		"table padding":              strings.Repeat("|a", 2500) + "\n" + strings.Repeat("|-", 2500) + "\n" + strings.Repeat("a\n", (MaxBytes-10_000)/2),
	}
}

// TestHostileSourcesRenderQuickly is a hang guard, not a benchmark (see
// FuzzRender): each source took seconds to minutes before the bounds and
// takes milliseconds with them. The output stays proportional too.
func TestHostileSourcesRenderQuickly(t *testing.T) {
	for name, src := range hostile() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got, err := RenderContext(ctx, src)
		cancel()
		if err != nil {
			t.Errorf("%s (%d bytes): %v", name, len(src), err)
			continue
		}
		if len(got) > 30*len(src) {
			t.Errorf("%s: %d bytes of HTML from %d of Markdown", name, len(got), len(src))
		}
	}
}

func TestTableCellsBounded(t *testing.T) {
	// A header of 1000 columns pads each of 9000 one-word lines to 1000
	// cells: 80 MB of HTML from 20 kB, unless refused.
	src := strings.Repeat("|a", 1000) + "\n" + strings.Repeat("|-", 1000) + "\n" + strings.Repeat("a\n", 9000)
	got := string(Render(src))
	if strings.Contains(got, "<table>") || len(got) > 2*len(src) {
		t.Errorf("a table of 9 million cells was made: %d bytes", len(got))
	}
	// Tables of a sensible size are unaffected, up to the budget.
	small := "|a|b|\n|-|-|\n" + strings.Repeat("|1|2|\n", 100) + "\n"
	got = string(Render(strings.Repeat(small, 5)))
	if n := strings.Count(got, "<table>"); n != 5 {
		t.Errorf("%d small tables, want 5", n)
	}
}

func TestLongSourceIsEscaped(t *testing.T) {
	got := string(Render(strings.Repeat("**a** ", MaxBytes/6+1)))
	if strings.Contains(got, "<strong>") || !strings.HasPrefix(got, "<p>**a**") {
		t.Errorf("a source over MaxBytes was formatted: %.80s", got)
	}
}

func TestRenderContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RenderContext(ctx, "**hi**"); !errors.Is(err, context.Canceled) {
		t.Errorf("RenderContext after cancel: %v, want context.Canceled", err)
	}
	got, err := RenderContext(context.Background(), "**hi**")
	if err != nil || !strings.Contains(string(got), "<strong>hi</strong>") {
		t.Errorf("RenderContext = %q, %v", got, err)
	}
}
