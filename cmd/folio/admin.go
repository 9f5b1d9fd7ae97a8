package main

import (
	"context"
	"fmt"
	"io"

	"github.com/foliohq/folio/internal/postgres"
)

func runAdmin(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 2 || (args[0] != "grant" && args[0] != "revoke") {
		return fmt.Errorf("%w: want grant <email> or revoke <email>", errUsage)
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
	grant := args[0] == "grant"
	if err := postgres.NewUserService(db).SetAdmin(ctx, args[1], grant); err != nil {
		return err
	}
	if grant {
		fmt.Fprintf(stdout, "%s is now an admin\n", args[1])
	} else {
		fmt.Fprintf(stdout, "%s is no longer an admin\n", args[1])
	}
	return nil
}
