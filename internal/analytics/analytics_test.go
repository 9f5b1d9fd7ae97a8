package analytics_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/eventstore"
	"github.com/foliohq/folio/internal/testenv"
)

const (
	chromeDesktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	iPhone        = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	iPad          = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	c := analytics.NewClassifier()
	for _, tc := range []struct {
		ua     string
		device folio.DeviceClass
		bot    bool
	}{
		{chromeDesktop, folio.DeviceDesktop, false},
		{iPhone, folio.DeviceMobile, false},
		{iPad, folio.DeviceTablet, false},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "", true},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "", true},
		{"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", "", true},
		{"curl/8.5.0", "", true},
		{"python-requests/2.32.3", "", true},
		{"Mozilla/5.0 (compatible; FolioDemoCheck/1.0; +https://github.com/foliohq/folio)", "", true},
		{"facebookexternalhit/1.1", "", true},
		{"", "", true},
	} {
		device, bot := c.Classify(tc.ua)
		if device != tc.device || bot != tc.bot {
			t.Errorf("Classify(%q) = %q, %v; want %q, %v", tc.ua, device, bot, tc.device, tc.bot)
		}
	}
}

func TestReferrerAndSource(t *testing.T) {
	t.Parallel()
	for referer, want := range map[string]string{
		"https://www.linkedin.com/in/someone?trk=abc": "linkedin.com",
		"https://news.ycombinator.com/item?id=1":      "news.ycombinator.com",
		"https://folio.example.com/explore":           "",
		"android-app://com.slack":                     "",
		"":                                            "",
		"not a url at all %%":                         "",
	} {
		if got := analytics.ReferrerHost(referer, "folio.example.com:443"); got != want {
			t.Errorf("ReferrerHost(%q) = %q, want %q", referer, got, want)
		}
	}
	q, _ := url.ParseQuery("utm_source=Newsletter&utm_medium=email")
	if got := analytics.Source(q); got != "newsletter" {
		t.Errorf("Source = %q", got)
	}
	q, _ = url.ParseQuery("ref=%00evil")
	if got := analytics.Source(q); got != "" {
		t.Errorf("Source with NUL = %q, want empty", got)
	}
}

func TestVisitorIDs(t *testing.T) {
	t.Parallel()
	day1, day2 := []byte("salt-of-day-one-0123456789abcdef"), []byte("salt-of-day-two-0123456789abcdef")
	a := analytics.VisitorID(day1, "203.0.113.7", chromeDesktop, 1)
	if a != analytics.VisitorID(day1, "203.0.113.7", chromeDesktop, 1) || a <= 0 {
		t.Fatalf("the same visitor on the same day got two ids (or a non-positive one: %d)", a)
	}
	for name, other := range map[string]int64{
		"next day":        analytics.VisitorID(day2, "203.0.113.7", chromeDesktop, 1),
		"other portfolio": analytics.VisitorID(day1, "203.0.113.7", chromeDesktop, 2),
		"other address":   analytics.VisitorID(day1, "203.0.113.8", chromeDesktop, 1),
		"other browser":   analytics.VisitorID(day1, "203.0.113.7", iPhone, 1),
	} {
		if other == a {
			t.Errorf("%s: same id", name)
		}
	}
}

type fixture struct {
	db      *bun.DB
	store   *eventstore.Store
	owner   int64
	project int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testenv.Postgres(t)
	ctx := context.Background()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	title := "Orders"
	p, err := postgres.NewProjectService(db).CreateProject(ctx, u.ID, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, store: eventstore.New(db), owner: u.ID, project: p.ID}
}

func (f *fixture) count(t *testing.T, where string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.NewRaw("SELECT count(*) FROM analytics_events WHERE "+where, args...).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The same visitor on two days gets two ids, and the first day's salt is
// gone once it is forgotten.
func TestSaltRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	salts := analytics.NewSalts(f.store, func() time.Time { return now })
	s1, err := salts.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := analytics.NewSalts(f.store, func() time.Time { return now }).Current(ctx)
	if string(again) != string(s1) {
		t.Fatal("two replicas got different salts for one day")
	}
	now = now.Add(2 * time.Minute)
	s2, _ := salts.Current(ctx)
	if string(s1) == string(s2) {
		t.Fatal("the salt did not change with the day")
	}
	if analytics.VisitorID(s1, "203.0.113.7", chromeDesktop, f.owner) == analytics.VisitorID(s2, "203.0.113.7", chromeDesktop, f.owner) {
		t.Error("one visitor on two days got one id")
	}
	if n, err := f.store.ForgetSaltsBefore(ctx, now); err != nil || n != 1 {
		t.Fatalf("forget: %d, %v; want 1 salt destroyed", n, err)
	}
	var left int
	_ = f.db.NewRaw("SELECT count(*) FROM analytics_salts").Scan(ctx, &left)
	if left != 1 {
		t.Errorf("%d salts left, want only today's", left)
	}
}

