package mfa_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/mfastore"
	"github.com/foliohq/folio/internal/testenv"
)

// TestTOTPWindowAndReplays moves the clock: a code is accepted within one
// step of now, once, and never after a later step was used.
func TestTOTPWindowAndReplays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Postgres(t)
	users := postgres.NewUserService(db)
	authn := auth.New(users, postgres.NewCredentialService(db), 4)
	ada, err := authn.Register(ctx, folio.Registration{Email: "ada@example.com", Password: "correct horse battery", Handle: "ada", DisplayName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0) // a step boundary: 1.8e9 / 30 is whole
	svc := &mfa.Service{Store: mfastore.New(db), Users: users, Auth: authn, MasterKey: make([]byte, 32), Now: func() time.Time { return now }}
	e, err := svc.BeginTOTP(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	code := func(at time.Time) string {
		c, err := totp.GenerateCode(e.Secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := svc.ConfirmTOTP(ctx, ada.ID, code(now)); err != nil {
		t.Fatal(err)
	}
	step := 30 * time.Second
	for _, c := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"the enrolment's own code", now, false},
		{"the previous step's", now.Add(-step), false},
		{"two steps ahead", now.Add(2 * step), false},
		{"the next step's", now.Add(step), true},
		{"the next step's again", now.Add(step), false},
	} {
		if err := svc.VerifyTOTP(ctx, ada.ID, code(c.at)); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	now = now.Add(3 * step)
	if err := svc.VerifyTOTP(ctx, ada.ID, code(now.Add(-step))); err != nil {
		t.Errorf("a step behind the clock, unused: %v", err)
	}
	if err := svc.VerifyTOTP(ctx, ada.ID, code(now.Add(-2*step))); err == nil {
		t.Error("a step older than the window was accepted")
	}

	// A sealed secret copied to another account does not open there.
	bob, err := authn.Register(ctx, folio.Registration{Email: "bob@example.com", Password: "correct horse battery", Handle: "bob", DisplayName: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO totp_secrets (user_id, sealed, enabled_at) SELECT ?, sealed, now() FROM totp_secrets WHERE user_id = ?`, bob.ID, ada.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.VerifyTOTP(ctx, bob.ID, code(now)); err == nil || folio.ErrorCode(err) == folio.EUNAUTHORIZED {
		t.Errorf("ada's sealed secret under bob's id: %v, want a failure to open", err)
	}
}
