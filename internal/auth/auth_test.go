package auth_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
)

func TestHashToken(t *testing.T) {
	// SHA-256 of "abc", as published in FIPS 180-2.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := hex.EncodeToString(auth.HashToken("abc")); got != want {
		t.Errorf("HashToken(abc) = %s, want %s", got, want)
	}
	if string(auth.HashToken("fs_a")) == string(auth.HashToken("fs_b")) {
		t.Error("two tokens hash alike")
	}
}

func TestCSRFValid(t *testing.T) {
	sess := &folio.Session{CSRFToken: "s3cret-token"}
	tests := []struct {
		submitted string
		want      bool
	}{
		{"s3cret-token", true},
		{"", false},
		{"s3cret-toke", false},
		{"s3cret-token ", false},
		{"S3CRET-TOKEN", false},
	}
	for _, tt := range tests {
		if got := auth.CSRFValid(sess, tt.submitted); got != tt.want {
			t.Errorf("CSRFValid(%q) = %v, want %v", tt.submitted, got, tt.want)
		}
	}
	// A session without a token never accepts an empty submission.
	if auth.CSRFValid(&folio.Session{}, "") {
		t.Error("empty token accepted")
	}
}

func TestIdentityHasScope(t *testing.T) {
	tests := []struct {
		name string
		id   auth.Identity
		want bool
	}{
		{"browser session", auth.Identity{Session: &folio.Session{}}, true},
		{"token with the scope", auth.Identity{Token: &folio.APIToken{Scopes: []string{folio.ScopeTokensWrite}}}, true},
		{"token without it", auth.Identity{Token: &folio.APIToken{}}, false},
		{"nobody", auth.Identity{}, false},
	}
	for _, tt := range tests {
		if got := tt.id.HasScope(folio.ScopeTokensWrite); got != tt.want {
			t.Errorf("%s: HasScope = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func newService(t *testing.T) *auth.Service {
	t.Helper()
	db := testenv.Postgres(t)
	return auth.New(postgres.NewUserService(db), postgres.NewCredentialService(db), 4) // bcrypt.MinCost: fast
}

func TestLoginAndResolve(t *testing.T) {
	t.Parallel()
	s, ctx := newService(t), context.Background()
	u, err := s.Register(ctx, folio.Registration{Email: " Ada@Example.com", Password: "correct horse", Handle: "Ada", DisplayName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Handle != "ada" || u.PasswordHash == "correct horse" {
		t.Errorf("registered %+v", u)
	}

	for _, tt := range []struct{ email, password string }{
		{"ada@example.com", "wrong password"},
		{"nobody@example.com", "correct horse"},
	} {
		if _, _, _, err := s.Login(ctx, tt.email, tt.password); folio.ErrorCode(err) != folio.EUNAUTHORIZED {
			t.Errorf("login %s / %s: %v, want EUNAUTHORIZED", tt.email, tt.password, err)
		}
	}
	token, sess, _, err := s.Login(ctx, "ADA@example.com", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "fs_") || sess.CSRFToken == "" || string(sess.TokenHash) != string(auth.HashToken(token)) {
		t.Errorf("token %q, session %+v", token, sess)
	}
	id, err := s.Resolve(ctx, token)
	if err != nil || id.User.ID != u.ID || id.Session == nil {
		t.Fatalf("Resolve(session) = %+v, %v", id, err)
	}

	secret, tok, err := s.CreateAPIToken(ctx, id, " CI ", nil)
	if err != nil || !strings.HasPrefix(secret, "fpat_") || tok.Name != "CI" {
		t.Fatalf("CreateAPIToken = %q, %+v, %v", secret, tok, err)
	}
	tokenID, err := s.Resolve(ctx, secret)
	if err != nil || tokenID.Token == nil || tokenID.Session != nil {
		t.Fatalf("Resolve(api token) = %+v, %v", tokenID, err)
	}
	// A token without tokens:write cannot mint one that has it.
	if _, _, err := s.CreateAPIToken(ctx, tokenID, "successor", []string{folio.ScopeTokensWrite}); folio.ErrorCode(err) != folio.EFORBIDDEN {
		t.Errorf("escalation: %v, want EFORBIDDEN", err)
	}

	for _, bad := range []string{"", "fs_unknown", "fpat_unknown", "garbage", secret + "x"} {
		if _, err := s.Resolve(ctx, bad); folio.ErrorCode(err) != folio.EUNAUTHORIZED {
			t.Errorf("Resolve(%q): %v, want EUNAUTHORIZED", bad, err)
		}
	}
	if err := s.LogoutEverywhere(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, token); folio.ErrorCode(err) != folio.EUNAUTHORIZED {
		t.Errorf("session after LogoutEverywhere: %v", err)
	}
	if _, err := s.Resolve(ctx, secret); err != nil {
		t.Errorf("API tokens outlive LogoutEverywhere: %v", err)
	}
}

func TestKnownDevices(t *testing.T) {
	t.Parallel()
	s, ctx := newService(t), context.Background()
	var ids []int64
	for _, h := range []string{"ada", "grace"} {
		u, err := s.Register(ctx, folio.Registration{Email: h + "@example.com", Password: "correct horse", Handle: h, DisplayName: h})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	device, err := s.RememberDevice(ctx, ids[0], "")
	if err != nil || !strings.HasPrefix(device, "fd_") {
		t.Fatalf("RememberDevice = %q, %v", device, err)
	}
	for _, tt := range []struct {
		email, device string
		want          bool
	}{
		{"ada@example.com", device, true},
		{"grace@example.com", device, false},
		{"nobody@example.com", device, false},
		{"ada@example.com", "fd_unknown", false},
		{"ada@example.com", "not-a-device", false},
	} {
		if got, err := s.IsKnownDevice(ctx, tt.email, tt.device); err != nil || got != tt.want {
			t.Errorf("IsKnownDevice(%s, %.8s) = %v, %v; want %v", tt.email, tt.device, got, err, tt.want)
		}
	}
	if again, err := s.RememberDevice(ctx, ids[0], device); err != nil || again != device {
		t.Errorf("same account again: %q, %v; want the same device", again, err)
	}
	if other, err := s.RememberDevice(ctx, ids[1], device); err != nil || other == device {
		t.Errorf("another account: %q, %v; want a new device", other, err)
	}
}

func TestSignUpIsUnverifiedAndOperatorAccountsAreVerified(t *testing.T) {
	db := testenv.Postgres(t)
	users := postgres.NewUserService(db)
	s := auth.New(users, postgres.NewCredentialService(db), 4)
	ctx := context.Background()
	var registered []string
	s.Registered = func(_ context.Context, u *folio.User) error {
		registered = append(registered, u.Email)
		return nil
	}
	// A sign-up cannot claim a verified address.
	u, err := s.SignUp(ctx, folio.Registration{Email: "ada@example.com", Password: "correct horse battery", Handle: "ada", DisplayName: "Ada", Verified: true})
	if err != nil || !u.EmailVerifiedAt.IsZero() {
		t.Fatalf("sign-up = %+v, %v; want an unverified account", u, err)
	}
	// A taken address makes no account and sends nothing.
	if u, err := s.SignUp(ctx, folio.Registration{Email: "ADA@example.com", Password: "correct horse battery", Handle: "ada2", DisplayName: "Ada"}); u != nil || err != nil {
		t.Fatalf("sign-up with a taken address = %v, %v", u, err)
	}
	if len(registered) != 1 || registered[0] != "ada@example.com" {
		t.Fatalf("Registered called for %v, want the new account only", registered)
	}
	op, err := s.Register(ctx, folio.Registration{Email: "demo@example.com", Password: "correct horse battery", Handle: "demo", DisplayName: "Demo", Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := users.UserByID(ctx, op.ID); err != nil || got.EmailVerifiedAt.IsZero() {
		t.Fatalf("an operator's account is stored unverified: %+v, %v", got, err)
	}
}
