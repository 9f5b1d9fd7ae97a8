package folio_test

import (
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func ptr[T any](v T) *T { return &v }

func TestProjectInputValidate(t *testing.T) {
	tests := []struct {
		name     string
		in       folio.ProjectInput
		creating bool
		want     []string // invalid fields, in order
	}{
		{"minimal create", folio.ProjectInput{Title: ptr("Orders API")}, true, nil},
		{"create without title", folio.ProjectInput{}, true, []string{"title"}},
		{"create with blank title", folio.ProjectInput{Title: ptr("   ")}, true, []string{"title"}},
		{"empty patch", folio.ProjectInput{}, false, nil},
		{"patch to blank title", folio.ProjectInput{Title: ptr("")}, false, []string{"title"}},
		{"title too long", folio.ProjectInput{Title: ptr(strings.Repeat("é", 101))}, true, []string{"title"}},
		{"title of 100 runes", folio.ProjectInput{Title: ptr(strings.Repeat("é", 100))}, true, nil},
		{"title with a control character", folio.ProjectInput{Title: ptr("a\x07b")}, true, []string{"title"}},
		{"description keeps line breaks and tabs", folio.ProjectInput{Description: ptr("# A\n\n\tcode\r\n")}, false, nil},
		{"good slug", folio.ProjectInput{Slug: ptr("orders-api-2")}, false, nil},
		{"slug with capitals", folio.ProjectInput{Slug: ptr("Orders")}, false, []string{"slug"}},
		{"slug with double hyphen", folio.ProjectInput{Slug: ptr("a--b")}, false, []string{"slug"}},
		{"slug with trailing hyphen", folio.ProjectInput{Slug: ptr("a-")}, false, []string{"slug"}},
		{"empty slug", folio.ProjectInput{Slug: ptr("")}, false, []string{"slug"}},
		{"slug too long", folio.ProjectInput{Slug: ptr(strings.Repeat("a", 61))}, false, []string{"slug"}},
		{"tagline too long", folio.ProjectInput{Tagline: ptr(strings.Repeat("x", 161))}, false, []string{"tagline"}},
		{"pitch part too long", folio.ProjectInput{PitchApproach: ptr(strings.Repeat("x", 1001))}, false, []string{"pitch.approach"}},
		{"too many tags", folio.ProjectInput{TechTags: ptr(strings.Fields("a b c d e f g h i j k l m"))}, false, []string{"tech_tags"}},
		{"twelve tags", folio.ProjectInput{TechTags: ptr(strings.Fields("a b c d e f g h i j k l"))}, false, nil},
		{"tag too long", folio.ProjectInput{TechTags: ptr([]string{strings.Repeat("t", 31)})}, false, []string{"tech_tags"}},
		{"https demo", folio.ProjectInput{DemoURL: ptr("https://demo.example.com/x?y=1")}, false, nil},
		{"no demo", folio.ProjectInput{DemoURL: ptr("")}, false, nil},
		{"javascript demo", folio.ProjectInput{DemoURL: ptr("javascript:alert(1)")}, false, []string{"demo_url"}},
		{"relative repository", folio.ProjectInput{RepositoryURL: ptr("/etc/passwd")}, false, []string{"repository_url"}},
		{"repository with credentials", folio.ProjectInput{RepositoryURL: ptr("https://u:p@git.example.com/r")}, false, []string{"repository_url"}},
		{"visibility unlisted", folio.ProjectInput{Visibility: ptr(folio.VisibilityUnlisted)}, false, nil},
		{"unknown visibility", folio.ProjectInput{Visibility: ptr(folio.Visibility("secret"))}, false, []string{"visibility"}},
		{
			"every field wrong, in declaration order",
			folio.ProjectInput{
				Title: ptr(""), Slug: ptr("-"), Tagline: ptr(strings.Repeat("x", 161)), Description: ptr("\x00"),
				PitchProblem: ptr("\x01"), PitchApproach: ptr("\x02"), PitchResult: ptr("\x03"),
				TechTags: ptr([]string{"\x04"}), DemoURL: ptr("ftp://x"), RepositoryURL: ptr("x"), Visibility: ptr(folio.Visibility("x")),
			},
			true,
			[]string{"title", "slug", "tagline", "description", "pitch.problem", "pitch.approach", "pitch.result",
				"tech_tags", "demo_url", "repository_url", "visibility"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(t, tt.in.Validate(tt.creating)); !equal(got, tt.want) {
				t.Errorf("invalid fields %v, want %v", got, tt.want)
			}
		})
	}
}

// The order of field errors is stable: the same input gives the same list
// every time (it once came from ranging over a map).
func TestProjectInputValidateOrderIsStable(t *testing.T) {
	in := folio.ProjectInput{PitchProblem: ptr("\x01"), PitchApproach: ptr("\x02"), PitchResult: ptr("\x03")}
	want := []string{"pitch.problem", "pitch.approach", "pitch.result"}
	for range 50 {
		if got := fields(t, in.Validate(false)); !equal(got, want) {
			t.Fatalf("invalid fields %v, want %v", got, want)
		}
	}
}

func TestProjectInputNormalize(t *testing.T) {
	in := folio.ProjectInput{
		Title:    ptr("  Orders API \n"),
		Slug:     ptr(" orders "),
		TechTags: ptr([]string{" Go ", "go", "", "  ", "Postgre   SQL", "Redis", "REDIS"}),
	}
	in.Normalize()
	if *in.Title != "Orders API" || *in.Slug != "orders" {
		t.Errorf("title %q, slug %q", *in.Title, *in.Slug)
	}
	if want := []string{"Go", "Postgre SQL", "Redis"}; !equal(*in.TechTags, want) {
		t.Errorf("tags %q, want %q", *in.TechTags, want)
	}
}

func TestProjectInputApply(t *testing.T) {
	tests := []struct {
		name     string
		from     folio.Project
		in       folio.ProjectInput
		wantRank int
	}{
		{"a public project keeps its rank", folio.Project{Visibility: folio.VisibilityPublic, FeaturedRank: 2}, folio.ProjectInput{Title: ptr("New")}, 2},
		{"made a draft, it is unfeatured", folio.Project{Visibility: folio.VisibilityPublic, FeaturedRank: 2}, folio.ProjectInput{Visibility: ptr(folio.VisibilityDraft)}, 0},
		{"made unlisted, it is unfeatured", folio.Project{Visibility: folio.VisibilityPublic, FeaturedRank: 1}, folio.ProjectInput{Visibility: ptr(folio.VisibilityUnlisted)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.from
			p.Title = "Old"
			tt.in.Apply(&p)
			if p.FeaturedRank != tt.wantRank {
				t.Errorf("rank %d, want %d", p.FeaturedRank, tt.wantRank)
			}
			if tt.in.Title == nil && p.Title != "Old" {
				t.Errorf("a field not given changed: title %q", p.Title)
			}
			if tt.in.Title != nil && p.Title != *tt.in.Title {
				t.Errorf("title %q, want %q", p.Title, *tt.in.Title)
			}
		})
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Orders API", "orders-api"},
		{"Café Orders API!", "cafe-orders-api"},
		{"  --Hello,   World--  ", "hello-world"},
		{"Ünïcödé", "unicode"},
		{"v2.0 release", "v2-0-release"},
		{"日本語", "project"},
		{"", "project"},
		{"!!!", "project"},
		{strings.Repeat("ab ", 40), strings.TrimSuffix(strings.Repeat("ab-", 20), "-")},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			got := folio.Slugify(tt.title)
			if got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.title, got, tt.want)
			}
			if err := (&folio.ProjectInput{Slug: &got}).Validate(false); err != nil {
				t.Errorf("Slugify(%q) = %q, which is not a valid slug: %v", tt.title, got, err)
			}
		})
	}
}

func TestIsText(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", true},
		{"plain", true},
		{"line\nbreak\ttab", true},
		{"ünïcode 日本", true},
		{"nul\x00inside", false},
		{"bad \xff utf-8", false},
	}
	for _, tt := range tests {
		if got := folio.IsText(tt.s); got != tt.want {
			t.Errorf("IsText(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
