package accountstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/accountstore"
	"github.com/foliohq/folio/internal/testenv"
)

func owner(t *testing.T, db *bun.DB, email string) int64 {
	t.Helper()
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES (?, 'old', ?, 'Ada') RETURNING id`,
		email, "h"+testenv.RandomHex(5)).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func token(userID int64, purpose folio.TokenPurpose, email, secret string, ttl time.Duration) *folio.AccountToken {
	return &folio.AccountToken{Hash: hash(secret), UserID: userID, Purpose: purpose, Email: email, ExpiresAt: time.Now().Add(ttl)}
}

func mail(userID int64, kind folio.NotificationKind, to, key string) folio.Notification {
	return folio.Notification{OwnerID: userID, Kind: kind, Channel: folio.ChannelEmail, Target: to, DedupeKey: key}
}

func count(t *testing.T, db *bun.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.NewRaw(q, args...).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVerifyEmailIsSingleUseExpiresAndFollowsTheAddress(t *testing.T) {
	db := testenv.Postgres(t)
	s := accountstore.New(db)
	ctx := context.Background()
	ada := owner(t, db, "ada@example.com")

	if err := s.Issue(ctx, token(ada, folio.PurposeVerifyEmail, "ada@example.com", "v1", time.Hour), mail(ada, folio.NotifyVerifyEmail, "ada@example.com", "v:1")); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE owner_id = ? AND kind = 'verify_email'`, ada); n != 1 {
		t.Fatalf("%d notifications written with the token, want 1", n)
	}
	// A wrong purpose does not work, and leaves the token usable.
	if _, err := s.ResetPassword(ctx, hash("v1"), "new", func(u *folio.User) folio.Notification { return mail(u.ID, folio.NotifyPasswordChanged, u.Email, "x") }); !errors.Is(err, folio.ErrBadLink) {
		t.Fatalf("verify token used as a reset: %v", err)
	}
	u, err := s.VerifyEmail(ctx, hash("v1"))
	if err != nil || u.ID != ada || u.EmailVerifiedAt.IsZero() {
		t.Fatalf("verify = %+v, %v", u, err)
	}
	if _, err := s.VerifyEmail(ctx, hash("v1")); !errors.Is(err, folio.ErrBadLink) {
		t.Fatalf("second use: %v, want ErrBadLink", err)
	}

	bob := owner(t, db, "bob@example.com")
	if err := s.Issue(ctx, token(bob, folio.PurposeVerifyEmail, "bob@example.com", "expired", -time.Second), mail(bob, folio.NotifyVerifyEmail, "bob@example.com", "v:2")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyEmail(ctx, hash("expired")); !errors.Is(err, folio.ErrBadLink) {
		t.Fatalf("expired token: %v", err)
	}
	// A link sent to an address the account no longer has verifies nothing.
	if err := s.Issue(ctx, token(bob, folio.PurposeVerifyEmail, "bob@example.com", "stale", time.Hour), mail(bob, folio.NotifyVerifyEmail, "bob@example.com", "v:3")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE users SET email = 'robert@example.com' WHERE id = ?`, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyEmail(ctx, hash("stale")); !errors.Is(err, folio.ErrBadLink) {
		t.Fatalf("link for an old address: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM users WHERE id = ? AND email_verified_at IS NOT NULL`, bob); n != 0 {
		t.Fatal("a link for an old address verified the new one")
	}
}

