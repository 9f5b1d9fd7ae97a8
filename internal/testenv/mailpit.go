package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const mailpitHint = "start the local stack with `make stack` (it runs Mailpit and writes FOLIO_SMTP_URL and FOLIO_MAILPIT_URL to .data/stack.env), or set both to a running Mailpit"

// MailpitServer is the stack's Mailpit: SMTPURL for the mailer, and its
// API to read what arrived. Mailpit is shared by every test: a test sends
// to addresses of its own (Address) and reads by them, and never deletes
// mail it did not send.
type MailpitServer struct {
	SMTPURL string
	APIURL  string
}

// Mailpit returns the stack's Mailpit, failing the test with how to start
// one when there is none.
func Mailpit(t testing.TB) *MailpitServer {
	t.Helper()
	stackOnce.Do(func() { stackVars, stackErr = loadStack() })
	if stackErr != nil {
		t.Fatalf("testenv: %v; %s", stackErr, mailpitHint)
	}
	m := &MailpitServer{SMTPURL: stackVars["FOLIO_SMTP_URL"], APIURL: strings.TrimSuffix(stackVars["FOLIO_MAILPIT_URL"], "/")}
	if m.SMTPURL == "" || m.APIURL == "" {
		t.Fatalf("testenv: FOLIO_SMTP_URL and FOLIO_MAILPIT_URL are needed; %s", mailpitHint)
	}
	resp, err := http.Get(m.APIURL + "/api/v1/info")
	if err != nil {
		t.Fatalf("testenv: Mailpit at %s: %v; %s", m.APIURL, err, mailpitHint)
	}
	resp.Body.Close()
	return m
}

// Address returns a fresh address no other test uses.
func (m *MailpitServer) Address(prefix string) string {
	return prefix + "-" + randomSuffix() + "@folio.test"
}

// MailAddress is a sender or recipient.
type MailAddress struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Mail is a message as Mailpit's API gives it.
type Mail struct {
	ID        string              `json:"ID"`
	MessageID string              `json:"MessageID"`
	From      MailAddress         `json:"From"`
	To        []MailAddress       `json:"To"`
	Subject   string              `json:"Subject"`
	Text      string              `json:"Text"`
	HTML      string              `json:"HTML"`
	Headers   map[string][]string `json:"-"`
}

// Header returns the first value of a header of a message read by Message.
func (m Mail) Header(name string) string {
	for k, v := range m.Headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func (m *MailpitServer) get(t testing.TB, path string, into any) {
	t.Helper()
	resp, err := http.Get(m.APIURL + path)
	if err != nil {
		t.Fatalf("testenv: Mailpit: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("testenv: Mailpit GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("testenv: Mailpit GET %s: %v", path, err)
	}
}

// Messages lists the messages to addr, newest first (without bodies).
func (m *MailpitServer) Messages(t testing.TB, addr string) []Mail {
	t.Helper()
	var res struct {
		Messages []Mail `json:"messages"`
	}
	m.get(t, "/api/v1/search?query="+url.QueryEscape("to:\""+addr+"\""), &res)
	// Search matches words; keep exact recipients only.
	var out []Mail
	for _, msg := range res.Messages {
		for _, to := range msg.To {
			if strings.EqualFold(to.Address, addr) {
				out = append(out, msg)
				break
			}
		}
	}
	return out
}

// Message reads one message in full: bodies (the text with "\n" line
// ends) and headers.
func (m *MailpitServer) Message(t testing.TB, id string) Mail {
	t.Helper()
	var msg Mail
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	// Mail travels with CRLF line ends; tests compare with "\n".
	msg.Text = strings.ReplaceAll(msg.Text, "\r\n", "\n")
	m.get(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &msg.Headers)
	return msg
}

// WaitForMail polls until n messages to addr arrived (or timeout) and
// returns them in full, newest first. More than n fails the test.
func (m *MailpitServer) WaitForMail(t testing.TB, addr string, n int, timeout time.Duration) []Mail {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := m.Messages(t, addr)
		if len(got) > n {
			t.Fatalf("testenv: %d messages to %s, want %d", len(got), addr, n)
		}
		if len(got) == n {
			out := make([]Mail, len(got))
			for i, s := range got {
				out[i] = m.Message(t, s.ID)
			}
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: %d messages to %s after %s, want %d", len(got), addr, timeout, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// String names the server in messages.
func (m *MailpitServer) String() string {
	return fmt.Sprintf("Mailpit (SMTP %s, API %s)", m.SMTPURL, m.APIURL)
}

// RandomHex returns n random bytes in hex, for names a test makes its own.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
