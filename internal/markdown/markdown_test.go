package markdown

import (
	"html/template"
	"strings"
	"testing"
)

func TestRenderSanitizes(t *testing.T) {
	for _, tt := range []struct{ in, mustHave, mustNot string }{
		{"**bold**", "<strong>bold</strong>", ""},
		{"<script>alert(1)</script>", "", "<script"},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{`<img src=x onerror="alert(1)">`, "", "onerror"},
		{"<a href=\"https://ok.example\" onclick=\"x()\">ok</a>", "", "onclick"},
		{"[site](https://example.com)", `rel="nofollow`, ""},
		{"<iframe src=https://evil.example></iframe>", "", "<iframe"},
		{"<style>body{display:none}</style>", "", "<style"},
	} {
		got := string(Render(tt.in))
		if tt.mustHave != "" && !strings.Contains(got, tt.mustHave) {
			t.Errorf("Render(%q) = %q, want %q in it", tt.in, got, tt.mustHave)
		}
		if tt.mustNot != "" && strings.Contains(strings.ToLower(got), tt.mustNot) {
			t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, tt.mustNot)
		}
	}
}

func TestPlain(t *testing.T) {
	if got := Plain(Render("# Hi\n\nI **build** services & <b>tools</b>."), 100); got != "Hi I build services & tools." {
		t.Errorf("Plain = %q", got)
	}
	if got := Plain(template.HTML(strings.Repeat("word ", 100)), 20); len([]rune(got)) != 20 || !strings.HasSuffix(got, "…") {
		t.Errorf("Plain truncation = %q", got)
	}
}