func TestResetPasswordRevokesEverythingOnce(t *testing.T) {
	db := testenv.Postgres(t)
	s := accountstore.New(db)
	ctx := context.Background()
	ada, bob := owner(t, db, "ada@example.com"), owner(t, db, "bob@example.com")
	for _, id := range []int64{ada, bob} {
		if _, err := db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES (?, ?, 'c', now() + interval '1 day')`, hash(testenv.RandomHex(8)), id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash) VALUES (?, 'ci', ?)`, id, hash(testenv.RandomHex(8))); err != nil {
			t.Fatal(err)
		}
	}
	found, err := s.IssueByEmail(ctx, "ADA@example.com", func(u *folio.User) (*folio.AccountToken, folio.Notification) {
		return token(u.ID, folio.PurposePasswordReset, u.Email, "r1", time.Hour), mail(u.ID, folio.NotifyPasswordReset, u.Email, "r:1")
	})
	if err != nil || !found {
		t.Fatalf("issue by email = %v, %v", found, err)
	}
	// Another open link of the account stops working with the reset.
	if err := s.Issue(ctx, token(ada, folio.PurposeEmailChange, "new@example.com", "c1", time.Hour), mail(ada, folio.NotifyEmailChange, "new@example.com", "c:1")); err != nil {
		t.Fatal(err)
	}
	found, err = s.IssueByEmail(ctx, "nobody@example.com", func(u *folio.User) (*folio.AccountToken, folio.Notification) {
		t.Fatal("built a token for an unknown address")
		return nil, folio.Notification{}
	})
	if err != nil || found {
		t.Fatalf("unknown address: %v, %v", found, err)
	}

	notice := func(u *folio.User) folio.Notification {
		return mail(u.ID, folio.NotifyPasswordChanged, u.Email, "changed:1")
	}
	u, err := s.ResetPassword(ctx, hash("r1"), "new-hash", notice)
	if err != nil || u.PasswordHash != "new-hash" {
		t.Fatalf("reset = %+v, %v", u, err)
	}
	if n := count(t, db, `SELECT (SELECT count(*) FROM sessions WHERE user_id = ?) + (SELECT count(*) FROM api_tokens WHERE user_id = ?)`, ada, ada); n != 0 {
		t.Errorf("%d sessions and tokens left after the reset", n)
	}
	if n := count(t, db, `SELECT (SELECT count(*) FROM sessions WHERE user_id = ?) + (SELECT count(*) FROM api_tokens WHERE user_id = ?)`, bob, bob); n != 2 {
		t.Errorf("another account lost its sessions or tokens (%d left, want 2)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE owner_id = ? AND kind = 'password_changed' AND target = 'ada@example.com'`, ada); n != 1 {
		t.Errorf("%d password_changed notices, want 1", n)
	}
	if _, err := s.ResetPassword(ctx, hash("r1"), "again", notice); !errors.Is(err, folio.ErrBadLink) {
		t.Errorf("reused reset token: %v", err)
	}
	if _, err := s.ChangeEmail(ctx, hash("c1")); !errors.Is(err, folio.ErrBadLink) {
		t.Errorf("email change link after a reset: %v", err)
	}
}

func TestChangeEmailVerifiesTheNewAddressOrConflicts(t *testing.T) {
	db := testenv.Postgres(t)
	s := accountstore.New(db)
	ctx := context.Background()
	ada, bob := owner(t, db, "ada@example.com"), owner(t, db, "bob@example.com")
	if err := s.Issue(ctx, token(ada, folio.PurposeEmailChange, "ada@new.example", "c1", time.Hour),
		mail(ada, folio.NotifyEmailChange, "ada@new.example", "c:1"), mail(ada, folio.NotifyEmailChangeNotice, "ada@example.com", "n:1")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PendingEmailChange(ctx, ada); err != nil || got != "ada@new.example" {
		t.Fatalf("pending = %q, %v", got, err)
	}
	if got, _ := s.PendingEmailChange(ctx, bob); got != "" {
		t.Fatalf("bob sees ada's pending change %q", got)
	}
	u, err := s.ChangeEmail(ctx, hash("c1"))
	if err != nil || u.Email != "ada@new.example" || u.EmailVerifiedAt.IsZero() {
		t.Fatalf("change = %+v, %v", u, err)
	}
	if got, _ := s.PendingEmailChange(ctx, ada); got != "" {
		t.Errorf("pending after the change: %q", got)
	}
	if err := s.Issue(ctx, token(bob, folio.PurposeEmailChange, "ADA@new.example", "c2", time.Hour), mail(bob, folio.NotifyEmailChange, "ada@new.example", "c:2")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangeEmail(ctx, hash("c2")); folio.ErrorCode(err) != folio.ECONFLICT {
		t.Fatalf("change to a taken address: %v, want ECONFLICT", err)
	}
}

func TestIssueRemovesTheAccountsOldTokens(t *testing.T) {
	db := testenv.Postgres(t)
	s := accountstore.New(db)
	ctx := context.Background()
	ada, bob := owner(t, db, "ada@example.com"), owner(t, db, "bob@example.com")
	for _, id := range []int64{ada, bob} {
		if err := s.Issue(ctx, token(id, folio.PurposeVerifyEmail, "x@example.com", "old"+testenv.RandomHex(4), -8*24*time.Hour), mail(id, folio.NotifyVerifyEmail, "x@example.com", "old:"+testenv.RandomHex(4))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Issue(ctx, token(ada, folio.PurposeVerifyEmail, "ada@example.com", "new", time.Hour), mail(ada, folio.NotifyVerifyEmail, "ada@example.com", "new:1")); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM account_tokens WHERE user_id = ?`, ada); n != 1 {
		t.Errorf("ada has %d tokens, want the new one only", n)
	}
	if n := count(t, db, `SELECT count(*) FROM account_tokens WHERE user_id = ?`, bob); n != 1 {
		t.Errorf("bob's old token went with ada's issue (%d left)", n)
	}
}
