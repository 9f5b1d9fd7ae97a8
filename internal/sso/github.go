package sso

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/foliohq/folio/internal/folio"
)

// GitHub's endpoints; GitHubConfig may point elsewhere (GitHub Enterprise
// Server, or a test server).
const (
	GitHubAuthURL  = "https://github.com/login/oauth/authorize"
	GitHubTokenURL = "https://github.com/login/oauth/access_token"
	GitHubAPIURL   = "https://api.github.com"
)

// maxGitHubBody bounds what is read of an API answer (a person's address
// list is a few hundred bytes).
const maxGitHubBody = 1 << 20

// GitHubConfig configures "Sign in with GitHub" (an OAuth app).
type GitHubConfig struct {
	ClientID     string
	ClientSecret string
	// RedirectURL is Folio's callback: {base}/auth/sso/github/callback.
	RedirectURL string
	// AuthURL, TokenURL and APIURL default to github.com's.
	AuthURL, TokenURL, APIURL string
	HTTPClient                *http.Client
}

// GitHub signs in through GitHub. GitHub is OAuth2 without ID tokens:
// who signed in is what its API says for the access token, and the
// address is the account's primary one, only when GitHub verified it.
type GitHub struct {
	cfg   GitHubConfig
	oauth oauth2.Config
}

// NewGitHub returns the provider of cfg.
func NewGitHub(cfg GitHubConfig) *GitHub {
	if cfg.AuthURL == "" {
		cfg.AuthURL = GitHubAuthURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = GitHubTokenURL
	}
	if cfg.APIURL == "" {
		cfg.APIURL = GitHubAPIURL
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &GitHub{cfg: cfg, oauth: oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
		Endpoint: oauth2.Endpoint{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL},
		Scopes:   []string{"read:user", "user:email"},
	}}
}

// ID implements Provider.
func (g *GitHub) ID() string { return ProviderGitHub }

// Label implements Provider.
func (g *GitHub) Label() string { return "GitHub" }

// AuthCodeURL implements Provider; GitHub has no nonce, only state and
// PKCE.
func (g *GitHub) AuthCodeURL(_ context.Context, state, _, verifier string) (string, error) {
	return g.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil
}

type githubUser struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
	Name  string `json:"name"`
}

type githubEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// Exchange implements Provider.
func (g *GitHub) Exchange(ctx context.Context, code, verifier, _ string) (*Claims, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, g.cfg.HTTPClient)
	tok, err := g.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("sso: github code exchange: %v: %w", err, errNotVerified)
	}
	client := g.oauth.Client(ctx, tok)
	var u githubUser
	if err := g.get(ctx, client, "/user", &u); err != nil {
		return nil, err
	}
	if u.ID <= 0 {
		return nil, fmt.Errorf("sso: github: user without id: %w", errNotVerified)
	}
	var emails []githubEmail
	if err := g.get(ctx, client, "/user/emails", &emails); err != nil {
		return nil, err
	}
	var primary *githubEmail
	for i := range emails {
		if emails[i].Primary {
			primary = &emails[i]
			break
		}
	}
	if primary == nil || primary.Email == "" || !primary.Verified {
		return nil, errUnverifiedEmail
	}
	return &Claims{Provider: ProviderGitHub, Subject: strconv.FormatInt(u.ID, 10), Email: primary.Email, Name: u.Name, Handle: u.Login}, nil
}

func (g *GitHub) get(ctx context.Context, client *http.Client, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.cfg.APIURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sso: github %s: %w", path, &folio.Error{Code: folio.EUNAVAILABLE, Message: "GitHub cannot be reached. Try again in a moment."})
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sso: github %s: status %d: %w", path, resp.StatusCode, errNotVerified)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxGitHubBody)).Decode(into); err != nil {
		return fmt.Errorf("sso: github %s: %v: %w", path, err, errNotVerified)
	}
	return nil
}
