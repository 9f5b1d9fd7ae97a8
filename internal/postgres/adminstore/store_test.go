package adminstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
)

// TestConcurrentFirstSignUpsMakeExactlyOneAdmin signs up 20 accounts at
// once on an empty table, five times over: each round must end with one
// administrator, however the inserts interleave.
func TestConcurrentFirstSignUpsMakeExactlyOneAdmin(t *testing.T) {
	db := testenv.Postgres(t)
	users := postgres.NewUserService(db)
	ctx := context.Background()
	for round := range 5 {
		if _, err := db.ExecContext(ctx, "TRUNCATE users CASCADE"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				h := fmt.Sprintf("u%d-%d", round, i)
				errs <- users.CreateUser(ctx, &folio.User{Email: h + "@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: h, DisplayName: h}})
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var admins, total int
		if err := db.NewRaw("SELECT count(*) FILTER (WHERE is_admin), count(*) FROM users").Scan(ctx, &admins, &total); err != nil {
			t.Fatal(err)
		}
		if admins != 1 || total != 20 {
			t.Fatalf("round %d: %d admins among %d accounts, want exactly 1 among 20", round, admins, total)
		}
	}
	// Once accounts exist, a new one is not an admin.
	u := &folio.User{Email: "late@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: "late", DisplayName: "Late"}}
	if err := users.CreateUser(ctx, u); err != nil || u.IsAdmin {
		t.Fatalf("a later account: admin %v (%v)", u.IsAdmin, err)
	}
}
