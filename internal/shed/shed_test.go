package shed_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/shed"
)

func TestLimiterShedsWhenNoSlotFreesUp(t *testing.T) {
	t.Parallel()
	l := shed.New(1, 20*time.Millisecond)
	entered, release := make(chan struct{}), make(chan struct{})
	app := fiber.New()
	app.Get("/slow", l.Handler, func(c *fiber.Ctx) error {
		entered <- struct{}{}
		<-release
		return c.SendString("done")
	})
	app.Get("/fast", l.Handler, func(c *fiber.Ctx) error { return c.SendString("ok") })

	done := make(chan int, 1)
	go func() {
		resp, err := app.Test(httptest.NewRequest("GET", "/slow", nil), -1)
		if err != nil {
			t.Error(err)
			done <- 0
			return
		}
		done <- resp.StatusCode
	}()
	<-entered
	resp, err := app.Test(httptest.NewRequest("GET", "/fast", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != shed.RetryAfter || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("with the slot taken: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if l.Shed() != 1 {
		t.Errorf("shed count %d, want 1", l.Shed())
	}
	close(release)
	if code := <-done; code != 200 {
		t.Errorf("the request holding the slot: %d", code)
	}
	// The slot is back.
	if resp, err := app.Test(httptest.NewRequest("GET", "/fast", nil), -1); err != nil || resp.StatusCode != 200 {
		t.Errorf("after release: %v %v", resp.StatusCode, err)
	}
}

func TestDeadlineAnswersBusy(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.Get("/", shed.Deadline(20*time.Millisecond), func(c *fiber.Ctx) error {
		<-c.UserContext().Done() // a query waiting for a pooled connection, say
		return c.UserContext().Err()
	})
	app.Get("/other", shed.Deadline(20*time.Millisecond), func(c *fiber.Ctx) error {
		return context.Canceled // not a deadline: the error goes on
	})
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil), -1)
	if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("past the deadline: %v %v", resp.StatusCode, err)
	}
	if resp, err := app.Test(httptest.NewRequest("GET", "/other", nil), -1); err != nil || resp.StatusCode != 500 {
		t.Errorf("another error: %v %v", resp.StatusCode, err)
	}
}

func TestNilLimiterLetsEverythingThrough(t *testing.T) {
	t.Parallel()
	var l *shed.Limiter
	app := fiber.New()
	app.Get("/", l.Handler, func(c *fiber.Ctx) error { return c.SendString("ok") })
	if resp, err := app.Test(httptest.NewRequest("GET", "/", nil), -1); err != nil || resp.StatusCode != 200 {
		t.Errorf("%v %v", resp.StatusCode, err)
	}
}
