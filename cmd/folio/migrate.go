package main

import (
	"context"
	"fmt"
	"io"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/migrations"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: want one of up, down, status", errUsage)
	}
	action := args[0]
	if action != "up" && action != "down" && action != "status" {
		return fmt.Errorf("%w: unknown action %q; want up, down or status", errUsage, action)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := postgres.NewMigrator(db, migrations.FS)
	if err != nil {
		return err
	}
	switch action {
	case "up":
		applied, err := m.Up(ctx)
		for _, name := range applied {
			fmt.Fprintf(stdout, "applied %s\n", name)
		}
		if err == nil && len(applied) == 0 {
			fmt.Fprintln(stdout, "database is up to date")
		}
		return err
	case "down":
		rolledBack, err := m.Down(ctx)
		for _, name := range rolledBack {
			fmt.Fprintf(stdout, "rolled back %s\n", name)
		}
		if err == nil && len(rolledBack) == 0 {
			fmt.Fprintln(stdout, "nothing to roll back")
		}
		return err
	default:
		status, err := m.Status(ctx)
		for _, s := range status {
			state := "pending"
			if s.Applied {
				state = fmt.Sprintf("applied (group %d)", s.GroupID)
			}
			fmt.Fprintf(stdout, "%s_%s  %s\n", s.Name, s.Comment, state)
		}
		return err
	}
}
