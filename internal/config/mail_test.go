package config

import (
	"strings"
	"testing"
)

func TestLoadMail(t *testing.T) {
	cfg, err := Load(lookupIn(validEnv()))
	if err != nil || cfg.SMTP != nil || cfg.SecretKey != nil {
		t.Fatalf("without mail variables: smtp %v, key %v, %v; want email off", cfg.SMTP, cfg.SecretKey, err)
	}
	env := validEnv()
	env["FOLIO_SMTP_URL"] = "smtps://mailer:pa%24%24@smtp.example.com"
	env["FOLIO_MAIL_FROM"] = "Folio <folio@example.com>"
	env["FOLIO_SECRET_KEY"] = strings.Repeat("ab", 32)
	cfg, err = Load(lookupIn(env))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.SMTP; s == nil || s.Host != "smtp.example.com" || s.Port != 465 || !s.ImplicitTLS || s.Username != "mailer" ||
		s.Password != "pa$$" || s.From != `"Folio" <folio@example.com>` || len(cfg.SecretKey) != 32 {
		t.Fatalf("parsed %+v, key %d bytes", cfg.SMTP, len(cfg.SecretKey))
	}
	env["FOLIO_SMTP_URL"] = "smtp://127.0.0.1:51025"
	if cfg, err = Load(lookupIn(env)); err != nil || cfg.SMTP.Port != 51025 || cfg.SMTP.ImplicitTLS {
		t.Fatalf("smtp on a port: %+v %v", cfg.SMTP, err)
	}
	for name, bad := range map[string]map[string]string{
		"FOLIO_SMTP_URL":   {"FOLIO_SMTP_URL": "http://mail.example.com", "FOLIO_MAIL_FROM": "a@example.com"},
		"FOLIO_MAIL_FROM":  {"FOLIO_SMTP_URL": "smtp://mail.example.com"},
		"FOLIO_SECRET_KEY": {"FOLIO_SECRET_KEY": "too-short"},
	} {
		env := validEnv()
		for k, v := range bad {
			env[k] = v
		}
		_, err := Load(lookupIn(env))
		cerr, ok := err.(*Error)
		if !ok || cerr.Problems[name] == "" {
			t.Errorf("%v: %v, want a problem with %s", bad, err, name)
		}
	}
	env = validEnv()
	env["FOLIO_SMTP_URL"], env["FOLIO_MAIL_FROM"] = "smtp://u:hunter2-secret@mail.example.com:99999", "a@example.com"
	if _, err := Load(lookupIn(env)); err == nil || strings.Contains(err.Error(), "hunter2-secret") {
		t.Fatalf("error %v must exist and must not contain the password", err)
	}
}
