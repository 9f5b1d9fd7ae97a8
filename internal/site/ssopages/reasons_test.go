package ssopages_test

import (
	"testing"

	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/site/ssopages"
)

// Every refusal a sign-in can end with reads in every language (the page
// finds its message by the refusal's code, which the key tests cannot
// see).
func TestRefusalsHaveMessagesInEveryLanguage(t *testing.T) {
	for _, lang := range i18n.Languages {
		l := i18n.For(lang.Tag)
		for _, r := range ssopages.Reasons {
			if key := "dashc.sso.refused." + r; l.T(key, "Provider", "GitHub") == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
		}
	}
}
