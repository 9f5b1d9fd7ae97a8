package portfoliopdf

import (
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// TestKeys: a key names the owner (with the account's creation time),
// the paper, the version and the layout, and reads back to its version;
// another layout's key reads as none.
func TestKeys(t *testing.T) {
	u := &folio.User{ID: 7, CreatedAt: time.Unix(1700000000, 0)}
	k := Key(u, 42, Letter)
	if want := "portfolio-pdf/7-1700000000/letter/00000000000000000042-" + layoutVersion + ".pdf"; k != want {
		t.Fatalf("Key = %q, want %q", k, want)
	}
	if v := versionOf(k); v != 42 {
		t.Errorf("versionOf(%q) = %d", k, v)
	}
	for _, other := range []string{"portfolio-pdf/7-1700000000/letter/00000000000000000042.pdf", "portfolio-pdf/7-1/a4/x-" + layoutVersion + ".pdf"} {
		if v := versionOf(other); v != -1 {
			t.Errorf("versionOf(%q) = %d, want -1", other, v)
		}
	}
	for _, c := range []struct {
		in   string
		want Paper
		ok   bool
	}{{"", A4, true}, {"A4", A4, true}, {"letter", Letter, true}, {"legal", "", false}} {
		if got, ok := ParsePaper(c.in); got != c.want || ok != c.ok {
			t.Errorf("ParsePaper(%q) = %q, %v", c.in, got, ok)
		}
	}
}
