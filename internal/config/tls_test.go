package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTLSAndProxySettings(t *testing.T) {
	cfg, err := Load(lookupIn(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TLS.Enabled() || cfg.TrustedProxies != nil || cfg.DNSResolver != "" {
		t.Errorf("defaults: TLS %+v, proxies %v, resolver %q", cfg.TLS, cfg.TrustedProxies, cfg.DNSResolver)
	}
	root := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(root, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := validEnv()
	env["FOLIO_TLS_ADDR"], env["FOLIO_TLS_HTTP_ADDR"] = ":443", ":80"
	env["FOLIO_TLS_ACME_CA"], env["FOLIO_TLS_ACME_EMAIL"], env["FOLIO_TLS_ACME_CA_ROOT"] = "https://ca.test/dir", "ops@example.com", root
	env["FOLIO_TRUSTED_PROXIES"], env["FOLIO_DNS_RESOLVER"] = "10.0.0.0/8, 192.168.1.7,::1", "127.0.0.1:5353"
	cfg, err = Load(lookupIn(env))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.TLS.Enabled() || cfg.TLS.HTTPAddr != ":80" || cfg.TLS.ACMECA != "https://ca.test/dir" || len(cfg.TrustedProxies) != 3 || cfg.DNSResolver != "127.0.0.1:5353" {
		t.Errorf("parsed %+v %v %q", cfg.TLS, cfg.TrustedProxies, cfg.DNSResolver)
	}
	bad := validEnv()
	bad["FOLIO_TLS_ADDR"], bad["FOLIO_TLS_ACME_CA"], bad["FOLIO_TLS_ACME_EMAIL"] = "443", "http://ca.test", "nope"
	bad["FOLIO_TLS_ACME_CA_ROOT"], bad["FOLIO_TRUSTED_PROXIES"], bad["FOLIO_DNS_RESOLVER"] = "/no/such.pem", "10.0.0.0/33", "dns"
	_, err = Load(lookupIn(bad))
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("err %v", err)
	}
	for _, name := range []string{"FOLIO_TLS_ADDR", "FOLIO_TLS_ACME_CA", "FOLIO_TLS_ACME_EMAIL", "FOLIO_TLS_ACME_CA_ROOT", "FOLIO_TRUSTED_PROXIES", "FOLIO_DNS_RESOLVER"} {
		if e.Problems[name] == "" {
			t.Errorf("%s: no problem reported", name)
		}
	}
}
