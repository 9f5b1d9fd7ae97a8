package apidocs

import "testing"

func TestSizeOfWritesLimitsPeopleCanRead(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{512, "512 bytes"},
		{64 << 10, "64 KB"},
		{10 << 20, "10 MB"},
		{3 << 19, "1.5 MB"},
	} {
		if got := sizeOf(c.n); got != c.want {
			t.Errorf("sizeOf(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
