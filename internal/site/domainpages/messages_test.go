package domainpages

import (
	"errors"
	"testing"

	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Every refusal customdomain.Normalize gives has its message in the
// catalogs: the page finds it by the refusal's English words, so a
// reworded refusal fails here rather than showing English to a German
// owner.
func TestNormalizeRefusalsTranslated(t *testing.T) {
	de := i18n.For("de")
	for _, in := range []string{"jane", "x.internal", "jane.d", "_x.jane.dev", "folio.example.com", "a..dev"} {
		_, err := customdomain.Normalize(in, "folio.example.com")
		var e *folio.Error
		if !errors.As(err, &e) || len(e.Fields) == 0 {
			t.Fatalf("Normalize(%q) = %v", in, err)
		}
		if _, ok := refusals[e.Fields[0].Message]; !ok {
			t.Errorf("Normalize(%q): %q has no message", in, e.Fields[0].Message)
		}
		if msg := message(de, err, in, false); msg == "The domain "+e.Fields[0].Message+"." {
			t.Errorf("Normalize(%q): the German page says %q", in, msg)
		}
	}
	for _, key := range refusals {
		for _, lang := range i18n.Languages {
			if i18n.For(lang.Tag).T(key) == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
		}
	}
}

// Each reason a check gives reads in every language.
func TestFailureReasonsTranslated(t *testing.T) {
	for _, lang := range i18n.Languages {
		for _, code := range FailureCodes {
			if key := whyPrefix + code; i18n.For(lang.Tag).T(key, "Name", "n", "Value", "v", "Said", "s") == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
		}
	}
	d := &customdomain.Domain{Name: "jane.dev", Token: "t", LastError: "The DNS lookup timed out; try again in a moment."}
	if got := whyUnverified(i18n.For("es"), d); got != "La consulta DNS tardó demasiado; inténtalo de nuevo en un momento." {
		t.Errorf("es timeout: %q", got)
	}
	d.LastError = "A reason from a newer version."
	if got := whyUnverified(i18n.For("de"), d); got != d.LastError {
		t.Errorf("an unknown reason: %q", got)
	}
}