func newRecorder(t *testing.T, f *fixture) *analytics.Recorder {
	t.Helper()
	rdb := redis.NewClient(testenv.Redis(t))
	t.Cleanup(func() { rdb.Close() })
	return analytics.NewRecorder(analytics.RecorderOptions{
		Store: f.store, Salts: analytics.NewSalts(f.store, nil), Dedupe: analytics.NewRedisDeduper(rdb),
		OwnHost: "folio.example.com", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FlushInterval: 50 * time.Millisecond,
	})
}

func TestRecorderCountsPeopleOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := newRecorder(t, f)
	view := analytics.Hit{OwnerID: f.owner, Kind: folio.EventView, IP: "203.0.113.7", UserAgent: chromeDesktop,
		Referer: "https://www.linkedin.com/feed/", Source: "linkedin"}
	rec.Track(view)
	rec.Track(view) // a reload within 30 minutes
	bot := view
	bot.UserAgent = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
	rec.Track(bot)
	dnt := view
	dnt.IP, dnt.DoNotTrack = "198.51.100.9", true
	rec.Track(dnt)
	play := analytics.Hit{OwnerID: f.owner, ProjectID: f.project, Kind: folio.EventPlay, Progress: 50, IP: "203.0.113.7", UserAgent: iPhone}
	rec.Track(play)
	if err := rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "kind = 'view' AND visitor_id IS NOT NULL"); n != 1 {
		t.Errorf("%d identified views, want 1 (the reload and the bot do not count)", n)
	}
	if n := f.count(t, "kind = 'view' AND visitor_id IS NULL"); n != 1 {
		t.Errorf("%d anonymous views, want 1 (the DNT visit, without a visitor id)", n)
	}
	if n := f.count(t, "referrer = 'linkedin.com' AND source = 'linkedin' AND device = 'desktop'"); n != 2 {
		t.Errorf("%d views from linkedin on a desktop, want 2", n)
	}
	if n := f.count(t, "kind = 'play' AND progress = 50 AND device = 'mobile' AND project_id = ?", f.project); n != 1 {
		t.Errorf("%d plays to 50%% on a phone, want 1", n)
	}
	if st := rec.Stats(); st.Bots != 1 || st.Written != 3 {
		t.Errorf("stats %+v, want 1 bot and 3 written", st)
	}
}

// A graceful stop writes everything that was tracked.
func TestRecorderCloseLosesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := newRecorder(t, f)
	const n = 5000
	for i := 0; i < n; i++ {
		rec.Track(analytics.Hit{OwnerID: f.owner, ProjectID: f.project, Kind: folio.EventPlay, Progress: 25,
			IP: fmt.Sprintf("203.0.%d.%d", i/250, i%250), UserAgent: chromeDesktop})
	}
	if err := rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.count(t, "true"); got != n {
		t.Errorf("%d events written, want %d", got, n)
	}
}

func TestRetentionDropsWholePartitions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	old := time.Now().UTC().AddDate(0, -5, 0)
	if err := f.store.EnsurePartitions(ctx, old, 6); err != nil {
		t.Fatal(err)
	}
	if err := f.store.InsertEvents(ctx, []folio.Event{
		{At: old, OwnerID: f.owner, Kind: folio.EventView, VisitorID: 7},
		{At: time.Now(), OwnerID: f.owner, Kind: folio.EventView, VisitorID: 7},
	}); err != nil {
		t.Fatal(err)
	}
	dropped, err := f.store.DropPartitionsBefore(ctx, time.Now().UTC().AddDate(0, 0, -90))
	if err != nil {
		t.Fatal(err)
	}
	want := "analytics_events_" + old.Format("200601")
	found := false
	for _, d := range dropped {
		found = found || d == want
	}
	if !found {
		t.Errorf("dropped %v, want %s among them", dropped, want)
	}
	if n := f.count(t, "true"); n != 1 {
		t.Errorf("%d events left, want only the recent one", n)
	}
}

