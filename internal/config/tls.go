package config

import (
	"net"
	"os"
	"strings"
)

// TLS is Folio terminating TLS itself, with certificates on demand from
// an ACME CA for its own host and verified custom domains. Off unless
// Addr is set (behind a reverse proxy that terminates TLS, leave it off).
type TLS struct {
	// Addr is FOLIO_TLS_ADDR, the HTTPS listener (":443"); "": off.
	Addr string
	// HTTPAddr is FOLIO_TLS_HTTP_ADDR, a plain HTTP listener (":80") that
	// answers the CA's http-01 challenges and redirects the rest to
	// https; "": none (tls-alpn-01 on Addr only).
	HTTPAddr string
	// ACMECA is FOLIO_TLS_ACME_CA, the ACME directory URL (default Let's
	// Encrypt's production one).
	ACMECA string
	// ACMEEmail is FOLIO_TLS_ACME_EMAIL, the CA account's contact.
	ACMEEmail string
	// ACMECARoot is FOLIO_TLS_ACME_CA_ROOT, a PEM file of roots trusted
	// for talking to the CA (a private CA such as Pebble or step-ca).
	ACMECARoot string
}

// Enabled reports whether Folio terminates TLS.
func (t TLS) Enabled() bool { return t.Addr != "" }

// tls reads the FOLIO_TLS_* variables.
func (p *parser) tls() TLS {
	t := TLS{
		ACMECA:     p.value("FOLIO_TLS_ACME_CA", "https://acme-v02.api.letsencrypt.org/directory"),
		ACMEEmail:  p.value("FOLIO_TLS_ACME_EMAIL", ""),
		ACMECARoot: p.value("FOLIO_TLS_ACME_CA_ROOT", ""),
	}
	if p.value("FOLIO_TLS_ADDR", "") != "" {
		t.Addr = p.listenAddr("FOLIO_TLS_ADDR", "")
	}
	if p.value("FOLIO_TLS_HTTP_ADDR", "") != "" {
		t.HTTPAddr = p.listenAddr("FOLIO_TLS_HTTP_ADDR", "")
	}
	if t.ACMECA != "" && !strings.HasPrefix(t.ACMECA, "https://") {
		p.fail("FOLIO_TLS_ACME_CA", "must be an https:// ACME directory URL (got %q)", t.ACMECA)
	}
	if t.ACMEEmail != "" && (!strings.Contains(t.ACMEEmail, "@") || len(t.ACMEEmail) > 254) {
		p.fail("FOLIO_TLS_ACME_EMAIL", "must be an email address (got %q)", t.ACMEEmail)
	}
	if t.ACMECARoot != "" {
		if _, err := os.Stat(t.ACMECARoot); err != nil {
			p.fail("FOLIO_TLS_ACME_CA_ROOT", "must be a readable PEM file: %v", err)
		}
	}
	return t
}

// trustedProxies reads FOLIO_TRUSTED_PROXIES: comma-separated IP
// addresses or CIDR ranges whose X-Forwarded-For, -Proto and -Host Folio
// believes; unset: nobody's.
func (p *parser) trustedProxies(name string) []string {
	var out []string
	for _, v := range strings.Split(p.value(name, ""), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(v); err != nil && net.ParseIP(v) == nil {
			p.fail(name, "must be IP addresses or CIDR ranges, comma-separated (got %q)", v)
			continue
		}
		out = append(out, v)
	}
	return out
}

// optionalHostPort reads a host:port that may be unset.
func (p *parser) optionalHostPort(name string) string {
	v := p.value(name, "")
	if v == "" {
		return ""
	}
	if host, port, err := net.SplitHostPort(v); err != nil || host == "" || !validPort(port) || port == "0" {
		p.fail(name, "must be host:port (got %q)", v)
	}
	return v
}
