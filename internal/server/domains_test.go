package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/wire"
)

// withDomains turns custom domains on for the instance at
// http://example.com (httptest's Host), verifying through the DNS server
// at resolver.
func withDomains(resolver string) apiOption {
	return func(o *server.Options, db *bun.DB) {
		o.BaseURL = &url.URL{Scheme: "http", Host: "example.com"}
		o.Domains = wire.Domains(wire.Pools{DB: db}, "example.com", resolver)
	}
}

func onHost(host string) map[string]string { return map[string]string{"Host": host} }

// get fetches path on host (httptest sends no Host header of its own
// choosing, so it is set on the request's URL).
func (a *harness) getOn(host, path string) response {
	a.t.Helper()
	return a.do(req{method: "GET", path: "http://" + host + path})
}

func TestCustomDomainAPIVerifyAndHostRouting(t *testing.T) {
	dns := testenv.StartChallTestSrv(t)
	a := newAPI(t, withDomains(dns.DNSAddr))
	jane, mallory := a.signUp("jane"), a.signUp("mallory")
	a.createProject(jane, map[string]any{"title": "Orders API", "slug": "orders-api", "visibility": "public", "tagline": "Orders, fast."})

	// Validation: what is not a public domain name, or is this Folio's own.
	for _, bad := range []string{"", "127.0.0.1", "[::1]", "localhost", "jane", "example.com", "www.example.com", "a..b", "jane.local", "-x.dev", strings.Repeat("a", 64) + ".dev"} {
		r := a.expect(req{method: "POST", path: "/api/v1/me/domains", token: jane.token, body: map[string]string{"domain": bad}}, 422)
		if r.fieldErrors(t)["domain"] == "" {
			t.Errorf("%q: no domain field error in %s", bad, r.body)
		}
	}
	added := a.expect(req{method: "POST", path: "/api/v1/me/domains", token: jane.token, body: map[string]string{"domain": " https://Jane.Test/ "}}, 201).json(t)
	if added["domain"] != "jane.test" || added["verified"] != false {
		t.Fatalf("added %v", added)
	}
	domainID := itoa(id(added))
	recs := added["records"].([]any)
	txt := recs[0].(map[string]any)
	if txt["type"] != "TXT" || txt["name"] != "_folio-challenge.jane.test" || !strings.HasPrefix(txt["value"].(string), "folio-verify=") {
		t.Fatalf("TXT record %v", txt)
	}
	if recs[1].(map[string]any)["type"] != "A" {
		t.Errorf("apex domain: want A records to point it, got %v", recs[1])
	}

	// Another owner: the name is taken; jane's domain is a 404 to them.
	a.expect(req{method: "POST", path: "/api/v1/me/domains", token: mallory.token, body: map[string]string{"domain": "jane.test"}}, 409)
	a.expect(req{method: "POST", path: "/api/v1/me/domains/" + domainID + "/verify", token: mallory.token}, 404)
	a.expect(req{method: "DELETE", path: "/api/v1/me/domains/" + domainID, token: mallory.token}, 404)
	if items := a.expect(req{method: "GET", path: "/api/v1/me/domains", token: mallory.token}, 200).json(t)["items"].([]any); len(items) != 0 {
		t.Fatalf("mallory sees %v", items)
	}
	a.expect(req{method: "GET", path: "/api/v1/me/domains"}, 401)

	// Unverified: the domain serves nothing.
	if r := a.getOn("jane.test", "/"); r.status != 404 || string(r.body) != "Not found\n" {
		t.Fatalf("unverified domain: %d %q", r.status, r.body)
	}
	// No record yet: not verified, and told why.
	v := a.expect(req{method: "POST", path: "/api/v1/me/domains/" + domainID + "/verify", token: jane.token}, 200).json(t)
	if v["verified"] != false || !strings.Contains(v["last_error"].(string), "No TXT record") {
		t.Fatalf("verify without a record: %v", v)
	}
	dns.SetTXT(t, "_folio-challenge.jane.test", "folio-verify=wrong")
	v = a.expect(req{method: "POST", path: "/api/v1/me/domains/" + domainID + "/verify", token: jane.token}, 200).json(t)
	if v["verified"] != false || !strings.Contains(v["last_error"].(string), "does not hold") {
		t.Fatalf("verify with a wrong record: %v", v)
	}
	dns.ClearTXT(t, "_folio-challenge.jane.test")
	dns.SetTXT(t, "_folio-challenge.jane.test", txt["value"].(string))
	v = a.expect(req{method: "POST", path: "/api/v1/me/domains/" + domainID + "/verify", token: jane.token}, 200).json(t)
	if v["verified"] != true || v["url"] != "https://jane.test/" {
		t.Fatalf("verify: %v", v)
	}

	// The portfolio at the root, its project at /{slug}, with canonical
	// URLs, og:url, JSON-LD and links on the domain.
	home := a.getOn("jane.test", "/")
	if home.status != 200 {
		t.Fatalf("GET jane.test/: %d %q %v", home.status, home.body, home.header)
	}
	for _, want := range []string{`<link rel="canonical" href="http://jane.test/">`, `<meta property="og:url" content="http://jane.test/">`,
		`"url":"http://jane.test/orders-api"`, `href="/orders-api"`} {
		if !strings.Contains(string(home.body), want) {
			t.Errorf("jane.test/ lacks %s", want)
		}
	}
	if strings.Contains(string(home.body), "example.com/jane") {
		t.Errorf("jane.test/ links to the instance's page")
	}
	proj := a.getOn("jane.test", "/orders-api")
	if proj.status != 200 || !strings.Contains(string(proj.body), `<link rel="canonical" href="http://jane.test/orders-api">`) {
		t.Fatalf("jane.test/orders-api: %d, canonical missing", proj.status)
	}
	if r := a.getOn("jane.test", "/Orders-API"); r.status != 301 || r.header.Get("Location") != "/orders-api" {
		t.Errorf("another spelling: %d to %q", r.status, r.header.Get("Location"))
	}
	sitemap := a.getOn("jane.test", "/sitemap.xml")
	if !strings.Contains(string(sitemap.body), "<loc>http://jane.test/orders-api</loc>") || !strings.Contains(string(sitemap.body), "<loc>http://jane.test/</loc>") {
		t.Errorf("sitemap: %s", sitemap.body)
	}
	if r := a.getOn("jane.test", "/robots.txt"); !strings.Contains(string(r.body), "Sitemap: http://jane.test/sitemap.xml") {
		t.Errorf("robots.txt: %s", r.body)
	}
	// The portfolio's own stylesheet and the favicon load on the domain
	// by the paths its pages name.
	a.expect(req{method: "PUT", path: "/api/v1/me/appearance", token: jane.token, body: map[string]any{"theme": "studio", "color_mode": "auto", "accent": "#1d4ed8", "custom_css": "h1 { letter-spacing: 1px }"}}, 200)
	sheet := regexp.MustCompile(`href="(/jane/style\.css\?v=\d+)"`).FindStringSubmatch(string(a.getOn("jane.test", "/").body))
	if sheet == nil {
		t.Fatal("jane.test/ names no stylesheet of its own")
	}
	if r := a.getOn("jane.test", sheet[1]); r.status != 200 || !strings.Contains(string(r.body), "letter-spacing") {
		t.Errorf("jane.test%s: %d %s", sheet[1], r.status, r.body)
	}
	if r := a.getOn("jane.test", "/favicon.ico"); r.status != 200 {
		t.Errorf("jane.test/favicon.ico: %d", r.status)
	}
	// Only the portfolio: the rest of the instance is not on the domain,
	// and no cookie is set.
	for _, p := range []string{"/dashboard", "/jane", "/api/v1/me", "/login", "/mallory"} {
		if r := a.getOn("jane.test", p); r.status != 404 {
			t.Errorf("jane.test%s: %d, want 404", p, r.status)
		}
	}
	if c := home.header.Values("Set-Cookie"); len(c) > 0 {
		t.Errorf("public page on the domain sets cookies: %v", c)
	}

	// The instance's own page is unchanged, and cached apart: the domain's
	// page, served from the memo, keeps its own URLs.
	own := a.getOn("example.com", "/jane")
	if own.status != 200 || !strings.Contains(string(own.body), `<link rel="canonical" href="http://example.com/jane">`) {
		t.Fatalf("example.com/jane: %d", own.status)
	}
	again := a.getOn("jane.test", "/")
	if again.header.Get("X-Cache") == "" || !strings.Contains(string(again.body), `href="http://jane.test/"`) {
		t.Errorf("cached domain page: X-Cache %q, canonical kept: %v", again.header.Get("X-Cache"), strings.Contains(string(again.body), `href="http://jane.test/"`))
	}
	if r := a.getOn("example.com", "/jane"); !strings.Contains(string(r.body), `href="http://example.com/jane"`) {
		t.Errorf("instance page after the domain's: canonical changed")
	}

	// Unknown hosts: a plain 404, but health probes answer anywhere.
	for _, h := range []string{"evil.example", "mallory.test", "10.0.0.1"} {
		if r := a.getOn(h, "/jane"); r.status != 404 || string(r.body) != "Not found\n" {
			t.Errorf("host %s: %d %q", h, r.status, r.body)
		}
	}
	if r := a.getOn("10.0.0.1:8080", "/healthz"); r.status != 200 {
		t.Errorf("healthz by IP: %d", r.status)
	}

	// Removed: the domain serves nothing again, at once.
	a.expect(req{method: "DELETE", path: "/api/v1/me/domains/" + domainID, token: jane.token}, 204)
	if r := a.getOn("jane.test", "/"); r.status != 404 {
		t.Errorf("removed domain: %d", r.status)
	}
}

