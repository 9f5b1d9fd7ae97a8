package auditstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/device"
	"github.com/foliohq/folio/internal/postgres/auditstore"
	"github.com/foliohq/folio/internal/testenv"
)

func user(t *testing.T, db *bun.DB, handle string) int64 {
	t.Helper()
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES (?, 'x', ?, 'X') RETURNING id`,
		handle+"@example.com", handle).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func kinds(p audit.Page) []audit.Kind {
	out := make([]audit.Kind, len(p.Entries))
	for i, e := range p.Entries {
		out[i] = e.Kind
	}
	return out
}

func TestEntriesPageNewestFirstPerAccount(t *testing.T) {
	db := testenv.Postgres(t)
	log := &audit.Log{Store: auditstore.New(db)}
	ctx := device.NewContext(context.Background(), "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	for _, k := range []audit.Kind{audit.Login, audit.TokenCreated, audit.PasswordChanged, audit.Logout, audit.Login} {
		if err := log.Record(ctx, audit.Event{UserID: ada, Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Record(ctx, audit.Event{UserID: bob, Kind: audit.Login}); err != nil {
		t.Fatal(err)
	}
	if err := log.Record(ctx, audit.Event{Kind: audit.LoginFailed, Detail: map[string]string{"reason": "unknown_account"}}); err != nil {
		t.Fatal(err)
	}
	p1, err := log.Entries(ctx, audit.Query{UserID: ada, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(p1); len(got) != 2 || got[0] != audit.Login || got[1] != audit.Logout || p1.Next == 0 {
		t.Fatalf("first page %v next %d", got, p1.Next)
	}
	if d := p1.Entries[0].Device; d != "Firefox 128 on Linux" {
		t.Errorf("device %q, want the User-Agent's summary", d)
	}
	p2, _ := log.Entries(ctx, audit.Query{UserID: ada, Limit: 2, Before: p1.Next})
	p3, _ := log.Entries(ctx, audit.Query{UserID: ada, Limit: 2, Before: p2.Next})
	if got := kinds(p3); len(got) != 1 || got[0] != audit.Login || p3.Next != 0 {
		t.Fatalf("last page %v next %d", got, p3.Next)
	}
	all, _ := log.Entries(ctx, audit.Query{})
	if len(all.Entries) != 7 {
		t.Fatalf("every entry: %d, want 7", len(all.Entries))
	}
	if all.Entries[0].UserID != 0 || all.Entries[0].Detail["reason"] != "unknown_account" {
		t.Errorf("an unknown account's failed sign-in names nobody: %+v", all.Entries[0])
	}
	failed, _ := log.Entries(ctx, audit.Query{Kind: audit.LoginFailed})
	if len(failed.Entries) != 1 {
		t.Errorf("kind filter: %d entries", len(failed.Entries))
	}
	if err := log.Record(ctx, audit.Event{UserID: ada, Kind: "made_up"}); err == nil {
		t.Error("an unknown kind was recorded")
	}
}

func TestDeletingAnAccountKeepsAdminActionsWithoutItsID(t *testing.T) {
	db := testenv.Postgres(t)
	log := &audit.Log{Store: auditstore.New(db)}
	ctx := context.Background()
	admin, ada := user(t, db, "root"), user(t, db, "ada")
	for _, e := range []audit.Event{
		{UserID: ada, Kind: audit.Login},
		{UserID: ada, ActorID: admin, Kind: audit.AdminSuspend},
		{UserID: ada, ActorID: admin, Kind: audit.AdminDelete},
	} {
		if err := log.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	mine, _ := log.Entries(ctx, audit.Query{UserID: ada})
	if len(mine.Entries) != 3 {
		t.Fatalf("ada's log has %d entries, want 3 (her own and the admin's on her)", len(mine.Entries))
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM users WHERE id = ?", ada); err != nil {
		t.Fatal(err)
	}
	left, _ := log.Entries(ctx, audit.Query{})
	if got := kinds(left); len(got) != 2 || got[0] != audit.AdminDelete || got[1] != audit.AdminSuspend {
		t.Fatalf("after deletion: %v, want the two admin actions", got)
	}
	for _, e := range left.Entries {
		if e.UserID != 0 || e.ActorID != admin {
			t.Errorf("kept entry %+v: the account's id must be nulled and the actor kept", e)
		}
	}
	byAdmin, _ := log.Entries(ctx, audit.Query{UserID: admin})
	if len(byAdmin.Entries) != 2 {
		t.Errorf("the admin's own log lists what they did: %d entries", len(byAdmin.Entries))
	}
}

func TestPruneDeletesOnlyEntriesPastRetention(t *testing.T) {
	db := testenv.Postgres(t)
	now := time.Now()
	log := &audit.Log{Store: auditstore.New(db), Now: func() time.Time { return now }}
	ctx := context.Background()
	ada := user(t, db, "ada")
	for range 3 {
		if err := log.Record(ctx, audit.Event{UserID: ada, Kind: audit.Login}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "UPDATE audit_events SET created_at = ? WHERE id IN (SELECT id FROM audit_events ORDER BY id LIMIT 2)",
		now.Add(-audit.Retention-time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := log.Prune(ctx)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want 2", n, err)
	}
	left, _ := log.Entries(ctx, audit.Query{UserID: ada})
	if len(left.Entries) != 1 {
		t.Fatalf("%d entries left, want 1", len(left.Entries))
	}
}

func TestDetailIsBounded(t *testing.T) {
	db := testenv.Postgres(t)
	log := &audit.Log{Store: auditstore.New(db)}
	ctx := context.Background()
	ada := user(t, db, "ada")
	big := map[string]string{}
	for i := range 20 {
		big[string(rune('a'+i))] = strings.Repeat("é", 1000)
	}
	big["nul"] = "a\x00b"
	if err := log.Record(ctx, audit.Event{UserID: ada, Kind: audit.Login, Detail: big}); err != nil {
		t.Fatal(err)
	}
	p, _ := log.Entries(ctx, audit.Query{UserID: ada})
	d := p.Entries[0].Detail
	if len(d) > audit.MaxDetailKeys {
		t.Errorf("%d detail keys kept, want at most %d", len(d), audit.MaxDetailKeys)
	}
	for k, v := range d {
		if k != "nul" && len([]rune(v)) != audit.MaxDetailValue {
			t.Errorf("detail %s has %d characters, want it cut to %d", k, len([]rune(v)), audit.MaxDetailValue)
		}
	}
}
