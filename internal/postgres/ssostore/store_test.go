package ssostore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/invite"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/ssostore"
	"github.com/foliohq/folio/internal/sso"
	"github.com/foliohq/folio/internal/testenv"
)

func newUser(t *testing.T, users *postgres.UserService, handle string) *folio.User {
	t.Helper()
	u := &folio.User{Email: handle + "@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: handle, DisplayName: handle}}
	if err := users.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestInvitationIsClaimedOnce: of concurrent registrations with one link,
// exactly one wins.
func TestInvitationIsClaimedOnce(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	s, users := ssostore.New(db), postgres.NewUserService(db)
	admin := newUser(t, users, "admin")
	hash := auth.HashToken("fi_token")
	inv := &invite.Invitation{TokenHash: hash, Email: "Ada@School.edu", InvitedBy: admin.ID, ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreateInvitations(t.Context(), []*invite.Invitation{inv}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimInvitation(t.Context(), hash, "someone@school.edu"); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Fatalf("claim for another address: %v, want ENOTFOUND", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Go(func() {
			if _, err := s.ClaimInvitation(t.Context(), hash, "ada@school.edu"); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if folio.ErrorCode(err) != folio.ENOTFOUND {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d claims won, want 1", wins)
	}
	if _, err := s.InvitationByToken(t.Context(), hash); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("a claimed invitation is still pending: %v", err)
	}
	// Released (the account could not be made): it works again.
	if err := s.ReleaseInvitation(t.Context(), inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimInvitation(t.Context(), hash, "ada@school.edu"); err != nil {
		t.Errorf("claim after release: %v", err)
	}
}

// TestFlowWorksOnceAndExpires: a state is taken once; an expired one is
// not found.
func TestFlowWorksOnceAndExpires(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	s := ssostore.New(db)
	f := &sso.Flow{StateHash: auth.HashToken("state"), Provider: "oidc", Nonce: "n", Verifier: "v", ExpiresAt: time.Now().Add(time.Minute)}
	if err := s.PutFlow(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	got, err := s.TakeFlow(t.Context(), f.StateHash)
	if err != nil || got.Nonce != "n" || got.Verifier != "v" || got.UserID != 0 {
		t.Fatalf("TakeFlow = %+v, %v", got, err)
	}
	if _, err := s.TakeFlow(t.Context(), f.StateHash); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("second TakeFlow: %v, want ENOTFOUND", err)
	}
	old := &sso.Flow{StateHash: auth.HashToken("old"), Provider: "oidc", Nonce: "n", Verifier: "v", ExpiresAt: time.Now().Add(-time.Second)}
	if err := s.PutFlow(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TakeFlow(t.Context(), old.StateHash); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("expired TakeFlow: %v, want ENOTFOUND", err)
	}
}

// TestIdentitiesGoWithTheirAccount: deleting an account deletes its
// identities, flows and the invitations it sent or used (nothing left
// behind), and an identity names one account.
func TestIdentitiesGoWithTheirAccount(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	s, users := ssostore.New(db), postgres.NewUserService(db)
	a, b := newUser(t, users, "alice"), newUser(t, users, "bobby")
	if err := s.CreateIdentity(t.Context(), &sso.Identity{UserID: a.ID, Provider: "oidc", Subject: "sub-1", Email: "alice@idp"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateIdentity(t.Context(), &sso.Identity{UserID: b.ID, Provider: "oidc", Subject: "sub-1"}); folio.ErrorCode(err) != folio.ECONFLICT {
		t.Errorf("the same subject for another account: %v, want ECONFLICT", err)
	}
	if err := s.CreateIdentity(t.Context(), &sso.Identity{UserID: a.ID, Provider: "oidc", Subject: "sub-2"}); folio.ErrorCode(err) != folio.ECONFLICT {
		t.Errorf("a second identity of one provider: %v, want ECONFLICT", err)
	}
	ids, _ := s.Identities(t.Context(), a.ID)
	if err := s.DeleteIdentity(t.Context(), b.ID, ids[0].ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("another account's identity deleted: %v, want ENOTFOUND", err)
	}
	inv := &invite.Invitation{TokenHash: auth.HashToken("fi_x"), Email: "x@example.com", InvitedBy: a.ID, ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreateInvitations(t.Context(), []*invite.Invitation{inv}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFlow(t.Context(), &sso.Flow{StateHash: auth.HashToken("s"), Provider: "oidc", Nonce: "n", Verifier: "v", UserID: a.ID, ExpiresAt: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewRaw(`DELETE FROM users WHERE id = ?`, a.ID).Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"identities", "invitations", "sso_flows"} {
		n, err := db.NewSelect().Table(table).Count(t.Context())
		if err != nil || n != 0 {
			t.Errorf("%s: %d rows left (%v)", table, n, err)
		}
	}
}

// TestFirstAccountIsMadeOnce: first sign-ups racing on an empty instance
// (each on its own store, as on several processes) run create once; the
// others are told an account exists, and are after it is made.
func TestFirstAccountIsMadeOnce(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	users := postgres.NewUserService(db)
	const n = 6
	var (
		started    sync.WaitGroup
		mu         sync.Mutex
		made, told int
	)
	// create waits until every other sign-up has been answered (or, when
	// the others wrongly run create too, a while), as a slow password hash
	// keeps the first account in the making while the others arrive.
	othersAnswered := make(chan struct{})
	started.Add(n)
	results := make(chan bool, n)
	for i := range n {
		go func() {
			s := ssostore.New(db)
			started.Done()
			started.Wait()
			_, had, err := s.FirstAccount(t.Context(), func() (*folio.User, error) {
				mu.Lock()
				made++
				mu.Unlock()
				select {
				case <-othersAnswered:
				case <-time.After(3 * time.Second):
				}
				return newUser(t, users, "first"+string(rune('a'+i))), nil
			})
			if err != nil {
				t.Error(err)
			}
			if had {
				mu.Lock()
				if told++; told == n-1 {
					close(othersAnswered)
				}
				mu.Unlock()
			}
			results <- had
		}()
	}
	var had int
	for range n {
		if <-results {
			had++
		}
	}
	if made != 1 || had != n-1 {
		t.Fatalf("create ran %d times, %d told an account exists: want 1 and %d", made, had, n-1)
	}
	if _, had, err := ssostore.New(db).FirstAccount(t.Context(), func() (*folio.User, error) {
		t.Fatal("create ran on an instance with an account")
		return nil, nil
	}); err != nil || !had {
		t.Fatalf("later sign-up: had %v, err %v", had, err)
	}
}
