package demo_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/testenv"
)

// The owner's "check now" and the scheduled check are one workflow: both
// record the check, and only the owner of a public project with a demo URL
// may ask for one.
func TestMonitorCheckNow(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("demo")) }))
	t.Cleanup(srv.Close)
	users, projects, demos := postgres.NewUserService(db), postgres.NewProjectService(db), postgres.NewDemoService(db)
	var owners []int64
	for _, h := range []string{"ada", "bob"} {
		u := &folio.User{Email: h + "@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: h, DisplayName: h}}
		if err := users.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		owners = append(owners, u.ID)
	}
	project := func(title, url string, vis folio.Visibility) *folio.Project {
		p, err := projects.CreateProject(ctx, owners[0], folio.ProjectInput{Title: &title, DemoURL: &url, Visibility: &vis})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	public := project("Orders", srv.URL+"/orders", folio.VisibilityPublic)
	draft := project("Draft", srv.URL+"/draft", folio.VisibilityDraft)
	noURL := project("No demo", "", folio.VisibilityPublic)
	m := &demo.Monitor{Demos: demos, Projects: projects, Checker: demo.NewChecker(2*time.Second, true),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	check, err := m.CheckNow(ctx, owners[0], public.ID)
	if err != nil || !check.Up || check.StatusCode != 200 {
		t.Fatalf("check now: %+v %v", check, err)
	}
	sum, err := demos.DemoSummary(ctx, public.ID, 10)
	if err != nil || sum.State != folio.DemoUp || len(sum.Recent) != 1 {
		t.Errorf("after check now: %+v %v; want one recorded check, up", sum, err)
	}
	if _, err := m.CheckNow(ctx, owners[1], public.ID); folio.ErrorCode(err) != folio.ENOTFOUND {
		t.Errorf("another owner's project: %v, want not_found", err)
	}
	for _, p := range []*folio.Project{draft, noURL} {
		if _, err := m.CheckNow(ctx, owners[0], p.ID); folio.ErrorCode(err) != folio.EINVALID {
			t.Errorf("%s: %v, want invalid", p.Title, err)
		}
	}
	// The scheduled check skips what is no longer to be checked.
	if c, err := m.Check(ctx, draft.ID); c != nil || err != nil {
		t.Errorf("scheduled check of a draft: %+v %v", c, err)
	}
	if c, err := m.Check(ctx, public.ID); err != nil || c == nil {
		t.Errorf("scheduled check: %+v %v", c, err)
	}
	if sum, _ := demos.DemoSummary(ctx, public.ID, 10); len(sum.Recent) != 2 {
		t.Errorf("%d checks recorded, want 2", len(sum.Recent))
	}
}
