package customdomain

import (
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"jane.dev": "jane.dev", " Jane.DEV. ": "jane.dev", "https://www.jane.dev/path?q": "www.jane.dev", "jane.dev:443": "jane.dev",
		"bücher.example": "xn--bcher-kva.example", "ＪＡＮＥ.dev": "jane.dev",
	} {
		got, err := Normalize(in, "folio.example.com")
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "localhost", "jane", "127.0.0.1", "[::1]", "::1", "jane.localhost", "printer.local", "x.internal",
		"1.2.3.4.in-addr.arpa", "folio.example.com", "jane.folio.example.com", "a..dev", "-jane.dev", "jane-.dev", "_x.jane.dev",
		"jane.123", "jane dev.com", "ex ample.com", string(make([]byte, 400))} {
		if got, err := Normalize(in, "folio.example.com"); folio.ErrorCode(err) != folio.EINVALID {
			t.Errorf("Normalize(%q) = %q, %v; want invalid", in, got, err)
		}
	}
}
