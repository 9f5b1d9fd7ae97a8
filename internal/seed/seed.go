// Package seed loads the demo portfolio that `make dev` shows, so that a
// newcomer sees a real page at once.
package seed

import (
	"context"
	"fmt"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
)

// Demo account credentials, for local development only.
const (
	DemoHandle   = "demo"
	DemoEmail    = "demo@folio.localhost"
	DemoPassword = "folio-demo-password"
)

type demoProject struct {
	title, tagline, description, problem, approach, result, demo, repo string
	tags                                                               []string
	visibility                                                         folio.Visibility
}

var demoProjects = []demoProject{
	{
		title: "Orders API", tagline: "Idempotent order intake for a busy shop",
		description: "A Go service that accepts orders over HTTP, deduplicates retries with idempotency keys and hands fulfilment to a queue.\n\n- PostgreSQL with row-level locking\n- Redis-backed rate limits\n- OpenAPI documented",
		problem:     "Mobile clients retried on flaky networks and created duplicate orders.",
		approach:    "Idempotency keys stored with the response; the second request replays the first.",
		result:      "Zero duplicate orders in three months; p99 latency 38 ms at 2,000 req/s.",
		demo:        "https://orders.example.com", repo: "https://github.com/example/orders-api",
		tags: []string{"Go", "PostgreSQL", "Redis"}, visibility: folio.VisibilityPublic,
	},
	{
		title: "Feed Aggregator", tagline: "Reads 50,000 feeds an hour on one small VM",
		description: "Concurrent fetching with per-host politeness, conditional GETs and a worker pool.",
		problem:     "Polling every feed every minute wasted bandwidth and got us rate limited.",
		approach:    "ETag/Last-Modified, adaptive intervals and a per-host token bucket.",
		result:      "94% of fetches answered 304; bandwidth down by a factor of 12.",
		demo:        "https://feeds.example.com", repo: "https://github.com/example/feeds",
		tags: []string{"Go", "HTTP", "SQLite"}, visibility: folio.VisibilityPublic,
	},
	{
		title: "Chat Gateway", tagline: "WebSocket fan-out for 100k concurrent users",
		description: "A gateway that keeps WebSocket connections and fans out messages from NATS.",
		problem:     "A single Node process fell over at 8k connections.",
		approach:    "Go, epoll-friendly goroutines, and sharded subscriptions.",
		result:      "100k connections on 2 vCPUs with 1.2 GB of memory.",
		repo:        "https://github.com/example/chat-gateway",
		tags:        []string{"Go", "WebSocket", "NATS"}, visibility: folio.VisibilityPublic,
	},
	{
		title: "Billing Ledger", tagline: "Double-entry accounting as a service",
		description: "An append-only ledger with balances computed from entries.",
		tags:        []string{"Go", "PostgreSQL"}, visibility: folio.VisibilityPublic,
	},
	{
		title: "Notes on Raft", tagline: "A work in progress", tags: []string{"Go"}, visibility: folio.VisibilityDraft,
	},
}

// Load creates the demo account and its projects unless the account
// exists. It reports whether it created anything.
func Load(ctx context.Context, a *auth.Service, projects folio.ProjectService) (bool, error) {
	if _, err := a.Users.UserByHandle(ctx, DemoHandle); err == nil {
		return false, nil
	} else if folio.ErrorCode(err) != folio.ENOTFOUND {
		return false, err
	}
	u, err := a.Register(ctx, folio.Registration{Email: DemoEmail, Password: DemoPassword, Handle: DemoHandle, DisplayName: "Dana Demo"})
	if err != nil {
		return false, fmt.Errorf("seed demo account: %w", err)
	}
	headline, bio, location := "Backend engineer: Go, PostgreSQL, distributed systems",
		"I build services that stay up. Eight years of Go, on-call for payment systems, and a soft spot for good error messages.",
		"Lisbon"
	github, website := "https://github.com/example", "https://example.com"
	if _, err := a.Users.UpdateProfile(ctx, u.ID, folio.ProfileUpdate{Headline: &headline, Bio: &bio, Location: &location, GitHubURL: &github, WebsiteURL: &website}); err != nil {
		return false, err
	}
	var featured []int64
	for _, d := range demoProjects {
		vis := d.visibility
		in := folio.ProjectInput{
			Title: &d.title, Tagline: &d.tagline, Description: &d.description,
			PitchProblem: &d.problem, PitchApproach: &d.approach, PitchResult: &d.result,
			DemoURL: &d.demo, RepositoryURL: &d.repo, TechTags: &d.tags, Visibility: &vis,
		}
		p, err := projects.CreateProject(ctx, u.ID, in)
		if err != nil {
			return false, fmt.Errorf("seed project %q: %w", d.title, err)
		}
		if vis == folio.VisibilityPublic && len(featured) < 3 {
			featured = append(featured, p.ID)
		}
	}
	if _, err := projects.SetFeatured(ctx, u.ID, featured); err != nil {
		return false, err
	}
	return true, nil
}
