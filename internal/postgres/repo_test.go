package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
)

func ptr[T any](v T) *T { return &v }

// createUser stores a user with handle h.
func createUser(t *testing.T, db *bun.DB, h string) *folio.User {
	t.Helper()
	u := &folio.User{Email: h + "@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: h, DisplayName: h}}
	if err := postgres.NewUserService(db).CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := folio.ErrorCode(err); got != code {
		t.Errorf("%s: %v (code %q), want %q", what, err, got, code)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	users := postgres.NewUserService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")
	if !ada.IsAdmin || grace.IsAdmin {
		t.Errorf("admins: ada %v, grace %v; want the first account only", ada.IsAdmin, grace.IsAdmin)
	}
	wantCode(t, "same email in another case", users.CreateUser(ctx, &folio.User{Email: "ADA@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: "ada2", DisplayName: "x"}}), folio.ECONFLICT)
	wantCode(t, "same handle", users.CreateUser(ctx, &folio.User{Email: "x@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: "ada", DisplayName: "x"}}), folio.ECONFLICT)

	for name, lookup := range map[string]func() (*folio.User, error){
		"by id":     func() (*folio.User, error) { return users.UserByID(ctx, ada.ID) },
		"by email":  func() (*folio.User, error) { return users.UserByEmail(ctx, "Ada@Example.COM") },
		"by handle": func() (*folio.User, error) { return users.UserByHandle(ctx, "ADA") },
	} {
		if u, err := lookup(); err != nil || u.ID != ada.ID {
			t.Errorf("%s: %+v, %v", name, u, err)
		}
	}
	_, err := users.UserByID(ctx, 999)
	wantCode(t, "unknown id", err, folio.ENOTFOUND)
	if folio.ErrorMessage(err) != "User not found." {
		t.Errorf("message %q", folio.ErrorMessage(err))
	}
	_, err = users.UserByHandle(ctx, "nobody")
	wantCode(t, "unknown handle", err, folio.ENOTFOUND)

	u, err := users.UpdateProfile(ctx, ada.ID, folio.ProfileUpdate{Headline: ptr("Backend"), Handle: ptr("ada-l")})
	if err != nil || u.Headline != "Backend" || u.Handle != "ada-l" || u.DisplayName != "ada" {
		t.Errorf("UpdateProfile = %+v, %v", u, err)
	}
	_, err = users.UpdateProfile(ctx, ada.ID, folio.ProfileUpdate{Handle: ptr("grace")})
	wantCode(t, "taken handle", err, folio.ECONFLICT)
	_, err = users.UpdateProfile(ctx, ada.ID, folio.ProfileUpdate{Handle: ptr("admin")})
	wantCode(t, "reserved handle", err, folio.EINVALID)
	_, err = users.UpdateProfile(ctx, 999, folio.ProfileUpdate{Headline: ptr("x")})
	wantCode(t, "profile of nobody", err, folio.ENOTFOUND)

	if err := users.SetPasswordHash(ctx, ada.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	if u, _ := users.UserByID(ctx, ada.ID); u.PasswordHash != "new-hash" {
		t.Errorf("password hash %q", u.PasswordHash)
	}
	wantCode(t, "password of nobody", users.SetPasswordHash(ctx, 999, "x"), folio.ENOTFOUND)
	if err := users.SetAdmin(ctx, "GRACE@example.com", true); err != nil {
		t.Fatal(err)
	}
	if u, _ := users.UserByID(ctx, grace.ID); !u.IsAdmin {
		t.Error("SetAdmin did not grant")
	}
	err = users.SetAdmin(ctx, "nobody@example.com", true)
	wantCode(t, "admin of nobody", err, folio.ENOTFOUND)
	if want := `No account has the email "nobody@example.com".`; folio.ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", folio.ErrorMessage(err), want)
	}
}

func TestProjects(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	projects := postgres.NewProjectService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")

	p, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("  Orders API "), TechTags: ptr([]string{"Go", "go"})})
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "orders-api" || p.Title != "Orders API" || p.Visibility != folio.VisibilityDraft || len(p.TechTags) != 1 {
		t.Errorf("created %+v", p)
	}
	p2, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("Orders API")})
	if err != nil || p2.Slug != "orders-api-2" {
		t.Errorf("second generated slug: %+v, %v", p2, err)
	}
	_, err = projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("X"), Slug: ptr("orders-api")})
	wantCode(t, "taken slug", err, folio.ECONFLICT)
	if g, err := projects.CreateProject(ctx, grace.ID, folio.ProjectInput{Title: ptr("X"), Slug: ptr("orders-api")}); err != nil || g.Slug != "orders-api" {
		t.Errorf("another owner's slug: %+v, %v", g, err)
	}
	_, err = projects.CreateProject(ctx, ada.ID, folio.ProjectInput{})
	wantCode(t, "no title", err, folio.EINVALID)

	// Another owner's project is not found, never forbidden.
	_, err = projects.Project(ctx, grace.ID, p.ID)
	wantCode(t, "another owner's project", err, folio.ENOTFOUND)
	wantCode(t, "delete another owner's project", projects.DeleteProject(ctx, grace.ID, p.ID), folio.ENOTFOUND)
	_, err = projects.UpdateProject(ctx, grace.ID, p.ID, folio.ProjectInput{Title: ptr("Mine")})
	wantCode(t, "update another owner's project", err, folio.ENOTFOUND)

	up, err := projects.UpdateProject(ctx, ada.ID, p.ID, folio.ProjectInput{Tagline: ptr("Fast"), Visibility: ptr(folio.VisibilityPublic)})
	if err != nil || up.Tagline != "Fast" || up.Title != "Orders API" || up.Visibility != folio.VisibilityPublic {
		t.Errorf("UpdateProject = %+v, %v", up, err)
	}
	_, err = projects.UpdateProject(ctx, ada.ID, p.ID, folio.ProjectInput{Slug: ptr("orders-api-2")})
	wantCode(t, "update to a taken slug", err, folio.ECONFLICT)
	if got, err := projects.ProjectBySlug(ctx, ada.ID, "orders-api"); err != nil || got.ID != p.ID {
		t.Errorf("ProjectBySlug = %+v, %v", got, err)
	}
	_, err = projects.ProjectBySlug(ctx, ada.ID, "nope")
	wantCode(t, "unknown slug", err, folio.ENOTFOUND)
	if _, err := projects.RepositoryURL(ctx, p.ID); err != nil {
		t.Error(err)
	}
	_, err = projects.RepositoryURL(ctx, 999)
	wantCode(t, "repository of no project", err, folio.ENOTFOUND)

	wantCode(t, "delete", projects.DeleteProject(ctx, ada.ID, p2.ID), "")
	wantCode(t, "delete twice", projects.DeleteProject(ctx, ada.ID, p2.ID), folio.ENOTFOUND)
}

func TestProjectsCursorPagination(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	projects := postgres.NewProjectService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")
	var ids []int64
	for range 5 {
		p, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if _, err := projects.CreateProject(ctx, grace.ID, folio.ProjectInput{Title: ptr("Grace's")}); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	cursor := int64(0)
	for pages := 0; ; pages++ {
		page, err := projects.Projects(ctx, ada.ID, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Projects {
			seen = append(seen, p.ID)
		}
		if pages == 0 {
			// A project created between pages appears on no later page.
			if _, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("Late")}); err != nil {
				t.Fatal(err)
			}
		}
		if page.NextCursor == 0 {
			break
		}
		cursor = page.NextCursor
	}
	want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
	if len(seen) != len(want) {
		t.Fatalf("listed %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("listed %v, want %v (newest first)", seen, want)
		}
	}
	empty, err := projects.Projects(ctx, 999, 0, 10)
	if err != nil || len(empty.Projects) != 0 || empty.Projects == nil || empty.NextCursor != 0 {
		t.Errorf("no projects: %+v, %v", empty, err)
	}
}

func TestFeaturedAndPortfolio(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	projects := postgres.NewProjectService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")
	create := func(owner int64, title string, vis folio.Visibility) *folio.Project {
		p, err := projects.CreateProject(ctx, owner, folio.ProjectInput{Title: ptr(title), Visibility: ptr(vis)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := create(ada.ID, "A", folio.VisibilityPublic)
	create(ada.ID, "B", folio.VisibilityPublic)
	c := create(ada.ID, "C", folio.VisibilityPublic)
	draft := create(ada.ID, "Draft", folio.VisibilityDraft)
	unlisted := create(ada.ID, "Unlisted", folio.VisibilityUnlisted)
	gp := create(grace.ID, "G", folio.VisibilityPublic)

	featured, err := projects.SetFeatured(ctx, ada.ID, []int64{c.ID, a.ID})
	if err != nil || len(featured) != 2 || featured[0].FeaturedRank != 1 || featured[1].FeaturedRank != 2 {
		t.Fatalf("SetFeatured = %+v, %v", featured, err)
	}
	pf, err := projects.Portfolio(ctx, "ADA")
	if err != nil {
		t.Fatal(err)
	}
	titles := func(ps []*folio.Project) (out []string) {
		for _, p := range ps {
			out = append(out, p.Title)
		}
		return out
	}
	if got := titles(pf.Featured); len(got) != 2 || got[0] != "C" || got[1] != "A" {
		t.Errorf("featured %v, want [C A]", got)
	}
	if got := titles(pf.Others); len(got) != 1 || got[0] != "B" {
		t.Errorf("others %v, want [B]: drafts and unlisted stay off", got)
	}

	var fe *folio.Error
	_, err = projects.SetFeatured(ctx, ada.ID, []int64{a.ID, draft.ID, unlisted.ID, gp.ID, a.ID})
	if !errors.As(err, &fe) || fe.Code != folio.EINVALID {
		t.Fatalf("bad ids: %v, want EINVALID", err)
	}
	if len(fe.Fields) != 1 || fe.Fields[0].Field != "project_ids[4]" {
		t.Errorf("a repeated id is reported first: %+v", fe.Fields)
	}
	_, err = projects.SetFeatured(ctx, ada.ID, []int64{a.ID, draft.ID, unlisted.ID, gp.ID})
	if !errors.As(err, &fe) || len(fe.Fields) != 3 || fe.Fields[0].Field != "project_ids[1]" || fe.Fields[2].Field != "project_ids[3]" {
		t.Errorf("non-public and foreign ids: %v %+v", err, fe)
	}
	_, err = projects.SetFeatured(ctx, ada.ID, []int64{1, 2, 3, 4, 5, 6})
	wantCode(t, "too many", err, folio.EINVALID)
	if pf, _ := projects.Portfolio(ctx, "ada"); len(pf.Featured) != 2 {
		t.Errorf("a refused change changed the featured projects: %v", titles(pf.Featured))
	}

	// Made a draft, a featured project is unfeatured.
	if _, err := projects.UpdateProject(ctx, ada.ID, c.ID, folio.ProjectInput{Visibility: ptr(folio.VisibilityDraft)}); err != nil {
		t.Fatal(err)
	}
	if pf, _ := projects.Portfolio(ctx, "ada"); len(pf.Featured) != 1 || pf.Featured[0].ID != a.ID {
		t.Errorf("featured after unpublishing C: %v", titles(pf.Featured))
	}
	if none, err := projects.SetFeatured(ctx, ada.ID, nil); err != nil || none == nil || len(none) != 0 {
		t.Errorf("unfeature all: %v, %v", none, err)
	}

	_, err = projects.Portfolio(ctx, "nobody")
	wantCode(t, "unknown handle", err, folio.ENOTFOUND)
	if want := `No portfolio has the handle "nobody".`; folio.ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", folio.ErrorMessage(err), want)
	}
}

func TestMedia(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	media := postgres.NewMediaService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")
	p, err := postgres.NewProjectService(db).CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("P"), Visibility: ptr(folio.VisibilityPublic)})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "upload to another owner's project", media.CreateMedia(ctx, &folio.Media{OwnerID: grace.ID, ProjectID: p.ID, Kind: folio.MediaScreenshot, Status: folio.MediaUploading}), folio.ENOTFOUND)

	m := &folio.Media{OwnerID: ada.ID, ProjectID: p.ID, Kind: folio.MediaScreenshot, Status: folio.MediaUploading, Filename: "a.png"}
	if err := media.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 || !folio.IsPublicKey(m.PublicKey) || m.OriginalKey != folio.OriginalKey(m.PublicKey) {
		t.Errorf("created %+v", m)
	}
	_, err = media.OwnedMedia(ctx, grace.ID, m.ID)
	wantCode(t, "another owner's media", err, folio.ENOTFOUND)
	_, err = media.MediaByID(ctx, 999)
	wantCode(t, "no media", err, folio.ENOTFOUND)

	// Status moves forward only.
	wantCode(t, "processing before uploaded", media.StartProcessing(ctx, m.ID), folio.ECONFLICT)
	wantCode(t, "mark no media uploaded", media.MarkUploaded(ctx, 999, "image/png", 1), folio.ENOTFOUND)
	if err := media.MarkUploaded(ctx, m.ID, "image/png", 1234); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "uploaded twice", media.MarkUploaded(ctx, m.ID, "image/png", 1234), folio.ECONFLICT)
	if err := media.StartProcessing(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	rs := []folio.Rendition{{Name: "thumbnail", Key: "k/t", ContentType: "image/webp"}, {Name: "image", Key: "k/i", ContentType: "image/webp"}}
	if err := media.FinishProcessing(ctx, m.ID, folio.Probe{Width: 640, Height: 400}, rs); err != nil {
		t.Fatal(err)
	}
	got, err := media.OwnedMedia(ctx, ada.ID, m.ID)
	if err != nil || got.Status != folio.MediaReady || got.Width != 640 || len(got.Renditions) != 2 || got.Renditions[0].Name != "image" {
		t.Errorf("ready media %+v, %v", got, err)
	}
	wantCode(t, "finish a ready media", media.FinishProcessing(ctx, m.ID, folio.Probe{}, nil), folio.ECONFLICT)

	ready, err := media.ReadyMedia(ctx, []int64{p.ID, 999})
	if err != nil || len(ready[p.ID]) != 1 || ready[p.ID][0].ID != m.ID || !slices.Equal(ready[p.ID][0].Renditions, got.Renditions) {
		t.Errorf("ReadyMedia = %v, %v; want the media with renditions %+v", ready, err, got.Renditions)
	}
	vis, err := media.MediaVisibility(ctx, m.PublicKey)
	if err != nil || vis.ProjectVisibility != folio.VisibilityPublic || !vis.PublicTo(0) {
		t.Errorf("MediaVisibility = %+v, %v", vis, err)
	}
	_, err = media.MediaVisibility(ctx, folio.NewPublicKey())
	wantCode(t, "visibility of an unknown key", err, folio.ENOTFOUND)

	old := &folio.Media{OwnerID: ada.ID, ProjectID: p.ID, Kind: folio.MediaScreencast, Status: folio.MediaUploading}
	if err := media.CreateMedia(ctx, old); err != nil {
		t.Fatal(err)
	}
	if abandoned, err := media.AbandonedUploads(ctx, time.Now().Add(time.Minute)); err != nil || len(abandoned) != 1 || abandoned[0].ID != old.ID {
		t.Errorf("AbandonedUploads = %v, %v", abandoned, err)
	}
	if abandoned, _ := media.AbandonedUploads(ctx, time.Now().Add(-time.Hour)); len(abandoned) != 0 {
		t.Errorf("recent upload listed as abandoned: %v", abandoned)
	}
	if err := media.FailMedia(ctx, old.ID, "not a video"); err != nil {
		t.Fatal(err)
	}
	if f, _ := media.MediaByID(ctx, old.ID); f.Status != folio.MediaFailed || f.Error != "not a video" {
		t.Errorf("failed media %+v", f)
	}
	if all, err := media.ProjectMedia(ctx, p.ID); err != nil || len(all) != 2 || all[0].ID != m.ID {
		t.Errorf("ProjectMedia = %v, %v", all, err)
	}
	if err := media.DeleteMedia(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	_, err = media.MediaByID(ctx, old.ID)
	wantCode(t, "deleted media", err, folio.ENOTFOUND)
}

func TestDemoChecks(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	demos := postgres.NewDemoService(db)
	ada := createUser(t, db, "ada")
	projects := postgres.NewProjectService(db)
	p, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("P"), Visibility: ptr(folio.VisibilityPublic), DemoURL: ptr("https://demo.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := projects.CreateProject(ctx, ada.ID, folio.ProjectInput{Title: ptr("Draft"), DemoURL: ptr("https://draft.example.com")}); err != nil {
		t.Fatal(err)
	}
	targets, err := demos.DemoTargets(ctx, 0, 10)
	if err != nil || len(targets) != 1 || targets[0].ProjectID != p.ID {
		t.Errorf("DemoTargets = %v, %v; want the public project only", targets, err)
	}
	if _, ok, err := demos.DemoTarget(ctx, p.ID); !ok || err != nil {
		t.Errorf("DemoTarget = %v, %v", ok, err)
	}

	sum, err := demos.DemoSummary(ctx, p.ID, 5)
	if err != nil || sum.State != folio.DemoUnknown || sum.LastCheck != nil || sum.Uptime24h != nil {
		t.Errorf("summary before any check: %+v, %v", sum, err)
	}
	now := time.Now().Add(-time.Minute)
	var events []string
	for i, up := range []bool{true, false, false, false, true} {
		ev, err := demos.RecordCheck(ctx, folio.DemoCheck{ProjectID: p.ID, CheckedAt: now.Add(time.Duration(i) * time.Second), Up: up, Error: "timeout"})
		if err != nil {
			t.Fatal(err)
		}
		if ev != nil {
			events = append(events, ev.Kind)
		}
	}
	if len(events) != 2 || events[0] != "down" || events[1] != "recovered" {
		t.Errorf("events %v, want [down recovered]: one failure is a blip", events)
	}
	sum, err = demos.DemoSummary(ctx, p.ID, 3)
	if err != nil || sum.State != folio.DemoUp || len(sum.Recent) != 3 || sum.LastCheck == nil || !sum.LastCheck.Up || len(sum.Events) != 2 {
		t.Errorf("summary: %+v, %v", sum, err)
	}
	if sum.Uptime24h == nil || *sum.Uptime24h != 0.4 {
		t.Errorf("uptime %v, want 0.4", sum.Uptime24h)
	}
	states, err := demos.DemoStates(ctx, []int64{p.ID, 999})
	if err != nil || len(states) != 1 || states[p.ID].State != folio.DemoUp {
		t.Errorf("DemoStates = %v, %v", states, err)
	}
	if n, err := demos.PruneDemoChecks(ctx, time.Now()); err != nil || n != 5 {
		t.Errorf("PruneDemoChecks = %d, %v", n, err)
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	creds := postgres.NewCredentialService(db)
	ada, grace := createUser(t, db, "ada"), createUser(t, db, "grace")

	s1 := &folio.Session{TokenHash: []byte("h1"), UserID: ada.ID, CSRFToken: "c", ExpiresAt: time.Now().Add(time.Hour)}
	s2 := &folio.Session{TokenHash: []byte("h2"), UserID: ada.ID, CSRFToken: "c", ExpiresAt: time.Now().Add(time.Hour)}
	expired := &folio.Session{TokenHash: []byte("h3"), UserID: grace.ID, CSRFToken: "c", ExpiresAt: time.Now().Add(-time.Hour)}
	for _, s := range []*folio.Session{s1, s2, expired} {
		if err := creds.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := creds.SessionByHash(ctx, []byte("h1")); err != nil || got.UserID != ada.ID || got.CSRFToken != "c" {
		t.Errorf("SessionByHash = %+v, %v", got, err)
	}
	_, err := creds.SessionByHash(ctx, []byte("h3"))
	wantCode(t, "expired session", err, folio.ENOTFOUND)
	later := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	if err := creds.ExtendSession(ctx, []byte("h1"), later); err != nil {
		t.Fatal(err)
	}
	if got, err := creds.SessionByHash(ctx, []byte("h1")); err != nil || !got.ExpiresAt.Equal(later) {
		t.Errorf("extended session: %+v, %v; want expiry %v", got, err, later)
	}
	wantCode(t, "extend an unknown session", creds.ExtendSession(ctx, []byte("nope"), later), "")
	if err := creds.DeleteSessions(ctx, ada.ID, []byte("h1")); err != nil {
		t.Fatal(err)
	}
	_, err = creds.SessionByHash(ctx, []byte("h2"))
	wantCode(t, "other session after DeleteSessions", err, folio.ENOTFOUND)
	if _, err := creds.SessionByHash(ctx, []byte("h1")); err != nil {
		t.Errorf("kept session: %v", err)
	}
	if err := creds.DeleteSession(ctx, []byte("h1")); err != nil {
		t.Fatal(err)
	}
	_, err = creds.SessionByHash(ctx, []byte("h1"))
	wantCode(t, "deleted session", err, folio.ENOTFOUND)

	tok := &folio.APIToken{UserID: ada.ID, Name: "CI", TokenHash: []byte("t1")}
	if err := creds.CreateAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if tok.ID == 0 || tok.Scopes == nil || tok.LastUsedAt != nil {
		t.Errorf("created token %+v", tok)
	}
	if got, err := creds.APITokenByHash(ctx, []byte("t1")); err != nil || got.ID != tok.ID || got.LastUsedAt == nil {
		t.Errorf("APITokenByHash = %+v, %v; want its use recorded", got, err)
	}
	_, err = creds.APITokenByHash(ctx, []byte("nope"))
	wantCode(t, "unknown token", err, folio.ENOTFOUND)
	if list, err := creds.APITokens(ctx, ada.ID); err != nil || len(list) != 1 {
		t.Errorf("APITokens = %v, %v", list, err)
	}
	wantCode(t, "delete another user's token", creds.DeleteAPIToken(ctx, grace.ID, tok.ID), folio.ENOTFOUND)
	wantCode(t, "delete own token", creds.DeleteAPIToken(ctx, ada.ID, tok.ID), "")
	wantCode(t, "delete it again", creds.DeleteAPIToken(ctx, ada.ID, tok.ID), folio.ENOTFOUND)

	d := &folio.KnownDevice{TokenHash: []byte("d1"), UserID: ada.ID}
	if err := creds.RememberDevice(ctx, d); err != nil || d.CreatedAt.IsZero() {
		t.Fatalf("RememberDevice: %+v, %v", d, err)
	}
	if got, err := creds.DeviceByHash(ctx, []byte("d1")); err != nil || got.UserID != ada.ID {
		t.Errorf("DeviceByHash = %+v, %v", got, err)
	}
	_, err = creds.DeviceByHash(ctx, []byte("d2"))
	wantCode(t, "unknown device", err, folio.ENOTFOUND)

	idem := postgres.NewIdempotencyService(db)
	if rec, err := idem.BeginIdempotent(ctx, ada.ID, "k", []byte("req")); err != nil || rec != nil {
		t.Fatalf("first claim: %+v, %v", rec, err)
	}
	if rec, err := idem.BeginIdempotent(ctx, ada.ID, "k", []byte("req")); err != nil || rec == nil || rec.Status != 0 {
		t.Errorf("claim while running: %+v, %v", rec, err)
	}
	if err := idem.FinishIdempotent(ctx, ada.ID, "k", 201, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if rec, err := idem.BeginIdempotent(ctx, ada.ID, "k", []byte("req")); err != nil || rec == nil || rec.Status != 201 || string(rec.Body) != "{}" {
		t.Errorf("replay: %+v, %v", rec, err)
	}
	if rec, err := idem.BeginIdempotent(ctx, grace.ID, "k", []byte("req")); err != nil || rec != nil {
		t.Errorf("same key, another user: %+v, %v", rec, err)
	}
	if err := idem.AbandonIdempotent(ctx, grace.ID, "k"); err != nil {
		t.Fatal(err)
	}
	if rec, err := idem.BeginIdempotent(ctx, grace.ID, "k", []byte("req")); err != nil || rec != nil {
		t.Errorf("claim after abandon: %+v, %v", rec, err)
	}
}

// Every error comes wrapped with what the repository was doing, and keeps
// its code through the wrapping.
func TestErrorsSayWhatFailed(t *testing.T) {
	t.Parallel()
	db, ctx := testenv.Postgres(t), context.Background()
	_, err := postgres.NewProjectService(db).Project(ctx, 1, 42)
	wantCode(t, "missing project", err, folio.ENOTFOUND)
	if want := "postgres: project 42: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q does not start with %q", err, want)
	}
	if folio.ErrorMessage(err) != "Project not found." {
		t.Errorf("message %q", folio.ErrorMessage(err))
	}
	db.Close() // every later query fails
	_, err = postgres.NewProjectService(db).Projects(ctx, 1, 0, 10)
	wantCode(t, "closed database", err, folio.EINTERNAL)
	if want := "postgres: list projects: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q does not start with %q", err, want)
	}
}
