package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
	"github.com/foliohq/folio/internal/seed"
	"github.com/foliohq/folio/internal/wire"
)

func runSeed(ctx context.Context, _ []string, stdout io.Writer) error {
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.migrateUp(ctx); err != nil {
		return err
	}
	if err := a.store.EnsureBucket(ctx); err != nil {
		return err
	}
	var media *seed.Media
	if ffmpeg, err := exec.LookPath("ffmpeg"); err == nil {
		media = &seed.Media{FFmpeg: ffmpeg, Uploads: a.uploads(), Store: a.store, Queue: a.queue,
			Docs: postgres.NewAPIDocsService(a.db)}
	} else {
		fmt.Fprintln(stdout, "seed: ffmpeg is not installed; the demo gets no screencasts")
	}
	opts := a.httpOptions()
	links := seed.Links{Folio: a.cfg.BaseURL.String(), Apps: "http://" + a.cfg.DevDemosAddr}
	created, err := seed.Run(ctx, seed.Options{Auth: opts.Auth, Projects: opts.API.Projects, Media: media,
		Jobs: jobsearch.New(a.db), Cards: wire.SocialCards(a.pools(), a.cfg.BaseURL), Links: links})
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "seed: created the demo portfolio %s/%s (log in as %s / %s)\n", a.cfg.BaseURL, seed.DemoHandle, seed.DemoEmail, seed.DemoPassword)
	} else {
		fmt.Fprintf(stdout, "seed: the demo portfolio %s/%s already exists\n", a.cfg.BaseURL, seed.DemoHandle)
	}
	return nil
}
