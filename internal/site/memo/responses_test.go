package memo_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/site/memo"
)

func TestResponsesAnswersRepeatedQueriesOnce(t *testing.T) {
	calls := map[string]int{}
	app := fiber.New()
	signedIn := func(c *fiber.Ctx) error {
		if c.Get("X-Test-User") != "" {
			// What request.Authenticate leaves for a signed-in visitor.
			c.Locals("identity", &auth.Identity{User: &folio.User{ID: 1}})
		}
		return c.Next()
	}
	m := memo.New()
	app.Get("/explore", signedIn, memo.Responses(m), func(c *fiber.Ctx) error {
		q := strings.Clone(c.Query("q")) // fiber's strings point into reused buffers
		calls[q]++
		if q == "bad" {
			return c.Status(fiber.StatusBadRequest).SendString("refused")
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString("results for " + q)
	})
	get := func(target string, signedIn bool) (int, string, string) {
		t.Helper()
		req := httptest.NewRequest("GET", target, nil)
		if signedIn {
			req.Header.Set("X-Test-User", "1")
		}
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header.Get(fiber.HeaderCacheControl)
	}
	for range 3 {
		if code, body, cc := get("/explore?q=go", false); code != 200 || body != "results for go" || cc != "public, max-age=60" {
			t.Fatalf("GET /explore?q=go: %d %q, Cache-Control %q", code, body, cc)
		}
	}
	get("/explore?q=rust", false)
	get("/explore?q=bad", false)
	get("/explore?q=bad", false)
	get("/explore?q=go", true)
	if calls["go"] != 2 || calls["rust"] != 1 || calls["bad"] != 2 {
		t.Fatalf("handler calls %v: want go twice (once anonymous, once signed in), rust once, the refusal every time", calls)
	}
	// A change to any owner's pages drops the listings, which may show them.
	m.Forget(42)
	get("/explore?q=go", false)
	if calls["go"] != 3 {
		t.Fatalf("after Forget: %d calls for go, want 3", calls["go"])
	}
}
