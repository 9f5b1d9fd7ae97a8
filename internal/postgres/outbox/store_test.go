package outbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/testenv"
)

// Workers claiming at once never get the same delivery; a claim hides it
// for the lease, and prune keeps what is still pending.
func TestClaimIsExclusiveAndPruneKeepsPending(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	store := outbox.New(db)
	var owner int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name, email_verified_at)
		VALUES ('o@example.com', 'x', 'owner', 'O', now()) RETURNING id`).Scan(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := outbox.Add(ctx, db, folio.Notification{OwnerID: owner, Kind: folio.NotifyDemoDown,
			DedupeKey: "k" + string(rune('A'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := store.FanOut(ctx, 100); err != nil || n != 40 {
		t.Fatalf("fan out %d, %v", n, err)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jobs, err := store.Claim(ctx, 15, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			for _, j := range jobs {
				seen[j.ID]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Fatalf("%d deliveries claimed, want 40", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("delivery %d claimed %d times", id, n)
		}
	}
	if again, err := store.Claim(ctx, 100, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("claimed again within the lease: %d, %v", len(again), err)
	}
	for id := range seen {
		if id%2 == 0 {
			if err := store.Sent(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	n, err := store.Prune(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 20 {
		t.Fatalf("pruned %d, %v; want the 20 sent", n, err)
	}
}
