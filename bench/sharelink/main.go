// Command sharelink makes a tailored share link to a seeded portfolio for
// the pages benchmark: an application with a link that features the
// portfolio's featured projects in reverse order, with a note, as a real
// link would. It prints the link's token.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/jobsearch"
)

func main() {
	handle := flag.String("handle", "demo", "the portfolio to share")
	flag.Parse()
	token, err := run(context.Background(), *handle)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sharelink:", err)
		os.Exit(1)
	}
	fmt.Println(token)
}

func run(ctx context.Context, handle string) (string, error) {
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return "", err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	pf, err := postgres.NewProjectService(db).Portfolio(ctx, handle)
	if err != nil {
		return "", err
	}
	ids := make([]int64, 0, len(pf.Featured))
	for _, p := range pf.Featured {
		ids = append(ids, p.ID)
	}
	slices.Reverse(ids)
	store := jobsearch.New(db)
	company, role := "Bench Co", "Backend engineer"
	app, err := store.CreateApplication(ctx, pf.Owner.ID, folio.ApplicationInput{Company: &company, Role: &role})
	if err != nil {
		return "", err
	}
	label, note := "benchmark", "Hello Bench Co team: the projects closest to your work come first."
	link, err := store.CreateShareLink(ctx, pf.Owner.ID, app.ID, folio.ShareLinkInput{Label: &label, Note: &note, ProjectIDs: &ids})
	if err != nil {
		return "", err
	}
	return link.Token, nil
}
