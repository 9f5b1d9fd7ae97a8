package memo_test

import (
	"testing"

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
