package cardview

import (
	"slices"
	"testing"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Every class the checker stores reads in every language, and the
// dashboard says a failure by its class, not the stored English reason.
func TestDemoFailureInLanguage(t *testing.T) {
	for _, class := range []string{demo.ClassDNS, demo.ClassConnect, demo.ClassTLS, demo.ClassTimeout, demo.ClassHTTP, demo.ClassBlocked, demo.ClassInvalid} {
		if !slices.Contains(DemoClasses, class) {
			t.Errorf("DemoClasses lacks %q", class)
		}
		for _, lang := range i18n.Languages {
			if key := "dashc.demo.class." + class; i18n.For(lang.Tag).T(key, "Status", 503) == key {
				t.Errorf("%s: no message %s", lang.Tag, key)
			}
			c := &folio.DemoCheck{ErrorClass: class, StatusCode: 503, Error: "English reason."}
			got := DemoFailure(i18n.For(lang.Tag), c)
			if lang.Tag == i18n.Default && got != c.Error || lang.Tag != i18n.Default && got == c.Error {
				t.Errorf("%s %s: %q", lang.Tag, class, got)
			}
		}
	}
	c := &folio.DemoCheck{ErrorClass: demo.ClassHTTP, StatusCode: 503, Error: "The demo answered HTTP 503 Service Unavailable."}
	if got := DemoFailure(i18n.For("de"), c); got != "Die Demo antwortete mit HTTP 503." {
		t.Errorf("de http: %q", got)
	}
	for _, c := range []*folio.DemoCheck{{ErrorClass: "from_the_future", Error: "Newer."}, {Error: "No class."}} {
		if got := DemoFailure(i18n.For("de"), c); got != c.Error {
			t.Errorf("class %q: %q", c.ErrorClass, got)
		}
	}
	if k, m := DemoEvent(i18n.For("es"), folio.DemoEvent{Kind: "recovered", Message: "The demo answers again."}); k != "responde de nuevo" || m != "" {
		t.Errorf("es recovered: %q %q", k, m)
	}
	if k, m := DemoEvent(i18n.For("de"), folio.DemoEvent{Kind: "down", Message: "No answer within 10s."}); k != "ausgefallen" || m != "No answer within 10s." {
		t.Errorf("de down: %q %q", k, m)
	}
}
