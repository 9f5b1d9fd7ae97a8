package demo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// UserAgent names Folio, so that a demo's owner sees who knocks.
const UserAgent = "Mozilla/5.0 (compatible; FolioDemoCheck/1.0; +https://github.com/foliohq/folio)"

// Error classes of a failed check.
const (
	ClassDNS     = "dns"
	ClassConnect = "connect"
	ClassTLS     = "tls"
	ClassTimeout = "timeout"
	ClassHTTP    = "http_status"
	ClassBlocked = "blocked"
	ClassInvalid = "invalid_url"
)

// maxBodyRead is how much of a demo's page is read: enough to know it
// answers, never a download.
const maxBodyRead = 4 << 10

// maxRedirects is how many hops a check follows.
const maxRedirects = 5

// Result is the outcome of one check.
type Result struct {
	Up         bool
	StatusCode int
	Latency    time.Duration
	FinalURL   string
	ErrorClass string // "" when up
	Error      string // in words the owner can act on
	CheckedAt  time.Time
}

// Checker fetches demo URLs safely.
type Checker struct {
	client  *http.Client
	timeout time.Duration
}

// NewChecker returns a Checker. allowPrivate lifts the address and port
// rules, for tests and for self-hosters whose demos live on their LAN.
func NewChecker(timeout time.Duration, allowPrivate bool) *Checker {
	return newChecker(timeout, controlFunc(allowPrivate, nil))
}

// NewDevChecker is NewChecker for `folio dev`: every rule stays on except
// that loopback addresses, on any port, are let through, so that the demo
// apps served on this machine (and the instance itself) can be checked.
// Production never uses it.
func NewDevChecker(timeout time.Duration) *Checker {
	guard := controlFunc(false, nil)
	return newChecker(timeout, func(network, address string, rc syscall.RawConn) error {
		if host, _, err := net.SplitHostPort(address); err == nil {
			if a, err := netip.ParseAddr(host); err == nil && a.Unmap().IsLoopback() {
				return nil
			}
		}
		return guard(network, address, rc)
	})
}

// NewTransport is the HTTP transport of demo checks, for other requests
// Folio makes to URLs its users give (webhooks): every address it dials,
// after DNS resolution, is checked as a demo's is, and no proxy is used.
// allowPrivate is NewChecker's.
func NewTransport(timeout time.Duration, allowPrivate bool) *http.Transport {
	return guardedTransport(timeout, controlFunc(allowPrivate, nil))
}

func guardedTransport(timeout time.Duration, control func(network, address string, rc syscall.RawConn) error) *http.Transport {
	dialer := &net.Dialer{Timeout: timeout, Control: control}
	return &http.Transport{
		// Never a proxy from the environment: it would dial on our behalf,
		// past the address check.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
		DisableCompression:    false,
	}
}

func newChecker(timeout time.Duration, control func(network, address string, rc syscall.RawConn) error) *Checker {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	transport := guardedTransport(timeout, control)
	client := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return &BlockedError{Reason: "redirect to a " + req.URL.Scheme + " URL"}
			}
			if len(via) > maxRedirects {
				// The last 3xx is the answer: a redirecting demo still answers.
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return &Checker{client: client, timeout: timeout}
}

// Check fetches rawURL once and classifies the outcome.
func (c *Checker) Check(ctx context.Context, rawURL string) Result {
	start := time.Now()
	res := Result{CheckedAt: start.UTC(), FinalURL: rawURL}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		res.ErrorClass, res.Error = ClassInvalid, "The demo URL is not an http or https URL."
		return res
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		res.ErrorClass, res.Error = ClassInvalid, "The demo URL is not valid."
		return res
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "text/html,application/json;q=0.9,*/*;q=0.8")
	resp, err := c.client.Do(req)
	res.Latency = time.Since(start)
	if err != nil {
		res.ErrorClass, res.Error = classify(err, c.timeout)
		return res
	}
	defer resp.Body.Close()
	_, _ = io.CopyN(io.Discard, resp.Body, maxBodyRead)
	res.StatusCode, res.FinalURL = resp.StatusCode, resp.Request.URL.String()
	if resp.StatusCode >= 200 && resp.StatusCode < 400 {
		res.Up = true
		return res
	}
	res.ErrorClass = ClassHTTP
	res.Error = fmt.Sprintf("The demo answered HTTP %d %s.", resp.StatusCode, http.StatusText(resp.StatusCode))
	return res
}

// classify turns a transport error into a class and plain words.
func classify(err error, timeout time.Duration) (string, string) {
	var blocked *BlockedError
	var dnsErr *net.DNSError
	var certInvalid x509.CertificateInvalidError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var recordHeader tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.As(err, &blocked):
		return ClassBlocked, "The demo URL points at an address Folio does not check (" + blocked.Reason + ")."
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return ClassDNS, "DNS name not found: " + dnsErr.Name + "."
		}
		return ClassDNS, "The DNS lookup of " + dnsErr.Name + " failed."
	case errors.As(err, &certInvalid):
		if certInvalid.Reason == x509.Expired {
			return ClassTLS, "TLS certificate expired on " + certInvalid.Cert.NotAfter.Format("2 January 2006") + "."
		}
		return ClassTLS, "The TLS certificate is not valid: " + certInvalid.Error() + "."
	case errors.As(err, &unknownAuthority):
		return ClassTLS, "The TLS certificate is not signed by a trusted authority."
	case errors.As(err, &hostname):
		return ClassTLS, "The TLS certificate is for another name: " + hostname.Error() + "."
	case errors.As(err, &recordHeader), strings.Contains(err.Error(), "tls:"):
		return ClassTLS, "The TLS handshake failed."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout, fmt.Sprintf("No answer within %s.", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassConnect, "The connection was refused: nothing listens there."
	}
	return ClassConnect, "The connection failed."
}
