package outbox_test

import (
	"context"
	"testing"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/testenv"
)

func TestAddSkipsADuplicateCause(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	var owner int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES ('o@example.com', 'x', 'owner', 'O') RETURNING id`).Scan(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	n := folio.Notification{OwnerID: owner, Kind: folio.NotifyDemoDown, Channel: folio.ChannelEmail,
		Target: "o@example.com", DedupeKey: "demo_down:1:a", Data: map[string]string{"project": "Orders"}}
	for i, want := range []int{1, 0} {
		got, err := outbox.Add(ctx, db, n)
		if err != nil || got != want {
			t.Fatalf("add #%d = %d, %v; want %d", i+1, got, err, want)
		}
	}
	var count int
	if err := db.NewRaw(`SELECT count(*) FROM notifications WHERE dedupe_key = 'demo_down:1:a' AND payload->>'project' = 'Orders'`).Scan(ctx, &count); err != nil || count != 1 {
		t.Fatalf("rows = %d, %v; want 1", count, err)
	}
	if _, err := outbox.Add(ctx, db, folio.Notification{Kind: folio.NotifyDemoDown}); err == nil {
		t.Fatal("a notification without owner or dedupe key was accepted")
	}
}
