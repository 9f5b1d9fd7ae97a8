package web_test

import (
	"testing"

	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/web"
)

// A server has ten users of the page templates; each parsing its own
// copy held some 130 MB per server and, under the race detector, took
// the server tests past 20 GB.
func TestPagesAreParsedOncePerProcess(t *testing.T) {
	a, err := web.Pages()
	if err != nil {
		t.Fatal(err)
	}
	b, err := web.Pages()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages {
		if a.Page(l.Tag, "portfolio") == nil || a.Page(l.Tag, "portfolio") != b.Page(l.Tag, "portfolio") {
			t.Fatalf("%s: the portfolio template is parsed anew on each call", l.Tag)
		}
	}
	if a.Page("en", "portfolio") == a.Page("de", "portfolio") {
		t.Fatal("one template serves two languages; each language needs its own text functions")
	}
}
