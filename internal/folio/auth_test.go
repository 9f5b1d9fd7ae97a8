package folio_test

import (
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func TestValidateToken(t *testing.T) {
	tests := []struct {
		name   string
		label  string
		scopes []string
		want   []string
	}{
		{"no scopes", "CI", nil, nil},
		{"known scope", "CI", []string{folio.ScopeTokensWrite}, nil},
		{"no name", " ", nil, []string{"name"}},
		{"name too long", strings.Repeat("n", 101), nil, []string{"name"}},
		{"unknown scope", "CI", []string{"admin"}, []string{"scopes"}},
		{"several unknown scopes give one error", "CI", []string{"admin", "root", folio.ScopeTokensWrite}, []string{"scopes"}},
		{"both wrong", "", []string{"admin"}, []string{"name", "scopes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(t, folio.ValidateToken(tt.label, tt.scopes)); !equal(got, tt.want) {
				t.Errorf("invalid fields %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	if err := folio.ValidatePassword("new_password", "long enough!"); err != nil {
		t.Errorf("good password: %v", err)
	}
	if got := fields(t, folio.ValidatePassword("new_password", "short")); !equal(got, []string{"new_password"}) {
		t.Errorf("short password: fields %v", got)
	}
}

func TestAPITokenHasScope(t *testing.T) {
	tok := folio.APIToken{Scopes: []string{folio.ScopeTokensWrite}}
	if !tok.HasScope(folio.ScopeTokensWrite) || tok.HasScope("other") || (&folio.APIToken{}).HasScope(folio.ScopeTokensWrite) {
		t.Error("HasScope")
	}
}

func TestAPIDocsKeys(t *testing.T) {
	if got := folio.APIDocsSourceKey("k"); got != "apidocs/k/source" {
		t.Errorf("APIDocsSourceKey = %q", got)
	}
	if got := folio.APIDocsDocumentKey("k", 3); got != "apidocs/k/openapi-3.json" {
		t.Errorf("APIDocsDocumentKey = %q", got)
	}
}
