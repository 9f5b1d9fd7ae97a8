package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
)

// Webhook headers. Folio-Signature is "t=<unix seconds>,v1=<hex>", where
// v1 is HMAC-SHA256 with the endpoint's secret over "<t>.<body>". A
// receiver recomputes it, compares in constant time and refuses a t more
// than five minutes away from its clock (replays). Folio-Delivery is the
// same on every attempt of one delivery, so a receiver can drop a
// duplicate.
const (
	HeaderSignature = "Folio-Signature"
	HeaderDelivery  = "Folio-Delivery"
	HeaderEvent     = "Folio-Event"
)

// maxResponseRead is how much of an endpoint's answer is read (for the
// error shown to the owner); the rest is dropped.
const maxResponseRead = 4 << 10

// Sign returns the Folio-Signature value for body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Folio-Signature header against body, as a receiver
// does: the signature must match and t be within tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	t := time.Unix(n, 0)
	if now.Sub(t) > tolerance || t.Sub(now) > tolerance {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, t, body)), []byte("t="+ts+",v1="+sig))
}

// WebhookEvent is the plain JSON body.
type WebhookEvent struct {
	ID        int64             `json:"id"` // the delivery's id, as in Folio-Delivery
	Kind      string            `json:"kind"`
	CreatedAt time.Time         `json:"created_at"`
	Text      string            `json:"text"`
	URL       string            `json:"url,omitempty"`
	Data      map[string]string `json:"data"`
}

// webhookBody shapes the message for the endpoint's format: Slack's
// incoming webhooks read "text", Discord's "content".
func webhookBody(format folio.WebhookFormat, ev WebhookEvent) ([]byte, error) {
	line := ev.Text
	if ev.URL != "" {
		line += "\n" + ev.URL
	}
	switch format {
	case folio.WebhookSlack:
		return json.Marshal(map[string]string{"text": line})
	case folio.WebhookDiscord:
		if len(line) > 2000 { // Discord's limit
			line = line[:2000]
		}
		return json.Marshal(map[string]any{"content": line, "allowed_mentions": map[string]any{"parse": []string{}}})
	default:
		return json.Marshal(ev)
	}
}

// WebhookSender posts deliveries through the demo checks' guarded
// transport: no loopback, private or metadata address, at add time or at
// dial time, and no redirects.
type WebhookSender struct {
	Client       *http.Client
	AllowPrivate bool
}

// NewWebhookSender returns a sender with timeout per request.
func NewWebhookSender(timeout time.Duration, allowPrivate bool) *WebhookSender {
	return &WebhookSender{AllowPrivate: allowPrivate, Client: &http.Client{
		Transport: demo.NewTransport(timeout, allowPrivate),
		Timeout:   timeout,
		// A redirect is an answer, not a place to post to.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Post sends body signed with secret and returns an error in words the
// owner can act on unless the endpoint answered 2xx.
func (s *WebhookSender) Post(ctx context.Context, rawURL, secret string, deliveryID int64, kind string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("the webhook URL is not valid")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Folio-Webhooks/1.0")
	req.Header.Set(HeaderSignature, Sign(secret, time.Now(), body))
	req.Header.Set(HeaderDelivery, strconv.FormatInt(deliveryID, 10))
	req.Header.Set(HeaderEvent, kind)
	resp, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("the endpoint could not be reached: %v", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseRead))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	text := strings.TrimSpace(string(snippet))
	if len(text) > 200 {
		text = text[:200]
	}
	return fmt.Errorf("the endpoint answered HTTP %d %s: %q", resp.StatusCode, http.StatusText(resp.StatusCode), text)
}

// CheckWebhookURL refuses a URL Folio will not post to: not HTTPS, with
// credentials, on a port other than 443, or with a host that is or
// resolves to a loopback, private, link-local (cloud metadata) or other
// non-public address. The dialer checks again at every delivery, so a
// name that changes its address later is still refused.
func (s *WebhookSender) CheckWebhookURL(ctx context.Context, raw string) error {
	bad := func(msg string) error {
		v := folio.Validation{}
		v.Add("url", "%s", msg)
		return v.Err()
	}
	if len(raw) > 2000 {
		return bad("At most 2000 characters.")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Opaque != "" {
		return bad("Must be an https:// URL.")
	}
	if u.User != nil {
		return bad("Must not carry a user name or password; the signature authenticates Folio.")
	}
	if s.AllowPrivate {
		return nil
	}
	if p := u.Port(); p != "" && p != "443" {
		return bad("Must use the standard HTTPS port 443.")
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		addrs, err = net.DefaultResolver.LookupNetIP(lctx, "ip", host)
		if err != nil || len(addrs) == 0 {
			return bad("The host name does not resolve.")
		}
	}
	for _, a := range addrs {
		if err := demo.CheckAddr(a); err != nil {
			return bad("Points at an address Folio does not send to (" + err.(*demo.BlockedError).Reason + ").")
		}
	}
	return nil
}
