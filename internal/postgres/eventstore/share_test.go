package eventstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/eventstore"
	"github.com/foliohq/folio/internal/testenv"
)

type shareFixture struct {
	db    *bun.DB
	store *eventstore.Store
}

func (f *shareFixture) user(t *testing.T, handle string) (owner, project int64) {
	t.Helper()
	ctx := context.Background()
	u := &folio.User{Email: handle + "@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: handle, DisplayName: handle}}
	if err := postgres.NewUserService(f.db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	title := "Orders " + handle
	p, err := postgres.NewProjectService(f.db).CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID, p.ID
}

// link makes an application of owner with one share link per label, by
// SQL: the job-search store is tested on its own.
func (f *shareFixture) link(t *testing.T, owner int64, company string, labels ...string) (app int64, links []int64) {
	t.Helper()
	ctx := context.Background()
	if err := f.db.NewRaw(`INSERT INTO applications (owner_id, company, role) VALUES (?, ?, 'Backend engineer') RETURNING id`, owner, company).Scan(ctx, &app); err != nil {
		t.Fatal(err)
	}
	for _, label := range labels {
		var id int64
		if err := f.db.NewRaw(`INSERT INTO share_links (application_id, owner_id, token, label) VALUES (?, ?, md5(random()::text), ?) RETURNING id`,
			app, owner, label).Scan(ctx, &id); err != nil {
			t.Fatal(err)
		}
		links = append(links, id)
	}
	return app, links
}

func newShareFixture(t *testing.T) *shareFixture {
	t.Helper()
	db := testenv.Postgres(t)
	f := &shareFixture{db: db, store: eventstore.New(db)}
	// Yesterday may be in last month.
	if err := f.store.EnsurePartitions(context.Background(), time.Now().AddDate(0, -1, 0), 2); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestShareActivityGroupsByLinkDayPageAndKind(t *testing.T) {
	t.Parallel()
	f := newShareFixture(t)
	ctx := context.Background()
	ada, orders := f.user(t, "ada")
	bob, _ := f.user(t, "bob")
	acme, acmeLinks := f.link(t, ada, "Acme", "recruiter", "team lead")
	globex, globexLinks := f.link(t, ada, "Globex", "hr")
	_, bobLinks := f.link(t, bob, "Initech", "bob's")
	recruiter, lead := acmeLinks[0], acmeLinks[1]

	today := time.Now().UTC().Truncate(time.Second)
	yesterday := today.Add(-24 * time.Hour)
	events := []folio.Event{
		{At: yesterday, OwnerID: ada, Kind: folio.EventView, VisitorID: 1, ShareLinkID: recruiter},
		{At: yesterday.Add(time.Minute), OwnerID: ada, ProjectID: orders, Kind: folio.EventView, VisitorID: 1, ShareLinkID: recruiter},
		{At: today.Add(-2 * time.Minute), OwnerID: ada, Kind: folio.EventView, VisitorID: 2, ShareLinkID: recruiter},
		{At: today.Add(-time.Minute), OwnerID: ada, Kind: folio.EventView, ShareLinkID: recruiter}, // DNT: no visitor id
		{At: today.Add(-90 * time.Second), OwnerID: ada, ProjectID: orders, Kind: folio.EventPlay, VisitorID: 2, Progress: 0, ShareLinkID: recruiter},
		{At: today.Add(-80 * time.Second), OwnerID: ada, ProjectID: orders, Kind: folio.EventPlay, VisitorID: 2, Progress: 75, ShareLinkID: recruiter},
		{At: today.Add(-70 * time.Second), OwnerID: ada, ProjectID: orders, Kind: folio.EventPlay, VisitorID: 2, Progress: 50, ShareLinkID: recruiter},
		{At: today.Add(-60 * time.Second), OwnerID: ada, ProjectID: orders, Kind: folio.EventDemoClick, VisitorID: 2, ShareLinkID: lead},
		// Not this application's: another application's link, the public
		// page, and bob's link claimed for ada's page (kept, unattributed).
		{At: today, OwnerID: ada, Kind: folio.EventView, VisitorID: 3, ShareLinkID: globexLinks[0]},
		{At: today, OwnerID: ada, Kind: folio.EventView, VisitorID: 4},
		{At: today, OwnerID: ada, Kind: folio.EventView, VisitorID: 5, ShareLinkID: bobLinks[0]},
	}
	if err := f.store.InsertEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	var unattributed int
	if err := f.db.NewRaw(`SELECT count(*) FROM analytics_events WHERE visitor_id = 5 AND share_link_id IS NULL`).Scan(ctx, &unattributed); err != nil || unattributed != 1 {
		t.Errorf("a view claiming another owner's link: %d unattributed (%v), want 1", unattributed, err)
	}

	got, err := f.store.ShareActivity(ctx, ada, acme)
	if err != nil {
		t.Fatal(err)
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	want := []folio.ShareActivity{
		{ShareLinkID: recruiter, Day: day(yesterday), ProjectID: 0, Kind: folio.EventView, Events: 1, Visitors: 1, First: yesterday, Last: yesterday},
		{ShareLinkID: recruiter, Day: day(yesterday), ProjectID: orders, Kind: folio.EventView, Events: 1, Visitors: 1, First: yesterday.Add(time.Minute), Last: yesterday.Add(time.Minute)},
		{ShareLinkID: recruiter, Day: day(today), ProjectID: 0, Kind: folio.EventView, Events: 2, Visitors: 1, First: today.Add(-2 * time.Minute), Last: today.Add(-time.Minute)},
		{ShareLinkID: recruiter, Day: day(today), ProjectID: orders, Kind: folio.EventPlay, Events: 3, Visitors: 1, MaxProgress: 75, First: today.Add(-90 * time.Second), Last: today.Add(-70 * time.Second)},
		{ShareLinkID: lead, Day: day(today), ProjectID: orders, Kind: folio.EventDemoClick, Events: 1, Visitors: 1, First: today.Add(-time.Minute), Last: today.Add(-time.Minute)},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ShareLinkID != w.ShareLinkID || !g.Day.Equal(w.Day) || g.ProjectID != w.ProjectID || g.Kind != w.Kind ||
			g.Events != w.Events || g.Visitors != w.Visitors || g.MaxProgress != w.MaxProgress || !g.First.Equal(w.First) || !g.Last.Equal(w.Last) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}

	if other, err := f.store.ShareActivity(ctx, ada, globex); err != nil || len(other) != 1 || other[0].ShareLinkID != globexLinks[0] {
		t.Errorf("Globex activity: %+v, %v; want its one view", other, err)
	}
	if none, err := f.store.ShareActivity(ctx, bob, acme); err != nil || len(none) != 0 {
		t.Errorf("bob reads ada's application: %+v, %v; want nothing", none, err)
	}
}

// The first stored view through a link writes one notification to the
// outbox, in the event's transaction; later views, plays and public views
// write none.
func TestFirstShareViewNotifiesOnce(t *testing.T) {
	t.Parallel()
	f := newShareFixture(t)
	ctx := context.Background()
	ada, orders := f.user(t, "ada")
	_, links := f.link(t, ada, "Acme", "recruiter", "unopened")
	link, unopened := links[0], links[1]
	notifications := func() []map[string]any {
		t.Helper()
		var rows []map[string]any
		if err := f.db.NewRaw(`SELECT owner_id, kind, channel, target, dedupe_key, payload::text AS payload FROM notifications ORDER BY id`).Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}

	now := time.Now().UTC()
	// A play and a public view do not open the link.
	if err := f.store.InsertEvents(ctx, []folio.Event{
		{At: now, OwnerID: ada, ProjectID: orders, Kind: folio.EventPlay, VisitorID: 1, ShareLinkID: unopened},
		{At: now, OwnerID: ada, Kind: folio.EventView, VisitorID: 1},
	}); err != nil {
		t.Fatal(err)
	}
	if n := notifications(); len(n) != 0 {
		t.Fatalf("notifications without a view through a link: %v", n)
	}
	opened := now.Add(-time.Second).Truncate(time.Second)
	for i := 0; i < 2; i++ {
		if err := f.store.InsertEvents(ctx, []folio.Event{
			{At: now, OwnerID: ada, Kind: folio.EventView, VisitorID: 2, ShareLinkID: link},
			{At: opened, OwnerID: ada, ProjectID: orders, Kind: folio.EventView, VisitorID: 2, ShareLinkID: link},
		}); err != nil {
			t.Fatal(err)
		}
	}
	n := notifications()
	if len(n) != 1 {
		t.Fatalf("%d notifications, want 1: %v", len(n), n)
	}
	got := n[0]
	if got["kind"] != string(folio.NotifyShareLinkOpened) || got["dedupe_key"] != "share_link_opened:"+strconv.FormatInt(link, 10) ||
		got["channel"] != "email" || got["target"] != "ada@example.com" || got["owner_id"] != ada {
		t.Errorf("notification %v", got)
	}
	for _, want := range []string{`"company": "Acme"`, `"role": "Backend engineer"`, `"label": "recruiter"`, `"opened_at": "` + opened.Format(time.RFC3339) + `"`} {
		if !strings.Contains(got["payload"].(string), want) {
			t.Errorf("payload %s lacks %s", got["payload"], want)
		}
	}
}
