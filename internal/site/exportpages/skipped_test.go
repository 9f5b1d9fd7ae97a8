package exportpages

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/resume"
)

// Every reason an import gives has its message (the ids are built from
// the codes, so the catalog test cannot see them).
func TestSkipReasonsExist(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	for code := range resume.Reasons {
		if !slices.Contains(keys, "dashd.skip."+code) {
			t.Errorf("reason %q has no message dashd.skip.%s", code, code)
		}
		// English reads as the API does.
		if en := resume.Reasons[code]; !strings.Contains(en, "%") && i18n.For("en").T("dashd.skip."+code) != en {
			t.Errorf("English message of %q differs from the API's reason %q", code, en)
		}
	}
}

// The page says why a field was skipped in the reader's language, quoting
// what the reason names.
func TestSkippedInTheReadersLanguage(t *testing.T) {
	skips := []resume.Skip{
		{Field: "work[0].name", Reason: resume.Reasons["work"], Code: "work"},
		{Field: "projects[1]", Reason: `you already have a project named "Orders API"`, Code: "project_exists", Value: "Orders API"},
		{Field: "…", Reason: "and 3 more fields not mapped", Code: "more", Value: "3"},
		{Field: "projects[0].url", Reason: "must be an http or https URL", Code: "invalid", Value: "must be an http or https URL"},
	}
	got := skipped(i18n.For("de"), skips)
	want := []string{
		"Folio hat keinen beruflichen Werdegang; erzählen Sie ihn in Ihrer Bio oder in einem Projekt",
		"Sie haben bereits ein Projekt namens „Orders API“",
		"und 3 weitere Felder, die nicht übernommen wurden",
		"must be an http or https URL",
	}
	for i, w := range want {
		if got[i].Reason != w || got[i].Field != skips[i].Field {
			t.Errorf("skip %d: %s %q, want %s %q", i, got[i].Field, got[i].Reason, skips[i].Field, w)
		}
	}
	if en := skipped(i18n.For("en"), skips[:1]); en[0].Reason != skips[0].Reason {
		t.Errorf("English reason %q, want the API's %q", en[0].Reason, skips[0].Reason)
	}
	if strings.Contains(skips[0].Reason, "Folio hat") {
		t.Error("skipped changed its input")
	}
}

// Every refusal of a file has its message, and the page uses it.
func TestRefusalsExist(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	for _, r := range []string{"too_large", "not_utf8", "not_json", "invalid", "too_many_projects"} {
		if !slices.Contains(keys, "dashd.resume."+r) {
			t.Errorf("refusal %q has no message dashd.resume.%s", r, r)
		}
	}
	_, err := resume.Parse(strings.NewReader(`{"basics": `))
	var ref *resume.Refusal
	if !errors.As(err, &ref) || ref.Reason != "not_json" || ref.Detail == "" {
		t.Fatalf("a cut file: %v", err)
	}
	if got := i18n.For("de").T("dashd.resume."+ref.Reason, "Detail", ref.Detail); !strings.HasPrefix(got, "Die Datei ist kein JSON: ") {
		t.Errorf("German refusal %q", got)
	}
}
