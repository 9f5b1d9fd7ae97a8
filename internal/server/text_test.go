package server_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/server"
)

// withLogger sends the server's log to log, so that a test can see that a
// refusal was not logged as an error.
func withLogger(log *logBuffer) apiOption {
	l := slog.New(slog.NewJSONHandler(log, nil))
	return func(o *server.Options, _ *bun.DB) { o.Logger = l }
}

func assertNoErrorLogged(t *testing.T, logs *logBuffer) {
	t.Helper()
	for _, l := range logs.lines(t) {
		if l["level"] == "ERROR" {
			t.Errorf("error logged: %v", l)
		}
	}
}

// PostgreSQL text takes neither NUL nor invalid UTF-8: a body carrying one
// is refused naming the field, like any invalid field (422), never a failed
// query and a 500.
func TestNULInJSONBodiesIsAnInvalidField(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	a := newAPI(t, withLogger(logs))
	ada := a.signUp("ada")

	r := a.do(req{method: "POST", path: "/api/v1/auth/login", body: `{"email":"ada\u0000@example.com","password":"correct horse battery"}`})
	assertProblem(t, r, 422, "invalid")
	if f := r.fieldErrors(t); f["email"] == "" {
		t.Errorf("login: fields %v, want email", f)
	}
	r = a.do(req{method: "POST", path: "/api/v1/auth/register",
		body: `{"email":"bob\u0000@example.com","password":"correct horse battery","handle":"bob","display_name":"B\u0000b"}`})
	assertProblem(t, r, 422, "invalid")
	if f := r.fieldErrors(t); f["email"] == "" || f["display_name"] == "" {
		t.Errorf("register: fields %v, want email and display_name", f)
	}
	r = a.do(req{method: "POST", path: "/api/v1/projects", token: ada.token,
		body: `{"title":"Orders","tech_tags":["go","\u0000"],"pitch":{"problem":"a\u0000b"}}`})
	assertProblem(t, r, 422, "invalid")
	if f := r.fieldErrors(t); f["tech_tags[1]"] == "" || f["pitch.problem"] == "" {
		t.Errorf("project: fields %v, want tech_tags[1] and pitch.problem", f)
	}
	r = a.do(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: `{"bio":"\u0000"}`})
	assertProblem(t, r, 422, "invalid")
	// Invalid UTF-8 in JSON becomes U+FFFD on decoding, which is storable.
	a.expect(req{method: "POST", path: "/api/v1/auth/login", body: "{\"email\":\"ada\xff@example.com\",\"password\":\"x\"}"}, 401)
	assertNoErrorLogged(t, logs)
}

func TestUnsearchableExploreQueryIsA400Page(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	a := newAPI(t, withPages(t), withLogger(logs))
	for _, query := range []string{"q=%00", "q=go%00lang", "tag=%00", "tag=g%00o", "q=%ff%fe", "tag=%c3%28", "q=" + strings.Repeat("a", 201)} {
		resp, err := a.srv.App().Test(httptest.NewRequest("GET", "/explore?"+query, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("/explore?%s: %d %s, want a 400 page", query, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	a.expect(req{method: "GET", path: "/explore?q=go&tag=rust"}, 200)
	assertNoErrorLogged(t, logs)
}
