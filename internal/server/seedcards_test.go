package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/demo"
	"github.com/foliohq/folio/internal/demoapps"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/postgres/listen"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/seed"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/site"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/wire"
	"github.com/foliohq/folio/migrations"
	"github.com/foliohq/folio/worker"
)

// TestSeededDemoHasSocialCards is `make dev` on a fresh instance: `folio
// seed` (seed.Run, as the command calls it), then `folio dev`'s worker
// (media, API docs, demo checks, cards) and its pages' database
// notifications. Once the worker is done, and before anyone opens a page,
// the demo's cards exist at its current content version, although every
// poster, API document and demo check moved that version after the seed
// (the checks last): the portfolio's and each public project's, none for
// the draft, and no older version's left behind.
// The first view of each page then names its card in og:image and
// twitter:image, and the card answers a 1200×630 PNG with the project's
// screencast poster on it.
func TestSeededDemoHasSocialCards(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dsn := testenv.DatabaseURL(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := postgres.Migrate(ctx, db, migrations.FS); err != nil {
		t.Fatal(err)
	}
	redisOpts := testenv.Redis(t)
	rdb := redis.NewClient(redisOpts)
	t.Cleanup(func() { rdb.Close() })
	store := testenv.Store(t)
	asynqRedis := asynq.RedisClientOpt{Addr: redisOpts.Addr, DB: redisOpts.DB}
	client := asynq.NewClient(asynqRedis)
	t.Cleanup(func() { client.Close() })

	// The server, as `folio dev` wires it.
	o := servertest.Options(db, rdb)
	o.Logger = quietLogger
	purger := servertest.Media(&o, db, store, client, 1<<30, 50<<20)
	cards := wire.SocialCards(wire.Pools{DB: db, Redis: rdb, Store: store, Queue: client, Logger: quietLogger}, siteBase)
	o.Site.Cards = cards
	h := &harness{t: t, srv: server.New(o), db: db}
	folioURL := h.listen()
	apps, err := demoapps.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { apps.Close(context.Background()) })
	listening := make(chan struct{}, 1)
	go listen.Run(ctx, dsn, site.PagesChannel, quietLogger, func(payload string) {
		if err := h.srv.Site().HandlePagesNotice(ctx, payload); err != nil && ctx.Err() == nil {
			t.Errorf("notice %q: %v", payload, err)
		}
	}, func(bool) { listening <- struct{}{} })
	<-listening

	// The worker, as `folio dev` runs it.
	ffmpeg, ffprobe := testenv.FFmpeg(t)
	mediaSvc, docs, demos := postgres.NewMediaService(db), postgres.NewAPIDocsService(db), postgres.NewDemoService(db)
	projects := postgres.NewProjectService(db)
	const interval = time.Hour // one round of checks: the one queued below
	w, err := worker.New(worker.Options{
		Redis: asynqRedis, Logger: quietLogger, Concurrency: 2, ShutdownTimeout: 5 * time.Second,
		Objects: &worker.ObjectHandlers{Purger: purger},
		APIDocs: &worker.APIDocsHandlers{Docs: docs, Projects: projects, Store: store, Extract: apidocs.DefaultLimits},
		Media: &worker.MediaHandlers{Media: mediaSvc, Store: store, Queue: client, Cards: cards,
			Processor: &media.Processor{FFmpeg: ffmpeg, FFprobe: ffprobe, Threads: 2, Timeout: 5 * time.Minute, MaxVideoSeconds: 600}},
		Exports: &worker.ExportHandlers{Cards: cards},
		Demo: &worker.DemoHandlers{Demos: demos, Queue: client, Interval: interval,
			Monitor: &demo.Monitor{Demos: demos, Projects: projects, Checker: demo.NewDevChecker(10 * time.Second), Logger: quietLogger}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)

	// `folio seed`, with the live demos on this test's Folio and demo apps.
	created, err := seed.Run(ctx, seed.Options{Auth: o.Auth, Projects: o.API.Projects,
		Media: &seed.Media{FFmpeg: ffmpeg, Uploads: o.API.Uploads, Store: store, Queue: client, Docs: docs},
		Jobs:  jobsearch.New(db), Cards: cards, Links: seed.Links{Folio: folioURL, Apps: "http://" + apps.Addr()}})
	if err != nil || !created {
		t.Fatalf("seed: created %v, %v", created, err)
	}
	pf, err := projects.Portfolio(ctx, seed.DemoHandle)
	if err != nil {
		t.Fatal(err)
	}
	public := append(append([]*folio.Project{}, pf.Featured...), pf.Others...)
	ids := make([]int64, len(public))
	for i, p := range public {
		ids[i] = p.ID
	}
	if len(public) != 5 {
		t.Fatalf("%d public projects in the demo, want 5", len(public))
	}

	// The worker makes the renditions and API documents...
	users := postgres.NewUserService(db)
	var owner *folio.User
	waitUntil(t, "the seeded demo's media and API docs", 10*time.Minute, func() (bool, string) {
		ready, err := mediaSvc.ReadyMedia(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, p := range public {
			d, err := docs.APIDocs(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status == "failed" {
				t.Fatalf("the API docs of %q failed: %s", p.Slug, d.Error)
			}
			if len(ready[p.ID]) == 2 && d.Status == "ready" {
				done++
			}
		}
		return done == len(public), fmt.Sprintf("%d of %d projects done", done, len(public))
	})
	// ...and then checks the demos: their first check moves the content
	// version again, after the last poster (as every check that finds a
	// demo gone down or back up does later).
	if err := queue.Enqueue(client, queue.NewDemoDispatchNowTask(interval)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the seeded demos up", 2*time.Minute, func() (bool, string) {
		states, err := demos.DemoStates(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		up := 0
		for _, p := range public {
			if p.DemoURL == "" || states[p.ID].State == folio.DemoUp {
				up++
			}
		}
		return up == len(public), fmt.Sprintf("%d of %d demos up or without a URL", up, len(public))
	})
	// Then the cards follow, at the version those changes left, and the
	// older versions' go.
	var want []string
	waitUntil(t, "the demo's cards at its current content version, and only those", 3*time.Minute, func() (bool, string) {
		if owner, err = users.UserByHandle(ctx, seed.DemoHandle); err != nil {
			t.Fatal(err)
		}
		want = []string{socialcard.PortfolioKey(owner, owner.ContentVersion)}
		for _, p := range public {
			want = append(want, socialcard.ProjectKey(owner, owner.ContentVersion, p.ID))
		}
		slices.Sort(want)
		keys, err := store.Keys(ctx, socialcard.Prefix(owner))
		if err != nil {
			t.Fatal(err)
		}
		return slices.Equal(keys, want), fmt.Sprintf("stored %q, want %q", keys, want)
	})

	// The first view of each page names its card.
	pages := map[string]string{"/demo": "/demo/card.png"}
	for _, p := range public {
		pages["/demo/"+p.Slug] = "/demo/" + p.Slug + "/card.png"
	}
	for page, card := range pages {
		r := h.expect(req{method: "GET", path: page}, 200)
		if r.header.Get("X-Cache") != "miss" {
			t.Errorf("%s: X-Cache %q, want the first render", page, r.header.Get("X-Cache"))
		}
		wantURL := fmt.Sprintf("%s%s?v=%d", siteBase, card, owner.ContentVersion)
		if og, tw := previewImages(r.body); og != wantURL || tw != wantURL {
			t.Errorf("%s: og:image %q, twitter:image %q, want %q", page, og, tw, wantURL)
		}
		c := h.expect(req{method: "GET", path: card}, 200)
		if ct := c.header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("%s: Content-Type %q", card, ct)
		}
		if n := posterColours(decodeCard(t, card, c.body)); n < 1000 {
			t.Errorf("%s: %d colours where the poster goes; the screencast's poster is not in it", card, n)
		}
	}
	// The draft has neither page nor card.
	h.expect(req{method: "GET", path: "/demo/notes-on-raft"}, 404)
	h.expect(req{method: "GET", path: "/demo/notes-on-raft/card.png"}, 404)
}

// waitUntil polls ok until it holds, failing after within with what ok
// last said.
func waitUntil(t *testing.T, what string, within time.Duration, ok func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		done, state := ok()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (%s)", what, within, state)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
