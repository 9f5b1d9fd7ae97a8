package main

import (
	"context"
	"fmt"
	"io"
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
	fmt.Fprintln(stdout, "seed: database is migrated; no demo data to load yet")
	return nil
}
