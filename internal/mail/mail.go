// Package mail sends email over SMTP, configured by one URL:
//
//	smtp://user:pass@host:port   STARTTLS, required unless host is loopback
//	smtps://user:pass@host:port  TLS from the first byte (implicit TLS)
//
// On a loopback host (a local Mailpit or a relay on the same machine)
// STARTTLS is used when the server offers it and plain SMTP otherwise:
// the traffic never leaves the machine. Anywhere else a server that does
// not offer STARTTLS is refused, so a password or a reset link never
// crosses the network in the clear.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is a parsed FOLIO_SMTP_URL and FOLIO_MAIL_FROM.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// ImplicitTLS is smtps://.
	ImplicitTLS bool
	From        string
	Timeout     time.Duration
}

// ParseURL parses an smtp:// or smtps:// URL. The port defaults to 587
// (smtp) or 465 (smtps).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return Config{}, errors.New("must be smtp://user:pass@host:port or smtps://user:pass@host:port")
	}
	c := Config{Host: u.Hostname(), ImplicitTLS: u.Scheme == "smtps", Port: 587}
	if c.ImplicitTLS {
		c.Port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return Config{}, fmt.Errorf("port %q is not a port", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	return c, nil
}

// ParseFrom checks a From address ("Folio <folio@example.com>" or a bare
// address).
func ParseFrom(raw string) (string, error) {
	a, err := mail.ParseAddress(raw)
	if err != nil {
		return "", fmt.Errorf("must be an email address, optionally with a name: %v", err)
	}
	return a.String(), nil
}

// Message is one email: plain text and HTML alternatives.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// MessageID (without angle brackets) is stable per delivery, so a
	// message sent again after a lost acknowledgement is recognisably
	// the same one.
	MessageID string
	Headers   map[string]string
}

// Mailer sends messages.
type Mailer struct {
	cfg Config
}

// New returns a Mailer for cfg.
func New(cfg Config) *Mailer {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &Mailer{cfg: cfg}
}

// From is the sender address.
func (m *Mailer) From() string { return m.cfg.From }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// Send delivers msg in one SMTP session.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	out := gomail.NewMsg()
	if err := out.From(m.cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := out.To(msg.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	out.Subject(msg.Subject)
	out.SetDate()
	if msg.MessageID != "" {
		out.SetMessageIDWithValue(msg.MessageID)
	} else {
		out.SetMessageID()
	}
	for k, v := range msg.Headers {
		out.SetGenHeader(gomail.Header(k), v)
	}
	out.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		out.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(m.cfg.Timeout)}
	switch {
	case m.cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case isLoopback(m.cfg.Host):
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		// go-mail's discovery offers PLAIN and LOGIN only over TLS; on
		// loopback without TLS PLAIN is fine (go-mail allows it there).
		auth := gomail.SMTPAuthAutoDiscover
		if !m.cfg.ImplicitTLS && isLoopback(m.cfg.Host) {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	client, err := gomail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, out); err != nil {
		return fmt.Errorf("mail: send to %s via %s: %w", msg.To, net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port)), err)
	}
	return nil
}

// Redact returns the URL with its password hidden, for logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid)"
	}
	return u.Redacted()
}

// domainOf is the part after @ of the From address, for Message-IDs.
func (m *Mailer) domainOf() string {
	a, err := mail.ParseAddress(m.cfg.From)
	if err != nil {
		return "folio.invalid"
	}
	_, d, _ := strings.Cut(a.Address, "@")
	return d
}

// MessageID makes a stable Message-ID from a local part, in the From
// address's domain.
func (m *Mailer) MessageID(local string) string { return local + "@" + m.domainOf() }
