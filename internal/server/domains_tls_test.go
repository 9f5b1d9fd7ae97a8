package server_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/acmetls"
	"github.com/foliohq/folio/internal/testenv"
)

// TestCustomDomainTLSFromPebble is the custom domain end to end: verify
// jane.test by its TXT record in a real DNS server, then Folio's own HTTPS
// listener obtains its certificate from a real ACME server (Pebble, which
// resolves jane.test to loopback and validates at Folio's listeners) at
// the first handshake, and https://jane.test/ shows the portfolio with
// canonical URLs on the domain. An unverified domain gets no certificate.
func TestCustomDomainTLSFromPebble(t *testing.T) {
	dns := testenv.StartChallTestSrv(t)
	a := newAPI(t, withDomains(dns.DNSAddr))
	httpsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pebble := testenv.StartPebble(t, dns.DNSAddr, testenv.Port(t, httpLn.Addr().String()), testenv.Port(t, httpsLn.Addr().String()))

	store := testenv.Store(t)
	m, err := acmetls.New(acmetls.Options{CA: pebble.Directory, CARoots: pebble.CARoots, Email: "ops@example.com",
		Storage: &acmetls.Storage{Client: store.Client(), Bucket: store.Bucket(), DB: a.db},
		Allow:   a.srv.Hosts().Allow,
		TLSPort: testenv.Port(t, httpsLn.Addr().String()), HTTPPort: testenv.Port(t, httpLn.Addr().String())})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.srv.ServeTLS(httpsLn, m.TLSConfig()) }()
	hs := &http.Server{Handler: m.HTTPHandler(acmetls.RedirectHTTPS("")), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(httpLn) }()
	t.Cleanup(func() { _ = hs.Close(); _ = a.srv.App().Shutdown() })

	jane, bob := a.signUp("jane"), a.signUp("bob")
	a.createProject(jane, map[string]any{"title": "Orders API", "slug": "orders-api", "visibility": "public"})
	d := a.expect(req{method: "POST", path: "/api/v1/me/domains", token: jane.token, body: map[string]string{"domain": "jane.test"}}, 201).json(t)
	dns.SetTXT(t, "_folio-challenge.jane.test", d["records"].([]any)[0].(map[string]any)["value"].(string))
	if v := a.expect(req{method: "POST", path: "/api/v1/me/domains/" + itoa(id(d)) + "/verify", token: jane.token}, 200).json(t); v["verified"] != true {
		t.Fatalf("not verified: %v", v)
	}
	// bob's domain is attached but never verified.
	a.expect(req{method: "POST", path: "/api/v1/me/domains", token: bob.token, body: map[string]string{"domain": "bob.test"}}, 201)

	// A browser that resolves every name to Folio's HTTPS listener and
	// trusts Pebble's issuing root.
	client := &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, httpsLn.Addr().String())
		},
		TLSClientConfig: &tls.Config{RootCAs: pebble.IssuerRoots(t)},
	}}
	resp, err := client.Get("https://jane.test/")
	if err != nil {
		t.Fatalf("https://jane.test/: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("https://jane.test/: %d %s", resp.StatusCode, body)
	}
	if leaf := resp.TLS.PeerCertificates[0]; leaf.VerifyHostname("jane.test") != nil || !strings.Contains(leaf.Issuer.CommonName, "Pebble") {
		t.Errorf("certificate for %v issued by %q", leaf.DNSNames, leaf.Issuer.CommonName)
	}
	for _, want := range []string{`<link rel="canonical" href="https://jane.test/">`, `<meta property="og:url" content="https://jane.test/">`, `"url":"https://jane.test/orders-api"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("https://jane.test/ lacks %s", want)
		}
	}
	resp, err = client.Get("https://jane.test/orders-api")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `<link rel="canonical" href="https://jane.test/orders-api">`) {
		t.Errorf("project page on the domain: %d, canonical missing", resp.StatusCode)
	}

	// The certificate was stored in MinIO for every process.
	keys, err := store.Keys(context.Background(), acmetls.Prefix)
	if err != nil || !hasSuffix(keys, "jane.test.crt") {
		t.Errorf("stored TLS objects %v (%v): no jane.test.crt", keys, err)
	}

	// An unverified domain and an unknown one: no certificate, the
	// handshake fails.
	for _, name := range []string{"bob.test", "nobody.test"} {
		_, err := client.Get("https://" + name + "/")
		var certErr *tls.CertificateVerificationError
		if err == nil || errors.As(err, &certErr) {
			t.Errorf("https://%s/: %v, want a failed handshake", name, err)
		}
	}
	// A Host that is not the certificate's name: a plain 404.
	r, _ := http.NewRequest("GET", "https://jane.test/", nil)
	r.Host = "nobody.test"
	resp, err = client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown Host over TLS: %d", resp.StatusCode)
	}

	// The ask endpoint a reverse proxy would use, from loopback.
	plain := &http.Client{Timeout: 10 * time.Second}
	base := a.listen()
	for name, want := range map[string]int{"jane.test": 200, "bob.test": 404, "nobody.test": 404, "example.com": 200} {
		resp, err := plain.Get(base + "/internal/tls/ask?domain=" + name)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("ask %s: %d, want %d", name, resp.StatusCode, want)
		}
	}
}

func hasSuffix(keys []string, suffix string) bool {
	for _, k := range keys {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}
