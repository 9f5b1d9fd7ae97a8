package notify

import (
	"strings"
	"testing"
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