func TestRollUpAndDeletion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	day := time.Now().UTC()
	events := []folio.Event{
		{At: day, OwnerID: f.owner, Kind: folio.EventView, VisitorID: 1, Referrer: "linkedin.com", Device: folio.DeviceDesktop},
		{At: day, OwnerID: f.owner, Kind: folio.EventView, VisitorID: 2, Device: folio.DeviceMobile},
		{At: day, OwnerID: f.owner, Kind: folio.EventView, VisitorID: 2, Device: folio.DeviceMobile},
		{At: day, OwnerID: f.owner, ProjectID: f.project, Kind: folio.EventPlay, VisitorID: 1, Progress: 75},
		{At: day, OwnerID: f.owner, ProjectID: f.project, Kind: folio.EventDemoClick, VisitorID: 1},
	}
	if err := f.store.InsertEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RollUp(ctx, day); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RollUp(ctx, day); err != nil { // a rerun converges
		t.Fatal(err)
	}
	type row struct {
		ProjectID       int64
		Kind, Dimension string
		Value           string
		Events          int
		Visitors        int
	}
	var rows []row
	if err := f.db.NewRaw(`SELECT project_id, kind, dimension, value, events, visitors FROM analytics_daily ORDER BY project_id, kind, dimension, value`).Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{
		"0/view//":                     {3, 2},
		"a/view//":                     {3, 2},
		"a/view/device/desktop":        {1, 1},
		"a/view/device/mobile":         {2, 1},
		"a/view/referrer/linkedin.com": {1, 1},
		"a/play//":                     {1, 1},
		"p/play//":                     {1, 1},
		"p/play/progress/75":           {1, 1},
		"p/demo_click//":               {1, 1},
		"0/funnel/step/1":              {2, 2},
		"0/funnel/step/2":              {0, 0},
	}
	got := map[string][2]int{}
	for _, r := range rows {
		p := "0"
		switch r.ProjectID {
		case f.project:
			p = "p"
		case -1:
			p = "a"
		}
		got[p+"/"+r.Kind+"/"+r.Dimension+"/"+r.Value] = [2]int{r.Events, r.Visitors}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("rollup %s = %v, want %v (events, visitors)", k, got[k], w)
		}
	}
	// Deleting the project deletes its events and rollups; deleting the
	// owner deletes the rest.
	if _, err := f.db.NewRaw("DELETE FROM projects WHERE id = ?", f.project).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "project_id = ?", f.project); n != 0 {
		t.Errorf("%d events of the deleted project left", n)
	}
	var left int
	_ = f.db.NewRaw("SELECT count(*) FROM analytics_daily WHERE project_id = ?", f.project).Scan(ctx, &left)
	if left != 0 {
		t.Errorf("%d rollups of the deleted project left", left)
	}
	if _, err := f.db.NewRaw("DELETE FROM users WHERE id = ?", f.owner).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	_ = f.db.NewRaw("SELECT count(*) FROM analytics_daily").Scan(ctx, &left)
	if n := f.count(t, "true"); n != 0 || left != 0 {
		t.Errorf("after deleting the account: %d events and %d rollups left", n, left)
	}
}

