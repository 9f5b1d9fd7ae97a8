package customdomain

import (
	"context"
	"errors"
	"net"
	"testing"
)

// answer is a resolver that gives one canned answer: the unit test of
// Failure needs each reason checkTXT writes, which a real DNS server
// cannot be made to give on demand (a timeout, a lame referral).
type answer struct {
	records []string
	err     error
}

func (a answer) LookupTXT(context.Context, string) ([]string, error) { return a.records, a.err }

// Failure finds each reason checkTXT writes again, with what the DNS
// server said, so pages can say it in their reader's language.
func TestFailureReadsEveryReason(t *testing.T) {
	d := &Domain{Name: "jane.dev", Token: "abc"}
	for _, c := range []struct {
		r          Resolver
		code, said string
	}{
		{answer{err: &net.DNSError{Err: "no such host", IsNotFound: true}}, "no_record", ""},
		{answer{err: &net.DNSError{Err: "i/o timeout", IsTimeout: true}}, "timeout", ""},
		{answer{err: context.DeadlineExceeded}, "timeout", ""},
		{answer{err: &net.DNSError{Err: "lame referral"}}, "no_record_dns", "lame referral"},
		{answer{err: errors.New("boom")}, "lookup_failed", ""},
		{answer{records: []string{"something else"}}, "wrong_value", ""},
		{answer{records: []string{d.RecordValue()}}, "", ""},
	} {
		d.LastError = checkTXT(t.Context(), c.r, d)
		if code, said := Failure(d); code != c.code || said != c.said {
			t.Errorf("%q: Failure = %q, %q; want %q, %q", d.LastError, code, said, c.code, c.said)
		}
	}
	d.LastError = "Something a newer version wrote."
	if code, _ := Failure(d); code != "other" {
		t.Errorf("an unknown reason: %q", code)
	}
}