func TestCustomDomainLimitPerOwner(t *testing.T) {
	a := newAPI(t, withDomains("127.0.0.1:1"))
	ada := a.signUp("ada")
	for _, d := range []string{"ada.dev", "www.ada.dev", "ada.io"} {
		a.expect(req{method: "POST", path: "/api/v1/me/domains", token: ada.token, body: map[string]string{"domain": d}}, 201)
	}
	a.expect(req{method: "POST", path: "/api/v1/me/domains", token: ada.token, body: map[string]string{"domain": "ada.org"}}, 409)
	// International names are stored as A-labels.
	bob := a.signUp("bob")
	r := a.expect(req{method: "POST", path: "/api/v1/me/domains", token: bob.token, body: map[string]string{"domain": "Bücher.Example"}}, 201).json(t)
	if r["domain"] != "xn--bcher-kva.example" {
		t.Errorf("IDN stored as %v", r["domain"])
	}
}

func TestDomainDashboardPage(t *testing.T) {
	a := newAPI(t, withDomains("127.0.0.1:1"))
	jane, mallory := a.signUp("jane"), a.signUp("mallory")
	cookies, csrf := browserSession(t, a, jane)
	form := func(path, body string, c string) response {
		return a.do(req{method: "POST", path: path, body: body, headers: map[string]string{"Cookie": c, "Content-Type": "application/x-www-form-urlencoded"}})
	}
	if r := form("/dashboard/domain", "domain=jane.dev", cookies); r.status != 403 {
		t.Fatalf("form without CSRF: %d", r.status)
	}
	if r := form("/dashboard/domain", "domain=jane.dev&_csrf="+url.QueryEscape(csrf), cookies); r.status != 303 {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	page := a.do(req{method: "GET", path: "/dashboard/domain", headers: map[string]string{"Cookie": cookies}})
	for _, want := range []string{"jane.dev", "_folio-challenge.jane.dev", "folio-verify=", "Not verified yet"} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if r := form("/dashboard/domain", "domain=jane.local&_csrf="+url.QueryEscape(csrf), cookies); r.status != 422 || !strings.Contains(string(r.body), "must be a public domain name") {
		t.Errorf("bad domain: %d", r.status)
	}
	items := a.expect(req{method: "GET", path: "/api/v1/me/domains", token: jane.token}, 200).json(t)["items"].([]any)
	did := itoa(id(items[0].(map[string]any)))
	// Another owner's forms on jane's domain: 404.
	mc, mcsrf := browserSession(t, a, mallory)
	if r := form("/dashboard/domain/"+did+"/delete", "_csrf="+url.QueryEscape(mcsrf), mc); r.status != 404 {
		t.Errorf("mallory deletes jane's domain: %d", r.status)
	}
	if r := form("/dashboard/domain/"+did+"/verify", "_csrf="+url.QueryEscape(mcsrf), mc); r.status != 404 {
		t.Errorf("mallory verifies jane's domain: %d", r.status)
	}
	if r := form("/dashboard/domain/"+did+"/delete", "_csrf="+url.QueryEscape(csrf), cookies); r.status != 303 {
		t.Errorf("delete: %d", r.status)
	}
	if r := a.do(req{method: "GET", path: "/dashboard", headers: map[string]string{"Cookie": cookies}}); !strings.Contains(string(r.body), `href="/dashboard/domain"`) {
		t.Errorf("dashboard does not link the domain page")
	}
}

// browserSession returns the Cookie header of acct's login and its CSRF
// token.
func browserSession(t *testing.T, a *harness, acct account) (cookie, csrf string) {
	t.Helper()
	var parts []string
	for _, c := range (&http.Response{Header: acct.login.header}).Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
		if c.Name == "folio_csrf" {
			csrf = c.Value
		}
	}
	if csrf == "" {
		t.Fatalf("no CSRF cookie in the login response: %v", acct.login.header.Values("Set-Cookie"))
	}
	return strings.Join(parts, "; "), csrf
}
