// Package forwarded decides which client a request behind reverse proxies
// comes from. Fiber reads X-Forwarded-For (c.IP), -Proto (c.Protocol) and
// -Host (c.Hostname) only when the connection's peer is a trusted proxy
// (fiber.Config's EnableTrustedProxyCheck and TrustedProxies, see
// FiberConfig); Normalize then leaves X-Forwarded-For holding the one
// address that matters, so that per-IP limits and analytics count the
// visitor and not the proxy, and a visitor cannot choose their address by
// sending the header themselves.
package forwarded

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Proxies are the trusted proxies' ranges.
type Proxies []*net.IPNet

// Parse reads addresses and CIDR ranges (validated by config).
func Parse(list []string) Proxies {
	var out Proxies
	for _, v := range list {
		if _, n, err := net.ParseCIDR(v); err == nil {
			out = append(out, n)
		} else if ip := net.ParseIP(v); ip != nil {
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
		}
	}
	return out
}

// Trusted reports whether ip is one of the proxies.
func (p Proxies) Trusted(ip net.IP) bool {
	for _, n := range p {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// FiberConfig sets cfg to believe X-Forwarded-* from list alone (nobody's
// when list is empty: without the check Fiber would believe everybody).
func FiberConfig(cfg *fiber.Config, list []string) {
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = list
	cfg.ProxyHeader = fiber.HeaderXForwardedFor
}

// maxHops bounds the addresses of X-Forwarded-For looked at.
const maxHops = 20

// Normalize rewrites X-Forwarded-For to the client's address: walking
// from the right (each proxy appends the address it saw), the first one
// that is not a trusted proxy. From an untrusted peer the X-Forwarded-*
// headers are removed, so nothing downstream can read them by mistake.
func (p Proxies) Normalize(c *fiber.Ctx) error {
	h := &c.Request().Header
	if !p.Trusted(c.Context().RemoteIP()) {
		h.Del(fiber.HeaderXForwardedFor)
		h.Del(fiber.HeaderXForwardedProto)
		h.Del(fiber.HeaderXForwardedHost)
		return c.Next()
	}
	xff := string(h.Peek(fiber.HeaderXForwardedFor))
	if xff == "" {
		return c.Next()
	}
	hops := strings.Split(xff, ",")
	if len(hops) > maxHops {
		hops = hops[len(hops)-maxHops:]
	}
	client := ""
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break // garbage: believe nothing further left
		}
		client = ip.String()
		if !p.Trusted(ip) {
			break
		}
	}
	if client == "" {
		h.Del(fiber.HeaderXForwardedFor)
	} else {
		h.Set(fiber.HeaderXForwardedFor, client)
	}
	return c.Next()
}
