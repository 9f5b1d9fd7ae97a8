package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Every kind has templates/<kind>.tmpl defining three templates:
// "subject" (one line, also the text of webhook messages), "text" (the
// plain-text body) and "html" (the HTML body, auto-escaped). The file is
// parsed once as text and once as HTML, with templates/_layout.tmpl for
// the shared header and footer ("text_footer", "html_head",
// "html_foot"). They read a MessageData.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// MessageData is what a template reads.
type MessageData struct {
	Kind folio.NotificationKind
	// OwnerName is the account's display name.
	OwnerName string
	// BaseURL is the instance's address, without a trailing slash.
	BaseURL string
	// SettingsURL is the notification settings page.
	SettingsURL string
	// UnsubscribeURL turns this kind of email off (empty for account
	// mail, which cannot be unsubscribed from, and for webhooks).
	UnsubscribeURL string
	// Data is the notification's own data, by kind.
	Data map[string]string
	// Lang is the recipient's language (i18n); "" or unknown: English.
	Lang string
}

// Rendered is a message ready to send.
type Rendered struct {
	Subject, Text, HTML string
}

type kindTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*kindTemplates{} // by language and kind
)

// HasTemplate reports whether kind can be rendered.
func HasTemplate(kind folio.NotificationKind) bool {
	_, err := fs.Stat(templateFS, "templates/"+string(kind)+".tmpl")
	return err == nil
}

func templatesFor(kind folio.NotificationKind, lang string) (*kindTemplates, error) {
	loc := i18n.For(lang)
	key := loc.Lang() + "/" + string(kind)
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if t, ok := templates[key]; ok {
		return t, nil
	}
	if !HasTemplate(kind) {
		return nil, permanent(fmt.Errorf("no template for notifications of kind %q", kind))
	}
	files := []string{"templates/_layout.tmpl", "templates/" + string(kind) + ".tmpl"}
	// The text functions of the recipient's language (t, date, num...),
	// and lines.
	funcs := map[string]any{}
	for name, f := range loc.Funcs() {
		funcs[name] = f
	}
	funcs["dur"] = func(s string) string { return duration(loc, s) }
	funcs["when"] = func(s string) string { return when(loc, s) }
	funcs["referrer"] = func(s string) string { return referrer(loc, s) }
	funcs["width"] = func(labels ...string) int {
		w := 0
		for _, l := range labels {
			w = max(w, utf8.RuneCountInString(l))
		}
		return w + 2 // the colon and at least one space
	}
	funcs["pad"] = func(label string, w int) string {
		return label + ":" + strings.Repeat(" ", max(1, w-1-utf8.RuneCountInString(label)))
	}
	funcs["lines"] = func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	tt, err := texttemplate.New("").Funcs(funcs).Option("missingkey=zero").ParseFS(templateFS, files...)
	if err != nil {
		return nil, permanent(err)
	}
	ht, err := htmltemplate.New("").Funcs(funcs).Option("missingkey=zero").ParseFS(templateFS, files...)
	if err != nil {
		return nil, permanent(err)
	}
	t := &kindTemplates{text: tt, html: ht}
	templates[key] = t
	return t, nil
}

// duration writes a duration the data holds in English ("30 minutes",
// "48 hours", "7 days": what the senders put there) in loc's language;
// anything else as it is.
func duration(loc *i18n.Localizer, s string) string {
	n, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	count, err := strconv.Atoi(n)
	if !ok || err != nil {
		return s
	}
	switch strings.TrimSuffix(unit, "s") {
	case "minute":
		return loc.N("mail.dur.minutes", count)
	case "hour":
		return loc.N("mail.dur.hours", count)
	case "day":
		return loc.N("mail.dur.days", count)
	}
	return s
}

// when writes a time the data holds (RFC 3339, or the demo checker's
// "2 Jan 2006 15:04 UTC") as loc's date and time; anything else as it is.
func when(loc *i18n.Localizer, s string) string {
	for _, layout := range []string{time.RFC3339, "2 Jan 2006 15:04 UTC"} {
		if t, err := time.Parse(layout, s); err == nil {
			return loc.Date(t, "datetime")
		}
	}
	return s
}

// referrer writes a digest's referrer line ("news.ycombinator.com: 2
// visitors", as Digest stores it) in loc's language; anything else as it is.
func referrer(loc *i18n.Localizer, s string) string {
	rest, ok := strings.CutSuffix(s, " visitors")
	i := strings.LastIndex(rest, ": ")
	if !ok || i < 0 {
		return s
	}
	n, err := strconv.Atoi(rest[i+2:])
	if err != nil {
		return s
	}
	return rest[:i] + ": " + loc.N("mail.digest.referrer_visitors", n)
}

// Render renders d's kind.
func Render(d MessageData) (Rendered, error) {
	t, err := templatesFor(d.Kind, d.Lang)
	if err != nil {
		return Rendered{}, err
	}
	var subject, text, html bytes.Buffer
	if err := t.text.ExecuteTemplate(&subject, "subject", d); err != nil {
		return Rendered{}, permanent(err)
	}
	if err := t.text.ExecuteTemplate(&text, "text", d); err != nil {
		return Rendered{}, permanent(err)
	}
	if err := t.html.ExecuteTemplate(&html, "html", d); err != nil {
		return Rendered{}, permanent(err)
	}
	// A subject is one line, whatever the data held.
	s := strings.Join(strings.Fields(subject.String()), " ")
	return Rendered{Subject: s, Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}

// permanentError is a failure that another attempt would repeat.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return permanentError{err} }
