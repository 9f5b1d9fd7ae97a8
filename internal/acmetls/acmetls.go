// Package acmetls terminates TLS in Folio itself with certificates from an
// ACME CA (Let's Encrypt, or Pebble in tests) obtained on demand by
// certmagic at the first handshake for a name, and only for names Allow
// accepts: the instance's host and verified custom domains. Without that
// check anyone could point DNS at Folio and make it request certificates
// for any name, spending the CA's rate limits.
package acmetls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Options configure the certificate manager.
type Options struct {
	// CA is the ACME directory URL; "": Let's Encrypt's production one.
	CA    string
	Email string
	// CARoots are trusted for talking to the CA (a private CA such as
	// Pebble); nil: the system's roots.
	CARoots *x509.CertPool
	Storage certmagic.Storage
	// Allow decides whether a certificate may be obtained for name; an
	// error refuses (the handshake fails).
	Allow func(ctx context.Context, name string) error
	// HTTPPort and TLSPort are where this process takes the CA's
	// http-01 and tls-alpn-01 challenges when not 80 and 443 (behind a
	// port mapping, or in tests); 0: the standard port.
	HTTPPort, TLSPort int
	// NoHTTPChallenge turns http-01 off (no HTTP listener).
	NoHTTPChallenge bool
}

// Manager obtains, renews and serves certificates.
type Manager struct {
	cfg    *certmagic.Config
	issuer *certmagic.ACMEIssuer
}

// New builds a Manager; certificates are obtained at handshakes, and
// renewed in the background until Stop.
func New(o Options) (*Manager, error) {
	if o.Storage == nil || o.Allow == nil {
		return nil, errors.New("acmetls: Storage and Allow are required")
	}
	// certmagic logs through zap; its warnings and errors (a failed order,
	// a renewal that did not go through) go to stderr as JSON like ours.
	zc := zap.NewProductionConfig()
	zc.Level = zap.NewAtomicLevelAt(zapcore.WarnLevel)
	zc.Sampling = nil
	logger, err := zc.Build()
	if err != nil {
		return nil, err
	}
	var cfg *certmagic.Config
	cache := certmagic.NewCache(certmagic.CacheOptions{
		GetConfigForCert: func(certmagic.Certificate) (*certmagic.Config, error) { return cfg, nil },
		Logger:           logger,
	})
	cfg = certmagic.New(cache, certmagic.Config{
		Storage: o.Storage,
		Logger:  logger,
		OnDemand: &certmagic.OnDemandConfig{DecisionFunc: func(ctx context.Context, name string) error {
			if err := o.Allow(ctx, name); err != nil {
				return fmt.Errorf("no certificate for %q: %w", name, err)
			}
			return nil
		}},
	})
	issuer := certmagic.NewACMEIssuer(cfg, certmagic.ACMEIssuer{
		CA: o.CA, Email: o.Email, Agreed: true, TrustedRoots: o.CARoots,
		AltHTTPPort: o.HTTPPort, AltTLSALPNPort: o.TLSPort, DisableHTTPChallenge: o.NoHTTPChallenge,
		Logger: logger,
	})
	if o.CA == "" {
		issuer.CA = certmagic.LetsEncryptProductionCA
	}
	cfg.Issuers = []certmagic.Issuer{issuer}
	return &Manager{cfg: cfg, issuer: issuer}, nil
}

// TLSConfig is the listener's configuration: certificates on demand, and
// the tls-alpn-01 challenge answered in the handshake. HTTP/1.1 only
// (Folio's server does not speak HTTP/2).
func (m *Manager) TLSConfig() *tls.Config {
	c := m.cfg.TLSConfig()
	c.MinVersion = tls.VersionTLS12
	c.NextProtos = append([]string{"http/1.1"}, c.NextProtos...)
	return c
}

// HTTPHandler answers the CA's http-01 challenges and hands every other
// request to next (a redirect to https, usually).
func (m *Manager) HTTPHandler(next http.Handler) http.Handler {
	return m.issuer.HTTPChallengeHandler(next)
}

// RedirectHTTPS answers a plain HTTP request with a permanent redirect to
// the same host and path over https (on httpsPort when not 443).
func RedirectHTTPS(httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := splitHost(host); err == nil {
			host = h
		}
		if httpsPort != "" && httpsPort != "443" {
			host += ":" + httpsPort
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "use https", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
}

// LoadRoots reads a PEM file of CA certificates (FOLIO_TLS_ACME_CA_ROOT).
func LoadRoots(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("acmetls: no PEM certificate in %s", path)
	}
	return pool, nil
}
