package i18n_test

import (
	"slices"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/i18n"
)

// Every catalog has every key English has, with the same plural-ness, and
// no key English lacks (a stale one).
func TestCatalogsComplete(t *testing.T) {
	en := i18n.Keys(i18n.Default)
	if len(en) < 100 {
		t.Fatalf("the English catalog has %d keys", len(en))
	}
	for _, l := range i18n.Languages[1:] {
		keys := i18n.Keys(l.Tag)
		for _, k := range en {
			if !slices.Contains(keys, k) {
				t.Errorf("%s misses %q", l.Tag, k)
				continue
			}
			if (i18n.PluralForms(i18n.Default, k) == nil) != (i18n.PluralForms(l.Tag, k) == nil) {
				t.Errorf("%s: %q is plural in one catalog only", l.Tag, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(en, k) {
				t.Errorf("%s has %q, which English lacks", l.Tag, k)
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	for header, want := range map[string]string{
		"":                           "en",
		"de-DE,de;q=0.9,en;q=0.8":    "de",
		"es-MX":                      "es",
		"fr-FR,es;q=0.5,en;q=0.4":    "es",
		"fr-FR,ja;q=0.5":             "en",
		"en-GB;q=0.2,de;q=0.9":       "de",
		"not a header;;;q=x":         "en",
		"*":                          "en",
		"de-AT":                      "de",
		"es-419,es;q=0.9":            "es",
		"zz-ZZ,de-CH;q=0.1,fr;q=0.9": "de",
		"EN-us":                      "en",
	} {
		if got := i18n.Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestDatesAndNumbers(t *testing.T) {
	day := time.Date(2026, time.March, 6, 14, 5, 0, 0, time.UTC)
	for _, c := range []struct{ lang, style, want string }{
		{"en", "long", "6 March 2026"},
		{"de", "long", "6. März 2026"},
		{"es", "long", "6 de marzo de 2026"},
		{"en", "short", "6 Mar 2026"},
		{"de", "short", "6. März 2026"},
		{"es", "short", "6 mar 2026"},
		{"en", "datetime", "6 Mar 2026 14:05 UTC"},
		{"de", "day", "Freitag, 6. März"},
		{"es", "day", "viernes, 6 de marzo"},
		{"en", "day", "Friday 6 March"},
	} {
		if got := i18n.For(c.lang).Date(day, c.style); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.style, got, c.want)
		}
	}
	if got := i18n.For("de").Date(time.Time{}); got != "" {
		t.Errorf("zero time: %q", got)
	}
	for lang, want := range map[string]string{"en": "1,234,567", "de": "1.234.567", "es": "1.234.567"} {
		if got := i18n.For(lang).Num(1234567); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := i18n.For("de").Num(2.5); got != "2,5" {
		t.Errorf("de 2.5: %q", got)
	}
}

func TestPluralsAndFallback(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 view"}, {"en", 2, "2 views"}, {"en", 1200, "1,200 views"},
		{"de", 1, "1 Aufruf"}, {"de", 3, "3 Aufrufe"}, {"de", 1200, "1.200 Aufrufe"},
		{"es", 1, "1 visita"}, {"es", 0, "0 visitas"},
	} {
		if got := i18n.For(c.lang).N("count.views", c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := i18n.For("fr").T("common.email"); got != "Email" {
		t.Errorf("unsupported language: %q, want the English message", got)
	}
	if got := i18n.For("de").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
	if got := i18n.For("de").T("register.sso", "Provider", "GitHub"); got != "Mit GitHub registrieren" {
		t.Errorf("placeholder: %q", got)
	}
}
