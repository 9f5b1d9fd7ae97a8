package seed_test

import (
	"context"
	"testing"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/seed"
	"github.com/foliohq/folio/internal/testenv"
)

func TestLoadIsIdempotent(t *testing.T) {
	db := testenv.Postgres(t)
	users := postgres.NewUserService(db)
	a := auth.New(users, postgres.NewCredentialService(db), 4)
	projects := postgres.NewProjectService(db)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		created, err := seed.Load(ctx, a, projects)
		if err != nil || created != want {
			t.Fatalf("load %d: created=%v err=%v, want created=%v", i, created, err, want)
		}
	}
	pf, err := projects.Portfolio(ctx, seed.DemoHandle)
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Featured) != 3 || len(pf.Others) != 1 || pf.Featured[0].Slug != "orders-api" {
		t.Errorf("demo portfolio: %d featured (first %q), %d others", len(pf.Featured), pf.Featured[0].Slug, len(pf.Others))
	}
	if _, _, _, err := a.Login(ctx, seed.DemoEmail, seed.DemoPassword); err != nil {
		t.Errorf("demo login: %v", err)
	}
}
