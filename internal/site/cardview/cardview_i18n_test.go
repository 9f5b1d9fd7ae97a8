package cardview

import (
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Badges and how-long-ago text speak the page's language; the English
// default is what it always was.
func TestBadgeAndRelTimeInLanguage(t *testing.T) {
	p := &folio.Project{ID: 1, DemoURL: "https://demo.test"}
	three := time.Now().Add(-3*time.Hour - time.Minute)
	states := map[int64]folio.DemoSummary{1: {State: folio.DemoUp, LastCheckedAt: three}}
	for _, c := range []struct{ lang, unknown, up, ago, days string }{
		{"en", "not checked yet", "up", "3 h ago", "5 days ago"},
		{"de", "noch nicht geprüft", "erreichbar", "vor 3 Std.", "vor 5 Tagen"},
		{"es", "aún sin comprobar", "activa", "hace 3 h", "hace 5 días"},
	} {
		l := i18n.For(c.lang)
		if b := BadgeIn(l, p, nil); b.Label != c.unknown || b.Title == "" {
			t.Errorf("%s: unknown badge %+v", c.lang, b)
		}
		if b := BadgeIn(l, p, states); b.Label != c.up || b.Ago != c.ago {
			t.Errorf("%s: up badge %+v", c.lang, b)
		}
		if got := RelTimeIn(l, time.Now().Add(-5*24*time.Hour-time.Hour)); got != c.days {
			t.Errorf("%s: %q, want %q", c.lang, got, c.days)
		}
	}
	if b := BadgeFor(p, states); b.Label != "up" || b.Ago != "3 h ago" || RelTime(time.Now()) != "just now" {
		t.Errorf("English default: %+v", b)
	}
}
