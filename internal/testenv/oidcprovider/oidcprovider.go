// Package oidcprovider runs a real OpenID Connect provider for tests: the
// certified OP of github.com/zitadel/oidc/v3 (pkg/op: discovery, JWKS,
// authorization code flow with PKCE, token and userinfo endpoints) on
// the in-memory storage of its example server, with a login page of its
// own and users a test adds. Knobs make it misbehave the way a broken or
// hostile provider would (another audience, an expired ID token, another
// nonce), so that tests see Folio refuse real signed tokens.
package oidcprovider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"
)

// User is a person who can sign in at the provider.
type User struct {
	Subject       string
	Username      string // also the preferred_username claim
	Password      string
	Email         string
	EmailVerified bool
	FirstName     string
	LastName      string
}

// Provider is a running OpenID provider.
type Provider struct {
	// Issuer is its URL (http://127.0.0.1:port), as in its discovery
	// document.
	Issuer string

	srv   *httptest.Server
	users *userStore
	store *tweakedStorage
}

// Client is a registered relying party.
type Client struct {
	ID, Secret  string
	RedirectURI string
}

// Start runs a provider with clients registered until the test ends.
func Start(t testing.TB, clients ...Client) *Provider {
	t.Helper()
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	users := &userStore{users: map[string]*storage.User{}}
	registered := map[string]*storage.Client{}
	for _, c := range clients {
		registered[c.ID] = storage.WebClient(c.ID, c.Secret, c.RedirectURI)
	}
	store := &tweakedStorage{Storage: storage.NewStorageWithClients(users, registered)}
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		t.Fatal(err)
	}
	config := &op.Config{
		CryptoKey:          key,
		CodeMethodS256:     true,
		AuthMethodPost:     true,
		SupportedUILocales: []language.Tag{language.English},
	}
	provider, err := op.NewProvider(config, store, op.StaticIssuer(srv.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("oidcprovider: %v", err)
	}
	mux := http.NewServeMux()
	l := &login{store: store, callback: op.AuthCallbackURL(provider)}
	mux.HandleFunc("GET /login/username", l.page)
	mux.Handle("POST /login/username", op.NewIssuerInterceptor(provider.IssuerFromRequest).HandlerFunc(l.check))
	p := &Provider{Issuer: srv.URL, srv: srv, users: users, store: store}
	mux.Handle("POST /oauth/token", p.substitute(provider))
	mux.Handle("/", provider)
	handler = mux
	return p
}

// substitute swaps the ID token of token responses for Tweak.IDToken.
func (p *Provider) substitute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		swap := p.store.current().IDToken
		if swap == "" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &body) == nil {
			body["id_token"] = swap
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(body)
			return
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// IDTokenFor signs username in as client c (a complete code flow, with
// nonce) and returns the ID token the provider issued to c.
func (p *Provider) IDTokenFor(t testing.TB, c Client, username, password, nonce string) string {
	t.Helper()
	conf := oauth2.Config{ClientID: c.ID, ClientSecret: c.Secret, RedirectURL: c.RedirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: p.Issuer + "/authorize", TokenURL: p.Issuer + "/oauth/token"},
		Scopes:   []string{"openid", "email", "profile"}}
	back := p.Login(t, http.DefaultClient, conf.AuthCodeURL("state", oauth2.SetAuthURLParam("nonce", nonce)), username, password)
	u, err := url.Parse(back)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := conf.Exchange(t.Context(), u.Query().Get("code"))
	if err != nil {
		t.Fatalf("oidcprovider: token for %s: %v", c.ID, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatalf("oidcprovider: no id_token for %s", c.ID)
	}
	return raw
}

// AddUser lets u sign in.
func (p *Provider) AddUser(u User) {
	p.users.mu.Lock()
	defer p.users.mu.Unlock()
	p.users.users[u.Subject] = &storage.User{ID: u.Subject, Username: u.Username, Password: u.Password, Email: u.Email,
		EmailVerified: u.EmailVerified, FirstName: u.FirstName, LastName: u.LastName, PreferredLanguage: language.English}
}

// Tweak makes the provider misbehave from now on; the zero Tweak is an
// honest provider.
type Tweak struct {
	// IDToken replaces the ID token of the next token responses: a token
	// the provider issued to another client (IDTokenFor), as an attacker
	// who holds one would substitute it.
	IDToken string
	// IDTokenLifetime replaces the ID token's lifetime (negative: issued
	// expired).
	IDTokenLifetime time.Duration
	// Nonce replaces the nonce the ID token carries.
	Nonce string
}

// Tweak sets how the provider misbehaves.
func (p *Provider) Tweak(tw Tweak) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.tweak = tw
}

