package customdomain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Resolver looks up TXT records. *net.Resolver is one.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// NewResolver is the system's resolver, or with addr (host:port) one that
// asks only that DNS server (FOLIO_DNS_RESOLVER), over UDP falling back to
// TCP as Go's resolver does.
func NewResolver(addr string) *net.Resolver {
	if addr == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

// VerifyTimeout bounds one check: a slow or silent DNS server is a failed
// check the owner can retry, never a request that hangs.
const VerifyTimeout = 5 * time.Second

// The reasons checkTXT gives, in English: the API shows them as they are,
// and pages find the reason again with Failure to say it in their
// reader's language.
const (
	whyNoRecordYet = "No TXT record found at %s yet. DNS changes can take a few minutes to appear."
	whyTimeout     = "The DNS lookup timed out; try again in a moment."
	whyNoRecordDNS = "No TXT record found at %s (the DNS server said: %s)."
	whyFailed      = "The DNS lookup failed; try again in a moment."
	whyWrongValue  = "The TXT record at %s does not hold %s."
)

// Failure is why d's last check failed, as a code: "no_record",
// "timeout", "no_record_dns" (with what the DNS server said),
// "lookup_failed" or "wrong_value"; "" when it did not fail, "other" for
// a reason this version does not write.
func Failure(d *Domain) (code, said string) {
	e := d.LastError
	switch {
	case e == "":
		return "", ""
	case e == fmt.Sprintf(whyNoRecordYet, d.RecordName()):
		return "no_record", ""
	case e == whyTimeout:
		return "timeout", ""
	case e == whyFailed:
		return "lookup_failed", ""
	case e == fmt.Sprintf(whyWrongValue, d.RecordName(), d.RecordValue()):
		return "wrong_value", ""
	}
	before, _, _ := strings.Cut(whyNoRecordDNS, "%s).") // up to what the server said
	if said, ok := strings.CutPrefix(e, fmt.Sprintf(before, d.RecordName())); ok && strings.HasSuffix(said, ").") {
		return "no_record_dns", strings.TrimSuffix(said, ").")
	}
	return "other", ""
}

// checkTXT looks for d's record. It returns "" when found, else why not
// in words for the owner.
func checkTXT(ctx context.Context, r Resolver, d *Domain) string {
	ctx, cancel := context.WithTimeout(ctx, VerifyTimeout)
	defer cancel()
	records, err := r.LookupTXT(ctx, d.RecordName())
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf(whyNoRecordYet, d.RecordName())
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		return whyTimeout
	case errors.As(err, &dnsErr):
		// Some servers answer a name without records oddly (no SOA: Go
		// calls it a lame referral); to the owner it is a missing record.
		return fmt.Sprintf(whyNoRecordDNS, d.RecordName(), dnsErr.Err)
	case err != nil:
		return whyFailed
	}
	// Bounded by what a DNS answer holds (64 KiB).
	for _, rec := range records {
		if strings.TrimSpace(rec) == d.RecordValue() {
			return ""
		}
	}
	return fmt.Sprintf(whyWrongValue, d.RecordName(), d.RecordValue())
}
