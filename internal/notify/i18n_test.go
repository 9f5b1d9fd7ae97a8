package notify

import (
	"regexp"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

// Account mail renders in the recipient's language, its <html lang>
// included; an unknown language is English.
func TestMailInRecipientsLanguage(t *testing.T) {
	d := MessageData{Kind: "password_reset", OwnerName: "Ada <b>", BaseURL: "https://folio.test", SettingsURL: "https://folio.test/dashboard/notifications",
		Data: map[string]string{"email": "ada@example.com", "url": "https://folio.test/reset-password?token=x", "expires_in": "1 hour"}}
	for lang, want := range map[string][]string{
		"en": {"Reset your Folio password", "Hi Ada <b>,", "Choose a new password", `<html lang="en"`},
		"de": {"Folio-Passwort zurücksetzen", "Hallo Ada <b>,", "Neues Passwort wählen", `<html lang="de"`, "Benachrichtigungseinstellungen"},
		"es": {"Restablece tu contraseña de Folio", "Hola, Ada <b>:", "Elegir una contraseña nueva", `<html lang="es"`},
		"fr": {"Reset your Folio password", `<html lang="en"`},
	} {
		d.Lang = lang
		r, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		all := r.Subject + "\n" + r.Text + "\n" + r.HTML
		for _, w := range want {
			if !strings.Contains(all, w) && !strings.Contains(r.HTML, strings.ReplaceAll(w, "<b>", "&lt;b&gt;")) {
				t.Errorf("%s: no %q in\n%s", lang, w, all)
			}
		}
		if strings.Contains(r.HTML, "Ada <b>") {
			t.Errorf("%s: the name is not escaped in HTML", lang)
		}
	}
}

// msgID is a message id left in a text (what a missing message shows).
var msgID = regexp.MustCompile(`(^|[\s>(])e?mail\.[a-z_]+`)

// Every kind renders in every language, with no message id left showing,
// English durations and times written the recipient's way, and markup in
// the data escaped in HTML.
func TestEveryKindInEveryLanguage(t *testing.T) {
	data := map[string]string{"email": "ada@example.com", "url": "https://folio.test/x", "login_url": "https://folio.test/login",
		"expires_in": "30 minutes", "old_email": "old@example.com", "new_email": "new@example.com", "project": "Orders <API>",
		"error": "refused", "demo_url": "https://demo.test", "since": "2 Jan 2026 15:04 UTC", "count": "2", "items": "a\nb",
		"inviter": "Bo", "site": "https://folio.test", "filename": "a.mp4", "reason": "too long", "company": "Acme", "link": "recruiter",
		"application": "Acme (Dev)", "opened_at": "2026-01-02T15:04:05Z", "views": "25", "visitors": "9", "week": "2026-W47", "referrers": "x.com: 2 visitors"}
	want := map[string][]string{"en": {"30 minutes", "2 Jan 2026 15:04 UTC", "x.com: 2 visitors"}, "de": {"30 Minuten", "2. Jan. 2026 15:04 UTC", "x.com: 2 Besucher"},
		"es": {"30 minutos", "2 ene 2026 15:04 UTC", "x.com: 2 visitantes"}}
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		kind := strings.TrimSuffix(e.Name(), ".tmpl")
		if strings.HasPrefix(kind, "_") {
			continue
		}
		for lang := range want {
			r, err := Render(MessageData{Kind: folio.NotificationKind(kind), Lang: lang, OwnerName: "Ada", BaseURL: "https://folio.test", Data: data})
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, kind, err)
			}
			all := r.Subject + "\n" + r.Text + "\n" + r.HTML
			if msgID.MatchString(all) {
				t.Errorf("%s/%s: a message id shows:\n%s", lang, kind, all)
			}
			if strings.Contains(r.HTML, "<API>") {
				t.Errorf("%s/%s: data not escaped in HTML", lang, kind)
			}
			if lang != "en" && (strings.Contains(all, "Hi Ada") || strings.Contains(all, " minutes")) {
				t.Errorf("%s/%s: English left:\n%s", lang, kind, all)
			}
			for _, w := range want[lang] {
				if (kind == "demo_down" || kind == "demo_recovered") && strings.Contains(w, "2026") && !strings.Contains(all, w) {
					t.Errorf("%s/%s: no %q in\n%s", lang, kind, w, all)
				}
				if kind == "weekly_digest" && strings.HasPrefix(w, "x.com") && !strings.Contains(all, w) {
					t.Errorf("%s/%s: no %q in\n%s", lang, kind, w, all)
				}
				if kind == "password_reset" && strings.HasPrefix(w, "30") && !strings.Contains(all, w) {
					t.Errorf("%s/%s: no %q", lang, kind, w)
				}
			}
		}
	}
}
