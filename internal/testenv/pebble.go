package testenv

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const acmeHint = "install them with `go install github.com/letsencrypt/pebble/v2/cmd/pebble@v2.8.0 github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv@v2.8.0` (deploy/stack.sh does on its first run)"

// ChallTestSrv is a running pebble-challtestsrv used as a real DNS server:
// every name answers A 127.0.0.1 (and no AAAA) unless a test sets more,
// and TXT records are set through its management API.
type ChallTestSrv struct {
	// DNSAddr is the DNS server's host:port (UDP and TCP).
	DNSAddr string
	mgmt    string
}

// StartChallTestSrv starts pebble-challtestsrv on free loopback ports and
// stops it when the test ends; it fails the test with how to install the
// binary when it is missing.
func StartChallTestSrv(t testing.TB) *ChallTestSrv {
	t.Helper()
	bin := lookBin(t, "pebble-challtestsrv")
	s := &ChallTestSrv{DNSAddr: freeUDPAndTCPAddr(t), mgmt: freeAddr(t)}
	cmd := exec.Command(bin, "-dns01", s.DNSAddr, "-management", s.mgmt, "-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "",
		"-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
	startProcess(t, "pebble-challtestsrv", cmd)
	waitFor(t, "pebble-challtestsrv", func() bool {
		c, err := net.DialTimeout("tcp", s.mgmt, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return s
}

// SetTXT sets the TXT record of host (a name without the final dot).
func (s *ChallTestSrv) SetTXT(t testing.TB, host, value string) {
	t.Helper()
	s.post(t, "/set-txt", map[string]any{"host": host + ".", "value": value})
}

// ClearTXT removes host's TXT records.
func (s *ChallTestSrv) ClearTXT(t testing.TB, host string) {
	t.Helper()
	s.post(t, "/clear-txt", map[string]any{"host": host + "."})
}

func (s *ChallTestSrv) post(t testing.TB, path string, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post("http://"+s.mgmt+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("testenv: challtestsrv %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("testenv: challtestsrv %s: %s %s", path, resp.Status, msg)
	}
}

// Pebble is a running Pebble ACME server.
type Pebble struct {
	// Directory is the ACME directory URL.
	Directory string
	// CARootFile is the PEM of the certificate Pebble's own HTTPS
	// listener uses, which ACME clients must trust (FOLIO_TLS_ACME_CA_ROOT).
	CARootFile string
	CARoots    *x509.CertPool
	mgmt       string
}

// StartPebble starts Pebble on free loopback ports, resolving names
// through dnsAddr (a ChallTestSrv) and validating http-01 on httpPort and
// tls-alpn-01 on tlsPort of the address names resolve to; it stops when
// the test ends, and fails the test with how to install it when missing.
// Pebble validates at once (no random sleeps) and never rejects nonces,
// so an issuance takes about a second.
func StartPebble(t testing.TB, dnsAddr string, httpPort, tlsPort int) *Pebble {
	t.Helper()
	bin := lookBin(t, "pebble")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeSelfSigned(t, certFile, keyFile)
	listen, mgmt := freeAddr(t), freeAddr(t)
	conf := map[string]any{"pebble": map[string]any{
		"listenAddress": listen, "managementListenAddress": mgmt,
		"certificate": certFile, "privateKey": keyFile,
		"httpPort": httpPort, "tlsPort": tlsPort, "ocspResponderURL": "",
		"externalAccountBindingRequired": false,
	}}
	b, _ := json.Marshal(conf)
	confFile := filepath.Join(dir, "pebble.json")
	if err := os.WriteFile(confFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-config", confFile, "-dnsserver", dnsAddr)
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0")
	startProcess(t, "pebble", cmd)
	pool := x509.NewCertPool()
	pemBytes, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(pemBytes)
	p := &Pebble{Directory: "https://" + listen + "/dir", CARootFile: certFile, CARoots: pool, mgmt: mgmt}
	client := p.client()
	waitFor(t, "pebble", func() bool {
		resp, err := client.Get(p.Directory)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return p
}

func (p *Pebble) client() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.CARoots}}}
}

// IssuerRoots are the roots of the certificates Pebble issues (made anew
// each run), for a client that checks a served certificate.
func (p *Pebble) IssuerRoots(t testing.TB) *x509.CertPool {
	t.Helper()
	resp, err := p.client().Get("https://" + p.mgmt + "/roots/0")
	if err != nil {
		t.Fatalf("testenv: pebble roots: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("testenv: pebble roots: no PEM in %q", b)
	}
	return pool
}

func lookBin(t testing.TB, name string) string {
	t.Helper()
	if bin, err := exec.LookPath(name); err == nil {
		return bin
	}
	out, _ := exec.Command("go", "env", "GOPATH").Output()
	bin := filepath.Join(string(bytes.TrimSpace(out)), "bin", name)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("testenv: %s is not installed; %s", name, acmeHint)
	}
	return bin
}

// startProcess starts cmd, its output kept for the test's log, and stops
// it when the test ends.
func startProcess(t testing.TB, name string, cmd *exec.Cmd) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
}

func waitFor(t testing.TB, name string, ready func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			t.Fatalf("testenv: %s did not start within 30 s", name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeUDPAndTCPAddr is a loopback port free for both UDP and TCP (a DNS
// server listens on both).
func freeUDPAndTCPAddr(t testing.TB) string {
	t.Helper()
	for range 20 {
		addr := freeAddr(t)
		if c, err := net.ListenPacket("udp", addr); err == nil {
			c.Close()
			return addr
		}
	}
	t.Fatal("testenv: no free UDP and TCP port")
	return ""
}

// writeSelfSigned writes a certificate for localhost and 127.0.0.1.
func writeSelfSigned(t testing.TB, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "pebble test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Port is the port of a host:port.
func Port(t testing.TB, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	n, err2 := strconv.Atoi(p)
	if err != nil || err2 != nil {
		t.Fatalf("testenv: no port in %q", addr)
	}
	return n
}