// A report joins the rollups of past days with today's raw events.
func TestReportJoinsRollupsAndToday(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now().UTC()
	yesterday := now.AddDate(0, 0, -1)
	if err := f.store.EnsurePartitions(ctx, yesterday, 1); err != nil {
		t.Fatal(err)
	}
	ev := func(at time.Time, project int64, kind folio.EventKind, visitor int64, progress int, ref string) folio.Event {
		return folio.Event{At: at, OwnerID: f.owner, ProjectID: project, Kind: kind, VisitorID: visitor, Progress: progress, Referrer: ref, Device: folio.DeviceDesktop}
	}
	if err := f.store.InsertEvents(ctx, []folio.Event{
		ev(yesterday, 0, folio.EventView, 1, 0, "linkedin.com"),
		ev(yesterday, f.project, folio.EventView, 1, 0, ""),
		ev(yesterday, f.project, folio.EventDemoClick, 1, 0, ""),
		ev(now, 0, folio.EventView, 2, 0, "github.com"),
		ev(now, 0, folio.EventView, 3, 0, "linkedin.com"),
		ev(now, f.project, folio.EventPlay, 2, 0, ""),
		ev(now, f.project, folio.EventPlay, 2, 25, ""),
		ev(now, f.project, folio.EventPlay, 2, 50, ""),
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RollUp(ctx, yesterday); err != nil {
		t.Fatal(err)
	}
	// Raw rows of yesterday are no longer read: deleting them proves the
	// report uses the rollup.
	if _, err := f.db.NewRaw("DELETE FROM analytics_events WHERE occurred_at < ?", now.Truncate(24*time.Hour)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	rep, err := f.store.Report(ctx, f.owner, folio.AnalyticsRange{From: today.AddDate(0, 0, -6), To: today.AddDate(0, 0, 1), Granularity: folio.ByDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Series) != 7 || rep.Series[5].Views != 2 || rep.Series[5].Visitors != 1 || rep.Series[6].Views != 2 || rep.Series[6].Visitors != 2 {
		t.Errorf("series %+v, want 7 days with 2 views by 1 visitor yesterday and 2 by 2 today", rep.Series)
	}
	if rep.Views != 4 || rep.Visitors != 3 {
		t.Errorf("totals: %d views, %d visitors; want 4, 3", rep.Views, rep.Visitors)
	}
	if len(rep.Referrers) != 2 || rep.Referrers[0].Name != "linkedin.com" || rep.Referrers[0].Visitors != 2 {
		t.Errorf("referrers %+v, want linkedin.com first with 2 visitors", rep.Referrers)
	}
	if len(rep.Projects) != 1 {
		t.Fatalf("projects %+v", rep.Projects)
	}
	p := rep.Projects[0]
	if p.Views != 1 || p.DemoClicks != 1 || p.Plays != 1 || p.PlaysTo[25] != 1 || p.PlaysTo[50] != 1 || p.PlaysTo[75] != 0 {
		t.Errorf("project %+v, want 1 view, 1 demo click, 1 play to 50%%", p)
	}
	if rep.Funnel != [3]int64{3, 1, 1} {
		t.Errorf("funnel %v, want [3 1 1]", rep.Funnel)
	}
	weekly, err := f.store.Report(ctx, f.owner, folio.AnalyticsRange{From: today.AddDate(0, 0, -27), To: today.AddDate(0, 0, 1), Granularity: folio.ByWeek})
	if err != nil || len(weekly.Series) < 4 || len(weekly.Series) > 5 || weekly.Views != 4 {
		t.Errorf("weekly: %v, %d buckets, %d views", err, len(weekly.Series), weekly.Views)
	}
}

func TestParseBeacon(t *testing.T) {
	t.Parallel()
	for body, ok := range map[string]bool{
		`{"page":"ada/orders","kind":"play","project":"orders","progress":50}`: true,
		`{"page":"Ada","kind":"docs_open","project":"orders"}`:                 true,
		`{"page":"ada","kind":"view","project":"orders"}`:                      false, // views are counted by the server
		`{"page":"ada","kind":"play","project":"orders","progress":33}`:        false,
		`{"page":"","kind":"play","project":"orders"}`:                         false,
		`{"page":"ada","kind":"play","project":""}`:                            false,
		`{"page":"ada","kind":"play","project":"or\u0000ders"}`:                false,
		`not json`: false,
		`{"page":"ada","kind":"play","project":"` + strings.Repeat("x", 2000) + `"}`:                            false,
		`{"page":"ada","kind":"play","project":"orders","share":"AbCdEfGhIjKlMnOpQrStUv_-0123456789abcdefghi"}`: true,
		`{"page":"ada","kind":"play","project":"orders","share":"short"}`:                                       false,
		`{"page":"ada","kind":"play","project":"orders","share":"AbCdEfGhIjKlMnOpQrStUv/+0123456789abcdefghi"}`: false,
		`{"page":"ada","kind":"play","project":"orders","share":"` + strings.Repeat("a", 101) + `"}`:            false,
	} {
		_, err := analytics.ParseBeacon([]byte(body))
		if (err == nil) != ok {
			t.Errorf("ParseBeacon(%.60q): err %v, want ok=%v", body, err, ok)
		}
	}
	if !analytics.DoNotTrack("1", "") || !analytics.DoNotTrack("", "1") || analytics.DoNotTrack("0", "") {
		t.Error("DoNotTrack misreads DNT / Sec-GPC")
	}
}

// A view through a share link keeps its link and is not taken for a
// repeat of the same visitor's public view.
func TestRecorderKeepsShareLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	var app, link int64
	if err := f.db.NewRaw(`INSERT INTO applications (owner_id, company) VALUES (?, 'Acme') RETURNING id`, f.owner).Scan(ctx, &app); err != nil {
		t.Fatal(err)
	}
	if err := f.db.NewRaw(`INSERT INTO share_links (application_id, owner_id, token) VALUES (?, ?, md5('x')) RETURNING id`, app, f.owner).Scan(ctx, &link); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(t, f)
	public := analytics.Hit{OwnerID: f.owner, Kind: folio.EventView, IP: "203.0.113.7", UserAgent: chromeDesktop}
	shared := public
	shared.ShareLinkID = link
	rec.Track(public)
	rec.Track(shared)
	rec.Track(shared) // a reload
	rec.Track(analytics.Hit{OwnerID: f.owner, ProjectID: f.project, Kind: folio.EventDemoClick, IP: "203.0.113.7", UserAgent: chromeDesktop, ShareLinkID: link})
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "kind = 'view' AND share_link_id IS NULL"); n != 1 {
		t.Errorf("%d public views, want 1", n)
	}
	if n := f.count(t, "kind = 'view' AND share_link_id = ?", link); n != 1 {
		t.Errorf("%d views through the link, want 1 (the reload does not count)", n)
	}
	if n := f.count(t, "kind = 'demo_click' AND share_link_id = ? AND project_id = ?", link, f.project); n != 1 {
		t.Errorf("%d demo clicks through the link, want 1", n)
	}
}
