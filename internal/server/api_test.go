package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/testenv"
)

// harness is a Folio HTTP server on this test's own database and Redis.
type harness struct {
	t   *testing.T
	srv *server.Server
	db  *bun.DB
}

// apiOption changes the server's options; db is the test's database.
type apiOption func(o *server.Options, db *bun.DB)

func withLimits(l api.Limits) apiOption {
	return func(o *server.Options, _ *bun.DB) { o.API.Limits = l }
}

func newAPI(t *testing.T, opts ...apiOption) *harness {
	t.Helper()
	db := testenv.Postgres(t)
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	o := servertest.Options(db, rdb)
	o.Logger = quietLogger
	for _, opt := range opts {
		opt(&o, db)
	}
	if o.PublicLimit.Rate == 0 {
		o.PublicLimit = servertest.Plenty
	}
	return &harness{t: t, srv: server.New(o), db: db}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// fieldErrors maps each field of a problem's errors list to its message.
func (r response) fieldErrors(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	list, _ := r.json(t)["errors"].([]any)
	for _, e := range list {
		m := e.(map[string]any)
		out[m["field"].(string)] = m["message"].(string)
	}
	return out
}

type req struct {
	method, path string
	body         any               // marshalled to JSON unless a string or []byte
	token        string            // bearer token
	headers      map[string]string // extra headers
}

func (a *harness) do(r req) response {
	a.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	resp, err := a.srv.App().Test(hr, -1)
	if err != nil {
		a.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (a *harness) expect(r req, status int) response {
	a.t.Helper()
	resp := a.do(r)
	if resp.status != status {
		a.t.Fatalf("%s %s: status %d, want %d; body %s", r.method, r.path, resp.status, status, resp.body)
	}
	return resp
}

type account struct {
	id     int64
	handle string
	email  string
	token  string
	login  response
}

var accountSeq atomic.Int64

// signUp registers and logs in a new account.
func (a *harness) signUp(handle string) account {
	a.t.Helper()
	email := fmt.Sprintf("%s-%d@example.com", handle, accountSeq.Add(1))
	a.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
		"email": email, "password": "correct horse battery", "handle": handle, "display_name": strings.ToUpper(handle),
	}}, 201)
	login := a.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": email, "password": "correct horse battery"}}, 200)
	var body api.LoginResponse
	if err := json.Unmarshal(login.body, &body); err != nil {
		a.t.Fatalf("login body %q: %v", login.body, err)
	}
	return account{id: body.User.ID, handle: handle, email: email, token: body.Token, login: login}
}

func (a *harness) createProject(acct account, body map[string]any) api.ProjectResponse {
	a.t.Helper()
	var p api.ProjectResponse
	if err := json.Unmarshal(a.expect(req{method: "POST", path: "/api/v1/projects", token: acct.token, body: body}, 201).body, &p); err != nil {
		a.t.Fatalf("project response: %v", err)
	}
	return p
}

func id(m map[string]any) int64 { return int64(m["id"].(float64)) }

func assertProblem(t *testing.T, r response, status int, typ string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if got := r.json(t)["type"]; got != "https://folio.dev/problems/"+typ {
		t.Errorf("problem type %v, want %s", got, typ)
	}
}

// listen serves the API on a loopback port until the test ends and
// returns its base URL, for tests that need a real socket.
func (a *harness) listen() string {
	a.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.t.Fatal(err)
	}
	go func() { _ = a.srv.Serve(ln) }()
	a.t.Cleanup(func() { _ = a.srv.App().Shutdown() })
	return "http://" + ln.Addr().String()
}
