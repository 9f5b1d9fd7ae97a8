package memo_test

import (
	"context"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/site/memo"
)

func TestMemoKeepsCopiesAndForgetsAnOwner(t *testing.T) {
	m := memo.New()
	key, body := []byte("/ada"), []byte("<p>page</p>")
	m.Put(string(key), 1, 0, body)
	m.Put("/bob", 2, 0, []byte("bob"))
	key[1], body[0] = 'x', 'X' // the caller's buffers are reused
	if e, ok := m.Get("/ada"); !ok || string(e.Body) != "<p>page</p>" || e.OwnerID != 1 {
		t.Fatalf("Get = %+v, %v", e, ok)
	}
	m.Forget(1)
	if _, ok := m.Get("/ada"); ok {
		t.Error("a forgotten owner's page is still memoized")
	}
	if _, ok := m.Get("/bob"); !ok {
		t.Error("forgetting one owner dropped another's page")
	}
}

func TestLinksRememberUntilForgottenAndCheckExpiry(t *testing.T) {
	calls := 0
	links := &memo.Links{Active: func(_ context.Context, token string) (*folio.ShareLink, error) {
		calls++
		if token == "gone" {
			return nil, &folio.Error{Code: folio.ENOTFOUND, Message: "no"}
		}
		return &folio.ShareLink{ID: 7, OwnerID: 1, Token: token, ExpiresAt: time.Now().Add(50 * time.Millisecond)}, nil
	}}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if l, err := links.Get(ctx, "tok"); err != nil || l.ID != 7 {
			t.Fatalf("Get = %+v, %v", l, err)
		}
	}
	if calls != 1 {
		t.Errorf("%d look-ups for three views within the TTL, want 1", calls)
	}
	links.Forget(1)
	if _, err := links.Get(ctx, "tok"); err != nil || calls != 2 {
		t.Errorf("after Forget: %v, %d look-ups; want a fresh one", err, calls)
	}
	if _, err := links.Get(ctx, "gone"); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("unknown token: %v", err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		_, err := links.Get(ctx, "tok")
		if folio.ErrorCode(err) == folio.ENOTFOUND {
			break // expired while remembered: refused without asking
		}
		if time.Now().After(deadline) {
			t.Fatal("an expired link is still served")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
