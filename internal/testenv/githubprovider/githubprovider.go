// Package githubprovider serves GitHub's OAuth app endpoints and the two
// API calls "Sign in with GitHub" makes, for tests that cannot reach
// github.com: /login/oauth/authorize (which approves at once, as the
// signed-in user), /login/oauth/access_token (client secret, code and
// PKCE checked; a code works once), GET /user and GET /user/emails, with
// GitHub's shapes.
package githubprovider

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Email is one of a user's addresses, as /user/emails lists it.
type Email struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// User is a GitHub account.
type User struct {
	ID     int64   `json:"id"`
	Login  string  `json:"login"`
	Name   string  `json:"name"`
	Emails []Email `json:"-"`
}

// Server is the fake GitHub.
type Server struct {
	URL                    string
	ClientID, ClientSecret string

	mu      sync.Mutex
	current *User
	codes   map[string]grant
	tokens  map[string]*User
}

type grant struct {
	user      *User
	challenge string
	redirect  string
}

// Start serves a fake GitHub with one OAuth app until the test ends.
func Start(t testing.TB, clientID, clientSecret string) *Server {
	t.Helper()
	s := &Server{ClientID: clientID, ClientSecret: clientSecret, codes: map[string]grant{}, tokens: map[string]*User{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", s.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", s.accessToken)
	mux.HandleFunc("GET /user", s.user)
	mux.HandleFunc("GET /user/emails", s.emails)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// SignIn makes u the person signed in to GitHub in the browser: the next
// authorizations are theirs.
func (s *Server) SignIn(u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = u
}

func secret() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.ClientID {
		http.Error(w, "unknown client", http.StatusNotFound)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	u := s.current
	code := secret()
	if u != nil {
		s.codes[code] = grant{user: u, challenge: q.Get("code_challenge"), redirect: redirect.String()}
	}
	s.mu.Unlock()
	back := redirect.Query()
	if u == nil {
		back.Set("error", "access_denied")
	} else {
		back.Set("code", code)
	}
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) accessToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, sec, ok := r.BasicAuth()
	if !ok {
		id, sec = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if id != s.ClientID || sec != s.ClientSecret {
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "incorrect_client_credentials"})
		return
	}
	s.mu.Lock()
	g, found := s.codes[r.PostForm.Get("code")]
	delete(s.codes, r.PostForm.Get("code"))
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		// GitHub answers 200 with an error field.
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "bad_verification_code"})
		return
	}
	token := "gho_" + secret()
	s.mu.Lock()
	s.tokens[token] = g.user
	s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]string{"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})
}

func (s *Server) caller(r *http.Request) *User {
	h := r.Header.Get("Authorization")
	_, token, _ := strings.Cut(h, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[token]
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	u := s.caller(r)
	if u == nil {
		http.Error(w, `{"message":"Requires authentication"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(u)
}

func (s *Server) emails(w http.ResponseWriter, r *http.Request) {
	u := s.caller(r)
	if u == nil {
		http.Error(w, `{"message":"Requires authentication"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	emails := u.Emails
	if emails == nil {
		emails = []Email{}
	}
	_ = json.NewEncoder(w).Encode(emails)
}
