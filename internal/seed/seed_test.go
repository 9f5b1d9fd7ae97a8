package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/seed"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/upload"
)

func TestLoadIsIdempotent(t *testing.T) {
	db := testenv.Postgres(t)
	users := postgres.NewUserService(db)
	a := auth.New(users, postgres.NewCredentialService(db), 4)
	projects := postgres.NewProjectService(db)
	ctx := context.Background()
	ffmpeg, _ := testenv.FFmpeg(t)
	ro := testenv.Redis(t)
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB})
	defer client.Close()
	mediaSvc := postgres.NewMediaService(db)
	store := testenv.Store(t)
	uploads := &upload.Service{Media: mediaSvc, Projects: projects, Store: store, Queue: client, MaxVideoBytes: 1 << 30, MaxImageBytes: 50 << 20}
	media := &seed.Media{FFmpeg: ffmpeg, Uploads: uploads, Store: store, Queue: client, Docs: postgres.NewAPIDocsService(db)}
	jobs := jobsearch.New(db)
	for i, want := range []bool{true, false} {
		created, err := seed.Load(ctx, a, projects, media, jobs, seed.DefaultLinks)
		if err != nil || created != want {
			t.Fatalf("load %d: created=%v err=%v, want created=%v", i, created, err, want)
		}
	}
	pf, err := projects.Portfolio(ctx, seed.DemoHandle)
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Featured) != 4 || len(pf.Others) != 1 || pf.Featured[0].Slug != "folio" {
		t.Errorf("demo portfolio: %d featured (first %q), %d others", len(pf.Featured), pf.Featured[0].Slug, len(pf.Others))
	}
	for _, p := range pf.Featured {
		if p.DemoURL == "" {
			t.Errorf("featured %q has no live demo", p.Slug)
		}
	}
	ready, err := mediaSvc.ProjectMedia(ctx, pf.Featured[0].ID)
	if err != nil || len(ready) != 2 || ready[0].Status != "uploaded" || ready[0].Kind != "screencast" {
		t.Errorf("the first project's media: %v (err %v), want a screencast and a screenshot queued", ready, err)
	}
	inspector := asynq.NewInspector(asynq.RedisClientOpt{Addr: ro.Addr, DB: ro.DB})
	defer inspector.Close()
	if pending, _ := inspector.ListPendingTasks("default"); len(pending) != 15 {
		t.Errorf("%d jobs queued, want 15 (a screencast, a screenshot and API docs for each of the 5 public projects)", len(pending))
	}
	if _, _, _, err := a.Login(ctx, seed.DemoEmail, seed.DemoPassword); err != nil {
		t.Errorf("demo login: %v", err)
	}
	// A job search in progress: three applications once, one of them due
	// today, and a share link featuring two of the featured projects.
	u, err := a.Users.UserByHandle(ctx, seed.DemoHandle)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := jobs.Applications(ctx, u.ID, folio.ApplicationFilter{Limit: 10})
	if err != nil || len(apps.Applications) != 3 {
		t.Fatalf("demo applications: %d, %v; want 3", len(apps.Applications), err)
	}
	due, err := jobs.DueApplications(ctx, u.ID, time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].Company != "Globex" {
		t.Errorf("due today: %v, %v; want Globex", due, err)
	}
	acme := apps.Applications[2]
	links, err := jobs.ShareLinks(ctx, u.ID, acme.ID)
	if err != nil || len(links) != 1 || len(links[0].ProjectIDs) != 2 || links[0].ProjectIDs[0] != pf.Featured[0].ID {
		t.Fatalf("Acme's share link: %+v, %v", links, err)
	}
	if _, err := jobs.ActiveShareLink(ctx, links[0].Token); err != nil {
		t.Errorf("the demo share link does not open: %v", err)
	}
}
