package jobsearch_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/testenv"
)

func ptr[T any](v T) *T { return &v }

func user(t *testing.T, db *bun.DB, handle string) int64 {
	t.Helper()
	var id int64
	if err := db.NewRaw(`INSERT INTO users (email, password_hash, handle, display_name) VALUES (?, 'x', ?, ?) RETURNING id`,
		handle+"@example.com", handle, handle).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func project(t *testing.T, db *bun.DB, owner int64, slug string, vis folio.Visibility) int64 {
	t.Helper()
	var id int64
	if err := db.NewRaw(`INSERT INTO projects (owner_id, slug, title, visibility) VALUES (?, ?, ?, ?) RETURNING id`,
		owner, slug, slug, vis).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if folio.ErrorCode(err) != code {
		t.Fatalf("err = %v; want %s", err, code)
	}
}

func TestApplicationLifecycleWritesTimeline(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	s := jobsearch.New(db)
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	orders := project(t, db, ada, "orders", folio.VisibilityDraft)
	bobs := project(t, db, bob, "bobs", folio.VisibilityPublic)

	in := folio.ApplicationInput{Company: ptr("  Acme  Corp "), Role: ptr("Backend"), AppliedOn: ptr(time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)),
		Contacts: &[]folio.Contact{{Name: "Jo", Email: "jo@acme.example"}}, SalaryMin: ptr(ptr(50000)),
		ProjectIDs: &[]int64{orders, bobs}}
	_, err := s.CreateApplication(ctx, ada, in)
	wantCode(t, err, folio.EINVALID)
	if f := fieldsOf(err); len(f) != 1 || f[0].Field != "project_ids" || !strings.Contains(f[0].Message, fmt.Sprint(bobs)) ||
		strings.Contains(f[0].Message, fmt.Sprint(orders)) {
		t.Fatalf("fields = %+v; want bob's project %d named, not ada's", f, bobs)
	}
	in.ProjectIDs = &[]int64{orders}
	a, err := s.CreateApplication(ctx, ada, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.Company != "Acme Corp" || a.Status != folio.StatusApplied || !a.AppliedOn.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) ||
		len(a.Contacts) != 1 || *a.SalaryMin != 50000 || a.SalaryMax != nil || len(a.ProjectIDs) != 1 {
		t.Fatalf("created %+v", a)
	}
	got, err := s.Application(ctx, ada, a.ID)
	if err != nil || got.Company != "Acme Corp" || !got.AppliedOn.Equal(a.AppliedOn) || got.Contacts[0].Email != "jo@acme.example" {
		t.Fatalf("read back %+v, %v", got, err)
	}

	// A patch that leaves salary_max below salary_min is refused, though
	// it names only one of them.
	_, err = s.UpdateApplication(ctx, ada, a.ID, folio.ApplicationInput{SalaryMax: ptr(ptr(100))})
	wantCode(t, err, folio.EINVALID)

	a, err = s.UpdateApplication(ctx, ada, a.ID, folio.ApplicationInput{Status: ptr(folio.StatusInterview), NextStepDue: ptr(time.Time{})})
	if err != nil || a.Status != folio.StatusInterview || a.Company != "Acme Corp" {
		t.Fatalf("update = %+v, %v", a, err)
	}
	if _, err := s.UpdateApplication(ctx, ada, a.ID, folio.ApplicationInput{Role: ptr("Staff")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddApplicationNote(ctx, ada, a.ID, "Called **Jo**"); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddApplicationNote(ctx, ada, a.ID, "  ")
	wantCode(t, err, folio.EINVALID)
	evs, err := s.ApplicationEvents(ctx, ada, a.ID)
	if err != nil || len(evs) != 3 {
		t.Fatalf("timeline = %+v, %v; want created, status, note", evs, err)
	}
	if evs[0].Kind != folio.AppEventCreated || evs[0].ToStatus != folio.StatusApplied ||
		evs[1].Kind != folio.AppEventStatus || evs[1].FromStatus != folio.StatusApplied || evs[1].ToStatus != folio.StatusInterview ||
		evs[2].Kind != folio.AppEventNote || evs[2].Body != "Called **Jo**" {
		t.Fatalf("timeline = %+v", evs)
	}

	// Bob sees none of it.
	_, err = s.Application(ctx, bob, a.ID)
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.UpdateApplication(ctx, bob, a.ID, folio.ApplicationInput{Status: ptr(folio.StatusRejected)})
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.AddApplicationNote(ctx, bob, a.ID, "mine")
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.ApplicationEvents(ctx, bob, a.ID)
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.ShareLinks(ctx, bob, a.ID)
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.CreateShareLink(ctx, bob, a.ID, folio.ShareLinkInput{})
	wantCode(t, err, folio.ENOTFOUND)
	wantCode(t, s.DeleteApplication(ctx, bob, a.ID), folio.ENOTFOUND)
	if page, err := s.Applications(ctx, bob, folio.ApplicationFilter{}); err != nil || len(page.Applications) != 0 {
		t.Fatalf("bob's list = %+v, %v", page, err)
	}

	if err := s.DeleteApplication(ctx, ada, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Application(ctx, ada, a.ID)
	wantCode(t, err, folio.ENOTFOUND)
}

func fieldsOf(err error) []folio.FieldError {
	if e, ok := err.(interface{ Unwrap() error }); ok {
		return fieldsOf(e.Unwrap())
	}
	if e, ok := err.(*folio.Error); ok {
		return e.Fields
	}
	return nil
}

func TestApplicationsPageNewestFirstByStatus(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	s := jobsearch.New(db)
	ada := user(t, db, "ada")
	var ids []int64
	for i := range 7 {
		st := folio.StatusApplied
		if i%2 == 0 {
			st = folio.StatusInterview
		}
		a, err := s.CreateApplication(ctx, ada, folio.ApplicationInput{Company: ptr(fmt.Sprintf("C%d", i)), Status: &st})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	var seen []int64
	f := folio.ApplicationFilter{Statuses: []folio.ApplicationStatus{folio.StatusInterview}, Limit: 3}
	for {
		page, err := s.Applications(ctx, ada, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Applications {
			seen = append(seen, a.ID)
		}
		if page.NextCursor == 0 {
			break
		}
		f.Cursor = page.NextCursor
	}
	want := []int64{ids[6], ids[4], ids[2], ids[0]}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Fatalf("pages gave %v; want %v", seen, want)
	}
	_, err := s.Applications(ctx, ada, folio.ApplicationFilter{Statuses: []folio.ApplicationStatus{"lost"}})
	wantCode(t, err, folio.EINVALID)
}

func TestImportIsAllOrNothingAndBatched(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	s := jobsearch.New(db)
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	bobs := project(t, db, bob, "bobs", folio.VisibilityPublic)

	ins := make([]folio.ApplicationInput, 10000)
	for i := range ins {
		ins[i] = folio.ApplicationInput{Company: ptr(fmt.Sprintf("Company %d", i)), Role: ptr("Engineer"),
			NextStepDue: ptr(time.Date(2026, 12, 1+i%28, 0, 0, 0, 0, time.UTC))}
	}
	ins[7].Company = ptr("")
	_, err := s.ImportApplications(ctx, ada, ins)
	wantCode(t, err, folio.EINVALID)
	if f := fieldsOf(err); len(f) != 1 || f[0].Field != "rows[7].company" {
		t.Fatalf("fields = %+v", f)
	}
	ins[7].Company = ptr("Seven")
	ins[9999].ProjectIDs = &[]int64{bobs}
	_, err = s.ImportApplications(ctx, ada, ins)
	wantCode(t, err, folio.EINVALID)
	var n int
	if err := db.NewRaw(`SELECT count(*) FROM applications`).Scan(ctx, &n); err != nil || n != 0 {
		t.Fatalf("after failed imports %d rows, %v", n, err)
	}
	ins[9999].ProjectIDs = nil
	got, err := s.ImportApplications(ctx, ada, ins)
	if err != nil || got != 10000 {
		t.Fatalf("import = %d, %v", got, err)
	}
	var apps, created int
	if err := db.NewRaw(`SELECT (SELECT count(*) FROM applications WHERE owner_id = ?), (SELECT count(*) FROM application_events e
		JOIN applications a ON a.id = e.application_id WHERE a.owner_id = ? AND e.kind = 'created')`, ada, ada).Scan(ctx, &apps, &created); err != nil {
		t.Fatal(err)
	}
	if apps != 10000 || created != 10000 {
		t.Fatalf("%d applications, %d created entries; want 10000 each", apps, created)
	}
}

func TestShareLinks(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	s := jobsearch.New(db)
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	pub, unl := project(t, db, ada, "pub", folio.VisibilityPublic), project(t, db, ada, "unl", folio.VisibilityUnlisted)
	draft := project(t, db, ada, "draft", folio.VisibilityDraft)
	a, err := s.CreateApplication(ctx, ada, folio.ApplicationInput{Company: ptr("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateShareLink(ctx, ada, a.ID, folio.ShareLinkInput{ProjectIDs: &[]int64{pub, draft}})
	wantCode(t, err, folio.EINVALID)
	if f := fieldsOf(err); len(f) != 1 || !strings.Contains(f[0].Message, fmt.Sprint(draft)) {
		t.Fatalf("fields = %+v; want the draft's id named", f)
	}
	_, err = s.CreateShareLink(ctx, ada, a.ID, folio.ShareLinkInput{ExpiresAt: ptr(time.Now().Add(-time.Hour))})
	wantCode(t, err, folio.EINVALID)

	l, err := s.CreateShareLink(ctx, ada, a.ID, folio.ShareLinkInput{Label: ptr("Acme"), Note: ptr("Hello Acme"), ProjectIDs: &[]int64{unl, pub}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(l.Token)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q decodes to %d bytes, %v; want 32", l.Token, len(raw), err)
	}
	l2, err := s.CreateShareLink(ctx, ada, a.ID, folio.ShareLinkInput{})
	if err != nil || l2.Token == l.Token {
		t.Fatalf("second link %+v, %v", l2, err)
	}
	links, err := s.ShareLinks(ctx, ada, a.ID)
	if err != nil || len(links) != 2 || links[0].ID != l.ID || fmt.Sprint(links[0].ProjectIDs) != fmt.Sprint([]int64{unl, pub}) {
		t.Fatalf("links = %+v, %v", links, err)
	}
	got, err := s.ActiveShareLink(ctx, l.Token)
	if err != nil || got.ID != l.ID || got.Note != "Hello Acme" {
		t.Fatalf("active = %+v, %v", got, err)
	}
	for _, tok := range []string{"", "short", strings.Repeat("x", 43), l.Token + "x", strings.Repeat("y", 5000)} {
		_, err = s.ActiveShareLink(ctx, tok)
		wantCode(t, err, folio.ENOTFOUND)
	}

	// Bob can neither read, change nor revoke Ada's link.
	_, err = s.ShareLink(ctx, bob, l.ID)
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.UpdateShareLink(ctx, bob, l.ID, folio.ShareLinkInput{Note: ptr("x")})
	wantCode(t, err, folio.ENOTFOUND)
	_, err = s.RevokeShareLink(ctx, bob, l.ID)
	wantCode(t, err, folio.ENOTFOUND)

	// An expiry in the past (set straight in the table: the store refuses
	// one) makes the link inactive.
	up, err := s.UpdateShareLink(ctx, ada, l2.ID, folio.ShareLinkInput{ExpiresAt: ptr(time.Now().Add(time.Hour)), ProjectIDs: &[]int64{}})
	if err != nil || up.ExpiresAt.IsZero() {
		t.Fatalf("update = %+v, %v", up, err)
	}
	if _, err := s.ActiveShareLink(ctx, l2.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewRaw(`UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = ?`, l2.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = s.ActiveShareLink(ctx, l2.Token)
	wantCode(t, err, folio.ENOTFOUND)

	r, err := s.RevokeShareLink(ctx, ada, l.ID)
	if err != nil || r.RevokedAt.IsZero() || r.Active(time.Now()) {
		t.Fatalf("revoke = %+v, %v", r, err)
	}
	_, err = s.ActiveShareLink(ctx, l.Token)
	wantCode(t, err, folio.ENOTFOUND)
	if again, err := s.RevokeShareLink(ctx, ada, l.ID); err != nil || !again.RevokedAt.Equal(r.RevokedAt) {
		t.Fatalf("revoke again = %+v, %v", again, err)
	}
}

func TestCalendarFeedTokenStoredHashed(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	s := jobsearch.New(db)
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	if ok, err := s.HasCalendarFeed(ctx, ada); err != nil || ok {
		t.Fatalf("has feed = %v, %v", ok, err)
	}
	old, err := s.RotateCalendarFeed(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.RotateCalendarFeed(ctx, ada)
	if err != nil || tok == old || len(tok) != 43 {
		t.Fatalf("rotate = %q, %v", tok, err)
	}
	var stored []byte
	if err := db.NewRaw(`SELECT token_hash FROM calendar_feeds WHERE owner_id = ?`, ada).Scan(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256([]byte(tok)); !bytes.Equal(stored, h[:]) {
		t.Fatal("the stored hash is not the token's SHA-256")
	}
	if owner, err := s.CalendarFeedOwner(ctx, tok); err != nil || owner != ada {
		t.Fatalf("owner = %d, %v", owner, err)
	}
	_, err = s.CalendarFeedOwner(ctx, old)
	wantCode(t, err, folio.ENOTFOUND)
	if _, err := s.RotateCalendarFeed(ctx, bob); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeCalendarFeed(ctx, ada); err != nil {
		t.Fatal(err)
	}
	_, err = s.CalendarFeedOwner(ctx, tok)
	wantCode(t, err, folio.ENOTFOUND)
	if ok, err := s.HasCalendarFeed(ctx, bob); err != nil || !ok {
		t.Fatalf("bob's feed went with ada's: %v, %v", ok, err)
	}
}

func TestDueAndScheduledApplications(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	s := jobsearch.New(db)
	ada, bob := user(t, db, "ada"), user(t, db, "bob")
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	mk := func(owner int64, name string, due, interview time.Time) {
		t.Helper()
		in := folio.ApplicationInput{Company: &name}
		if !due.IsZero() {
			in.NextStepDue = &due
		}
		if !interview.IsZero() {
			in.InterviewAt = &interview
		}
		if _, err := s.CreateApplication(ctx, owner, in); err != nil {
			t.Fatal(err)
		}
	}
	mk(ada, "overdue", today.AddDate(0, 0, -2), time.Time{})
	mk(ada, "today", today, time.Time{})
	mk(ada, "later", today.AddDate(0, 0, 3), time.Time{})
	mk(ada, "interview", time.Time{}, today.Add(15*time.Hour))
	mk(ada, "interview tomorrow", time.Time{}, today.Add(26*time.Hour))
	mk(ada, "none", time.Time{}, time.Time{})
	rejected := folio.StatusRejected
	closed := "closed"
	if _, err := s.CreateApplication(ctx, ada, folio.ApplicationInput{Company: &closed, Status: &rejected, NextStepDue: &today}); err != nil {
		t.Fatal(err)
	}
	mk(bob, "bobs", today, time.Time{})
	due, err := s.DueApplications(ctx, ada, today.Add(13*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range due {
		names = append(names, a.Company)
	}
	if fmt.Sprint(names) != "[overdue today interview]" {
		t.Fatalf("due = %v", names)
	}
	sched, err := s.ScheduledApplications(ctx, ada, 100)
	if err != nil || len(sched) != 6 {
		t.Fatalf("scheduled = %d, %v; want 6", len(sched), err)
	}
}
