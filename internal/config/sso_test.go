package config

import (
	"errors"
	"slices"
	"testing"
)

func TestSSODefaultsToOpenWithoutProviders(t *testing.T) {
	cfg, err := Load(lookupIn(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.SSO; s.Registration != "open" || s.OIDCIssuer != "" || s.GitHubClientID != "" || s.OIDCHandleClaim != "preferred_username" {
		t.Errorf("SSO defaults = %+v", s)
	}
}

func TestSSOReadsProviders(t *testing.T) {
	env := validEnv()
	env["FOLIO_REGISTRATION"] = "sso"
	env["FOLIO_OIDC_ISSUER"] = "https://login.school.edu/realms/main"
	env["FOLIO_OIDC_CLIENT_ID"] = "folio"
	env["FOLIO_OIDC_CLIENT_SECRET"] = "s3cret"
	env["FOLIO_OIDC_ALLOWED_DOMAINS"] = "School.edu, @alumni.school.edu"
	env["FOLIO_OIDC_HANDLE_CLAIM"] = "nickname"
	env["FOLIO_GITHUB_CLIENT_ID"] = "gh"
	env["FOLIO_GITHUB_CLIENT_SECRET"] = "gh-secret"
	cfg, err := Load(lookupIn(env))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.SSO
	if s.Registration != "sso" || s.OIDCHandleClaim != "nickname" || !slices.Equal(s.OIDCAllowedDomains, []string{"school.edu", "alumni.school.edu"}) {
		t.Errorf("SSO = %+v", s)
	}
}

func TestSSOReportsEveryBadVariable(t *testing.T) {
	env := validEnv()
	env["FOLIO_REGISTRATION"] = "closed"
	env["FOLIO_OIDC_ISSUER"] = "login.school.edu"
	env["FOLIO_OIDC_ALLOWED_DOMAINS"] = "school.edu,not a domain"
	env["FOLIO_OIDC_HANDLE_CLAIM"] = "a claim"
	env["FOLIO_GITHUB_CLIENT_ID"] = "gh"
	env["FOLIO_GITHUB_API_URL"] = "ftp://example.com"
	_, err := Load(lookupIn(env))
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("Load: %v, want *Error", err)
	}
	for _, name := range []string{"FOLIO_REGISTRATION", "FOLIO_OIDC_ISSUER", "FOLIO_OIDC_CLIENT_ID", "FOLIO_OIDC_CLIENT_SECRET",
		"FOLIO_OIDC_ALLOWED_DOMAINS", "FOLIO_OIDC_HANDLE_CLAIM", "FOLIO_GITHUB_CLIENT_SECRET", "FOLIO_GITHUB_API_URL"} {
		if cerr.Problems[name] == "" {
			t.Errorf("no problem reported for %s (got %v)", name, cerr.Problems)
		}
	}
}

func TestSSOOnlyNeedsAProvider(t *testing.T) {
	env := validEnv()
	env["FOLIO_REGISTRATION"] = "sso"
	_, err := Load(lookupIn(env))
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Problems["FOLIO_REGISTRATION"] == "" {
		t.Fatalf("Load: %v, want FOLIO_REGISTRATION refused without a provider", err)
	}
}
