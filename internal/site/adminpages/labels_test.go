package adminpages_test

import (
	"testing"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/site/adminpages"
)

// Every audit kind reads in every language: the log's labels are
// looked up by the kind, which TestGoKeyLiteralsExist cannot see.
func TestAuditKindsHaveLabelsInEveryLanguage(t *testing.T) {
	for _, lang := range i18n.Languages {
		l := i18n.For(lang.Tag)
		for _, k := range audit.Kinds() {
			if key := adminpages.KindPrefix + string(k); l.T(key) == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
		}
	}
	if got := adminpages.KindLabel(i18n.For("de"), audit.PasswordChanged); got != "Passwort geändert" {
		t.Errorf("de password_changed: %q", got)
	}
	if got := adminpages.KindLabel(i18n.For("de"), audit.Kind("from_the_future")); got != "from_the_future" {
		t.Errorf("an unknown kind: %q", got)
	}
}

func TestDeviceLabel(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"en", "Firefox 128 on Linux", "Firefox 128 on Linux"},
		{"de", "Firefox 128 on Linux", "Firefox 128 unter Linux"},
		{"es", "Chrome 130 on Android", "Chrome 130 en Android"},
		{"de", "curl 8", "curl 8"},
		{"de", "", ""},
		{"de", " on Linux", " on Linux"},
	} {
		if got := adminpages.DeviceLabel(i18n.For(c.lang), c.in); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}
