package cardstore_test

import (
	"context"
	"testing"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/cardstore"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/testenv"
)

// The mark comes back with the owner, never moves back to an older
// version, and changes nothing a page shows (no content version bump).
func TestMarkCardsComesWithTheOwner(t *testing.T) {
	ctx := context.Background()
	db := testenv.Postgres(t)
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES ('ada@example.com', 'x', 'ada', 'Ada') RETURNING id`).Scan(ctx, &id); err != nil {
		t.Fatal(err)
	}
	users := postgres.NewUserService(db)
	before, err := users.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if before.CardsFor != "" {
		t.Fatalf("a new account has cards %q", before.CardsFor)
	}
	s := cardstore.Store{DB: db}
	for _, v := range []int64{12, 3} {
		if err := s.MarkCards(ctx, id, socialcard.Tag(v)); err != nil {
			t.Fatal(err)
		}
	}
	after, err := users.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.CardsFor != socialcard.Tag(12) {
		t.Errorf("cards_for = %q, want %q (the newer mark kept)", after.CardsFor, socialcard.Tag(12))
	}
	if after.ContentVersion != before.ContentVersion {
		t.Errorf("marking cards moved the content version from %d to %d", before.ContentVersion, after.ContentVersion)
	}
}
