// Command folio is Folio's single binary: the HTTP server, the background
// worker, migrations and development helpers, one subcommand each.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command struct {
	summary string
	usage   string // arguments after the command name
	help    string
	run     func(ctx context.Context, args []string, stdout io.Writer) error
}

var commands = map[string]command{
	"serve": {
		summary: "serve the HTTP API and pages",
		help:    "Serves on FOLIO_HTTP_ADDR until SIGINT or SIGTERM, then drains in-flight requests for up to FOLIO_SHUTDOWN_TIMEOUT.",
		run:     runServe,
	},
	"worker": {
		summary: "process background tasks (media, API docs, demo checks)",
		help:    "Runs the asynq worker until SIGINT or SIGTERM; running tasks get FOLIO_SHUTDOWN_TIMEOUT to finish, then go back to the queue.",
		run:     runWorker,
	},
	"migrate": {
		summary: "apply or inspect database migrations",
		usage:   "up|down|status",
		help:    "up applies every pending migration (safe to run from several processes at once); down rolls back the last group (development only); status lists them.",
		run:     runMigrate,
	},
	"seed": {
		summary: "load demo data (idempotent)",
		help:    "Creates the demo portfolio at /demo with its projects, unless it exists.",
		run:     runSeed,
	},
	"dev": {
		summary: "serve and work in one process, for local development",
		help:    "Applies migrations, creates the bucket, then runs the HTTP server and the worker together.",
		run:     runDev,
	},
	"admin": {
		summary: "grant or revoke the admin role (queue UI access)",
		usage:   "grant|revoke <email>",
		help:    "The first account registered is an admin; this names others, or takes the role away.",
		run:     runAdmin,
	},
	"version": {
		summary: "print the version",
		run: func(_ context.Context, _ []string, stdout io.Writer) error {
			_, err := fmt.Fprintf(stdout, "folio %s\n", version)
			return err
		},
	},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks errors whose one-line message is the whole story.
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name := args[0]
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "folio: unknown command %q; run 'folio --help' for the list\n", name)
		return 2
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage: folio %s %s\n\n%s.\n", name, cmd.usage, cmd.summary)
			if cmd.help != "" {
				fmt.Fprintf(stdout, "\n%s\n", cmd.help)
			}
			fmt.Fprintln(stdout, "\nConfiguration comes from FOLIO_* environment variables; see .env.example.")
			return 0
		}
		fmt.Fprintf(stderr, "folio %s: %v\n", name, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, fs.Args(), stdout); err != nil {
		fmt.Fprintf(stderr, "folio %s: %s\n", name, strings.ReplaceAll(err.Error(), "\n", " "))
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: folio <command> [--help]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from FOLIO_* environment variables; see .env.example.")
}
