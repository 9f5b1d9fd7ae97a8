package device

import (
	"context"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 on Windows"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iOS"},
		{"curl/8.5.0", "curl 8"},
		{"Go-http-client/1.1", "Go-http-client 1"},
		{"evil\x00name/1", "evilname 1"},
	} {
		if got := Describe(tc.header); got != tc.want {
			t.Errorf("Describe(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
	if got := Describe(strings.Repeat("x", 5000)); len(got) > MaxLen {
		t.Errorf("a long header gave %d characters", len(got))
	}
}

func TestContextCarriesTheHeaderBounded(t *testing.T) {
	ctx := NewContext(context.Background(), strings.Repeat("a", 2*MaxHeader))
	if got := FromContext(ctx); len(got) != MaxHeader {
		t.Fatalf("header of %d bytes kept, want %d", len(got), MaxHeader)
	}
	if FromContext(context.Background()) != "" {
		t.Fatal("an empty context has a header")
	}
}