// Login signs in at the provider's login page as a browser would: it
// fetches authURL (following redirects to the login page), posts the
// credentials and returns where the provider then sends the browser
// (Folio's callback, with code and state), without following it.
func (p *Provider) Login(t testing.TB, client *http.Client, authURL, username, password string) string {
	t.Helper()
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	loc := authURL
	for range 5 {
		resp, err := c.Get(loc)
		if err != nil {
			t.Fatalf("oidcprovider: GET %s: %v", loc, err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		next, err := resp.Location()
		if err != nil {
			t.Fatalf("oidcprovider: GET %s: status %d without Location", loc, resp.StatusCode)
		}
		loc = next.String()
	}
	u, err := http.NewRequest(http.MethodGet, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := u.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("oidcprovider: %s is not the login page", loc)
	}
	resp, err := c.PostForm(p.Issuer+"/login/username", map[string][]string{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("oidcprovider: login as %s: status %d", username, resp.StatusCode)
	}
	// The provider's callback redirects once more, to the client.
	next, _ := resp.Location()
	resp, err = c.Get(next.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := resp.Location()
	if err != nil {
		t.Fatalf("oidcprovider: no redirect back to the client (status %d)", resp.StatusCode)
	}
	return back.String()
}

type userStore struct {
	mu    sync.Mutex
	users map[string]*storage.User
}

func (s *userStore) GetUserByID(id string) *storage.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[id]
}

func (s *userStore) GetUserByUsername(name string) *storage.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Username == name {
			return u
		}
	}
	return nil
}

func (s *userStore) ExampleClientID() string { return storage.ServiceUserID }

// tweakedStorage is the example storage with the knobs of Tweak.
type tweakedStorage struct {
	*storage.Storage
	mu    sync.Mutex
	tweak Tweak
}

func (s *tweakedStorage) current() Tweak {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tweak
}

func (s *tweakedStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	if tw := s.current(); tw.IDTokenLifetime != 0 {
		return lifetimeClient{Client: c, lifetime: tw.IDTokenLifetime}, nil
	}
	return c, nil
}

func (s *tweakedStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if tw := s.current(); tw.Nonce != "" {
		return tweakedRequest{AuthRequest: r, tweak: tw}, nil
	}
	return r, nil
}

type lifetimeClient struct {
	op.Client
	lifetime time.Duration
}

func (c lifetimeClient) IDTokenLifetime() time.Duration { return c.lifetime }

type tweakedRequest struct {
	op.AuthRequest
	tweak Tweak
}

func (r tweakedRequest) GetNonce() string {
	if r.tweak.Nonce != "" {
		return r.tweak.Nonce
	}
	return r.AuthRequest.GetNonce()
}

// login is the provider's login page: username and password.
type login struct {
	store    *tweakedStorage
	callback func(context.Context, string) string
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
<body><h1>Test provider</h1>
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<button type="submit">Sign in</button>
</form></body></html>`))

func (l *login) page(w http.ResponseWriter, r *http.Request) {
	_ = loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
}

func (l *login) check(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.FormValue("id")
	if err := l.store.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = loginPage.Execute(w, map[string]string{"ID": id, "Error": err.Error()})
		return
	}
	http.Redirect(w, r, l.callback(r.Context(), id), http.StatusFound)
}
