package config

import (
	"net/url"
	"regexp"
	"strings"
)

// SSO is how people sign in and sign up beyond a password.
type SSO struct {
	// Registration is FOLIO_REGISTRATION: "open" (default), "invite" or
	// "sso".
	Registration string

	// OIDC is on when OIDCIssuer is set.
	OIDCIssuer         string
	OIDCClientID       string
	OIDCClientSecret   string
	OIDCDisplayName    string
	OIDCHandleClaim    string
	OIDCAllowedDomains []string

	// GitHub is on when GitHubClientID is set. The URLs default to
	// github.com's; GitHub Enterprise Server (or a test server) sets them.
	GitHubClientID     string
	GitHubClientSecret string
	GitHubAuthURL      string
	GitHubTokenURL     string
	GitHubAPIURL       string
}

var claimPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// sso reads the FOLIO_REGISTRATION, FOLIO_OIDC_* and FOLIO_GITHUB_*
// variables.
func (p *parser) sso() SSO {
	s := SSO{
		Registration:       p.oneOf("FOLIO_REGISTRATION", "open", "open", "invite", "sso"),
		OIDCIssuer:         p.value("FOLIO_OIDC_ISSUER", ""),
		OIDCClientID:       p.value("FOLIO_OIDC_CLIENT_ID", ""),
		OIDCClientSecret:   p.value("FOLIO_OIDC_CLIENT_SECRET", ""),
		OIDCDisplayName:    p.value("FOLIO_OIDC_DISPLAY_NAME", "single sign-on"),
		OIDCHandleClaim:    p.value("FOLIO_OIDC_HANDLE_CLAIM", "preferred_username"),
		GitHubClientID:     p.value("FOLIO_GITHUB_CLIENT_ID", ""),
		GitHubClientSecret: p.value("FOLIO_GITHUB_CLIENT_SECRET", ""),
		GitHubAuthURL:      p.optionalURL("FOLIO_GITHUB_AUTH_URL"),
		GitHubTokenURL:     p.optionalURL("FOLIO_GITHUB_TOKEN_URL"),
		GitHubAPIURL:       p.optionalURL("FOLIO_GITHUB_API_URL"),
	}
	if s.OIDCIssuer != "" {
		if u, err := url.Parse(s.OIDCIssuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.fail("FOLIO_OIDC_ISSUER", "must be the issuer's http(s) URL, as in its /.well-known/openid-configuration (got %q)", s.OIDCIssuer)
		}
		if s.OIDCClientID == "" {
			p.fail("FOLIO_OIDC_CLIENT_ID", "is required with FOLIO_OIDC_ISSUER")
		}
		if s.OIDCClientSecret == "" {
			p.fail("FOLIO_OIDC_CLIENT_SECRET", "is required with FOLIO_OIDC_ISSUER")
		}
	} else if s.OIDCClientID != "" {
		p.fail("FOLIO_OIDC_ISSUER", "is required with FOLIO_OIDC_CLIENT_ID")
	}
	for _, d := range strings.FieldsFunc(p.value("FOLIO_OIDC_ALLOWED_DOMAINS", ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		d = strings.ToLower(strings.TrimPrefix(d, "@"))
		if !domainPattern.MatchString(d) {
			p.fail("FOLIO_OIDC_ALLOWED_DOMAINS", "must be domains separated by commas, such as school.edu,alumni.school.edu (got %q)", d)
			continue
		}
		s.OIDCAllowedDomains = append(s.OIDCAllowedDomains, d)
	}
	if !claimPattern.MatchString(s.OIDCHandleClaim) {
		p.fail("FOLIO_OIDC_HANDLE_CLAIM", "must be a claim name such as preferred_username (got %q)", s.OIDCHandleClaim)
	}
	if (s.GitHubClientID == "") != (s.GitHubClientSecret == "") {
		p.fail("FOLIO_GITHUB_CLIENT_SECRET", "FOLIO_GITHUB_CLIENT_ID and FOLIO_GITHUB_CLIENT_SECRET are set together")
	}
	if s.Registration == "sso" && s.OIDCIssuer == "" && s.GitHubClientID == "" {
		p.fail("FOLIO_REGISTRATION", "is sso, but no provider is configured (FOLIO_OIDC_ISSUER or FOLIO_GITHUB_CLIENT_ID)")
	}
	return s
}

func (p *parser) optionalURL(name string) string {
	v := p.value(name, "")
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(name, "must be an absolute http(s) URL (got %q)", v)
	}
	return v
}
