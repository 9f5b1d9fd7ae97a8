// Package demo checks that a project's live demo answers, without letting a
// demo URL reach into the network Folio runs in (SSRF).
package demo

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// deniedPrefixes are the ranges a public demo never lives in. The
// netip.Addr predicates cover loopback, RFC 1918 and ULA, link-local,
// multicast and unspecified; these add what they do not.
var deniedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // CGNAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (TEST-NET-1)
	netip.MustParsePrefix("192.88.99.0/24"),  // deprecated 6to4 relay anycast
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation (TEST-NET-2)
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation (TEST-NET-3)
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (::a.b.c.d), deprecated: an IPv4 address in disguise
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: likewise
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2002::/16"),       // 6to4: likewise
	netip.MustParsePrefix("2001::/32"),       // Teredo: likewise, obfuscated
	netip.MustParsePrefix("2001:2::/48"),     // benchmarking
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("3fff::/20"),       // documentation (RFC 9637)
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, incl. cloud metadata (explicit for clarity)
	netip.MustParsePrefix("fd00:ec2::/32"),   // AWS metadata over IPv6 (inside ULA, listed for the reader)
	netip.MustParsePrefix("ff00::/8"),        // multicast (explicit)
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast (explicit)
	netip.MustParsePrefix("255.255.255.255/32"),
}

// BlockedError says why an address was refused.
type BlockedError struct {
	Addr   netip.Addr
	Reason string
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("address %s is not allowed: %s", e.Addr, e.Reason)
}

// CheckAddr refuses an address that is not on the public internet. The
// IPv4-mapped form (::ffff:127.0.0.1) is judged as the IPv4 address it is.
func CheckAddr(a netip.Addr) error {
	a = a.Unmap()
	var reason string
	switch {
	case !a.IsValid():
		reason = "invalid"
	case a.IsLoopback():
		reason = "loopback"
	case a.IsPrivate():
		reason = "private network"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		reason = "link-local (this includes cloud metadata services)"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast():
		reason = "multicast"
	case a.IsUnspecified():
		reason = "unspecified"
	default:
		for _, p := range deniedPrefixes {
			if p.Contains(a) {
				return &BlockedError{Addr: a, Reason: "reserved range " + p.String()}
			}
		}
		return nil
	}
	return &BlockedError{Addr: a, Reason: reason}
}

// controlFunc checks every address the dialer is about to connect to,
// after DNS resolution, for the first request and every redirect alike:
// there is no window between checking a name and using its address.
// exempt lists exact host:port addresses let through anyway; only tests
// set it, to stand in for "a public host" on a machine without one.
func controlFunc(allowPrivate bool, exempt map[string]bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		host, portStr, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if allowPrivate || exempt[address] {
			return nil
		}
		addr, err := netip.ParseAddr(host)
		if err != nil {
			return &BlockedError{Reason: "not an IP address"}
		}
		if err := CheckAddr(addr); err != nil {
			return err
		}
		if port, _ := strconv.Atoi(portStr); port != 80 && port != 443 {
			return &BlockedError{Addr: addr, Reason: fmt.Sprintf("port %d (only 80 and 443)", port)}
		}
		return nil
	}
}
