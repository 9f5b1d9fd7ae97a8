// Package seed loads the demo portfolio that `make dev` shows, so that a
// newcomer sees a real page at once.
package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/foliohq/folio/docs"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
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
	ownDocs                                                            bool // API docs: Folio's own OpenAPI document
}

// Links are where the demo's live demos answer: Folio itself (the running
// instance) and the small apps `folio dev` serves on loopback (see
// internal/demoapps), so every featured demo is up without internet.
type Links struct {
	Folio string // this instance's base URL
	Apps  string // base URL of the demo apps, e.g. http://127.0.0.1:8090
}

// DefaultLinks suit `make dev`.
var DefaultLinks = Links{Folio: "http://localhost:8080", Apps: "http://127.0.0.1:8090"}

// folioRepository is this project's code, the Folio showcase's code link.
const folioRepository = "https://github.com/foliohq/folio"

// demoProjects are the demo portfolio; the first four are featured, in
// this order. The Folio showcase gets Folio's own OpenAPI document as its
// API docs.
func demoProjects(l Links) []demoProject {
	apps := strings.TrimRight(l.Apps, "/")
	return []demoProject{
		{
			title: "Folio", tagline: "The self-hosted portfolio you are looking at",
			description: "A Go platform for developer portfolios: public pages that read without JavaScript, resumable uploads straight to object storage, a worker that turns screencasts into web video, API docs from a spec or a repository, and live demo checks.\n\n- Fiber, bun on PostgreSQL, MinIO, asynq on Redis\n- Server-rendered pages cached by content version\n- SSRF-safe demo checks and repository clones",
			problem:     "Developers send recruiters a CV and a list of links; nobody opens the links.",
			approach:    "One fast page per person: screencast first, a live demo, the code and interactive API docs.",
			result:      "A portfolio page served from cache at tens of thousands of requests per second on two cores.",
			demo:        strings.TrimRight(l.Folio, "/") + "/", repo: folioRepository,
			tags: []string{"Go", "PostgreSQL", "Redis", "MinIO"}, visibility: folio.VisibilityPublic, ownDocs: true,
		},
		{
			title: "Orders API", tagline: "Idempotent order intake for a busy shop",
			description: "A Go service that accepts orders over HTTP, deduplicates retries with idempotency keys and hands fulfilment to a queue.\n\n- PostgreSQL with row-level locking\n- Redis-backed rate limits\n- OpenAPI documented",
			problem:     "Mobile clients retried on flaky networks and created duplicate orders.",
			approach:    "Idempotency keys stored with the response; the second request replays the first.",
			result:      "Zero duplicate orders in three months; p99 latency 38 ms at 2,000 req/s.",
			demo:        apps + "/orders/", repo: "https://github.com/example/orders-api",
			tags: []string{"Go", "PostgreSQL", "Redis"}, visibility: folio.VisibilityPublic,
		},
		{
			title: "Feed Aggregator", tagline: "Reads 50,000 feeds an hour on one small VM",
			description: "Concurrent fetching with per-host politeness, conditional GETs and a worker pool.",
			problem:     "Polling every feed every minute wasted bandwidth and got us rate limited.",
			approach:    "ETag/Last-Modified, adaptive intervals and a per-host token bucket.",
			result:      "94% of fetches answered 304; bandwidth down by a factor of 12.",
			demo:        apps + "/feeds/", repo: "https://github.com/example/feeds",
			tags: []string{"Go", "HTTP", "SQLite"}, visibility: folio.VisibilityPublic,
		},
		{
			title: "Chat Gateway", tagline: "Fan-out messaging for 100k concurrent users",
			description: "A gateway that keeps long-lived connections and fans out messages from NATS; the demo streams a room over server-sent events.",
			problem:     "A single Node process fell over at 8k connections.",
			approach:    "Go, epoll-friendly goroutines, and sharded subscriptions.",
			result:      "100k connections on 2 vCPUs with 1.2 GB of memory.",
			demo:        apps + "/chat/", repo: "https://github.com/example/chat-gateway",
			tags: []string{"Go", "WebSocket", "NATS"}, visibility: folio.VisibilityPublic,
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
}

// featuredCount is how many of the demo's public projects are featured.
const featuredCount = 4

// Media makes and stores the demo's screencasts and screenshots; nil
// leaves the demo without media.
type Media struct {
	FFmpeg  string
	Uploads *upload.Service // the owners' upload intake
	Store   *storage.Store
	Queue   queue.Enqueuer
	Docs    folio.APIDocsService // nil: no API docs
}

// JobSearch is what the demo's job search is made with.
type JobSearch interface {
	CreateApplication(ctx context.Context, ownerID int64, in folio.ApplicationInput) (*folio.Application, error)
	CreateShareLink(ctx context.Context, ownerID, applicationID int64, in folio.ShareLinkInput) (*folio.ShareLink, error)
}

// Cards queues the render of an owner's social cards at their current
// content version (socialcard.Service).
type Cards interface {
	Refresh(ctx context.Context, ownerID int64)
}

// Options are what `folio seed` loads the demo with; see Load. Cards nil:
// the demo's cards wait for the first view of its pages.
type Options struct {
	Auth     *auth.Service
	Projects folio.ProjectService
	Media    *Media
	Jobs     JobSearch
	Cards    Cards
	Links    Links
}

// Run is `folio seed`: Load, then the render of the demo's social cards
// queued, whether the demo is new or not (a release with another card
// layout renders them anew). Every later change the worker makes (the
// screencasts' posters, the API docs, the demo checks) moves the content
// version the cards are stored under, and queues them again through the
// pages' notification (site.HandlePagesNotice): the demo's link previews
// exist before anyone opens its pages. It reports whether it created
// anything.
func Run(ctx context.Context, o Options) (bool, error) {
	created, err := Load(ctx, o.Auth, o.Projects, o.Media, o.Jobs, o.Links)
	if err != nil {
		return created, err
	}
	if o.Cards != nil {
		if demo, err := o.Auth.Users.UserByHandle(ctx, DemoHandle); err == nil {
			o.Cards.Refresh(ctx, demo.ID)
		}
	}
	return created, nil
}

// Load creates the demo account and its projects, with live demos at
// links, and with jobs (nil: none) three applications, one of them with a
// tailored share link, unless the account exists. It reports whether it
// created anything.
func Load(ctx context.Context, a *auth.Service, projects folio.ProjectService, media *Media, jobs JobSearch, links Links) (bool, error) {
	if _, err := a.Users.UserByHandle(ctx, DemoHandle); err == nil {
		return false, nil
	} else if folio.ErrorCode(err) != folio.ENOTFOUND {
		return false, err
	}
	u, err := a.Register(ctx, folio.Registration{Email: DemoEmail, Password: DemoPassword, Handle: DemoHandle, DisplayName: "Dana Demo", Verified: true})
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
	for _, d := range demoProjects(links) {
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
		if vis == folio.VisibilityPublic && len(featured) < featuredCount {
			featured = append(featured, p.ID)
		}
		if media != nil && vis == folio.VisibilityPublic {
			if err := media.add(ctx, u.ID, p); err != nil {
				return false, fmt.Errorf("seed media of %q: %w", d.title, err)
			}
			if err := media.addDocs(ctx, p, d.ownDocs); err != nil {
				return false, fmt.Errorf("seed API docs of %q: %w", d.title, err)
			}
		}
	}
	if _, err := projects.SetFeatured(ctx, u.ID, featured); err != nil {
		return false, err
	}
	if jobs != nil {
		if err := loadApplications(ctx, jobs, u.ID, featured); err != nil {
			return false, fmt.Errorf("seed applications: %w", err)
		}
	}
	return true, nil
}

// loadApplications gives the demo a job search in progress: an interview
// coming up with a share link featuring two projects, a follow-up due
// today and a wish.
func loadApplications(ctx context.Context, jobs JobSearch, ownerID int64, featured []int64) error {
	y, m, d := time.Now().UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	at := func(days, hour int) *time.Time {
		t := today.AddDate(0, 0, days).Add(time.Duration(hour) * time.Hour)
		return &t
	}
	str := func(s string) *string { return &s }
	status := func(s folio.ApplicationStatus) *folio.ApplicationStatus { return &s }
	projects := featured[:min(2, len(featured))]
	acme := folio.ApplicationInput{Company: str("Acme Payments"), Role: str("Senior backend engineer"),
		PostingURL: str("https://example.com/jobs/backend"), AppliedOn: at(-12, 0), Status: status(folio.StatusInterview),
		NextStep: str("Prepare the system design round"), NextStepDue: at(1, 0), InterviewAt: at(3, 14),
		Contacts: &[]folio.Contact{{Name: "Wile E. Coyote", Email: "hiring@example.com"}},
		Notes:    str("Payments team, **remote** in Europe. They asked about idempotency keys."), ProjectIDs: &projects}
	globex := folio.ApplicationInput{Company: str("Globex"), Role: str("Platform engineer"), AppliedOn: at(-5, 0),
		Status: status(folio.StatusApplied), NextStep: str("Follow up with the recruiter"), NextStepDue: at(0, 0)}
	initech := folio.ApplicationInput{Company: str("Initech"), Role: str("Go developer"), Status: status(folio.StatusWishlist)}
	a, err := jobs.CreateApplication(ctx, ownerID, acme)
	if err != nil {
		return err
	}
	for _, in := range []folio.ApplicationInput{globex, initech} {
		if _, err := jobs.CreateApplication(ctx, ownerID, in); err != nil {
			return err
		}
	}
	_, err = jobs.CreateShareLink(ctx, ownerID, a.ID, folio.ShareLinkInput{Label: str("Hiring manager"), ProjectIDs: &projects,
		Note: str("Hello Acme team — these two are closest to your payments work.")})
	return err
}

// add generates a screencast (a test pattern with the project's name on
// it) and a screenshot and uploads them through the owners' intake.
func (m *Media) add(ctx context.Context, ownerID int64, p *folio.Project) error {
	dir, err := os.MkdirTemp("", "folio-seed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The name on the picture needs a font; without one the pattern alone will do.
	label := "drawtext=text='" + strings.ReplaceAll(p.Title, "'", "") + "':fontsize=64:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=24:x=(w-tw)/2:y=(h-th)/2"
	files := []struct {
		kind folio.MediaKind
		name string
		args func(filter string) []string
	}{
		{folio.MediaScreencast, "screencast.mp4", func(filter string) []string {
			return []string{"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=330",
				"-t", "8", "-vf", filter, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"}
		}},
		{folio.MediaScreenshot, "screenshot.png", func(filter string) []string {
			return []string{"-f", "lavfi", "-i", "testsrc2=size=1600x900", "-frames:v", "1", "-vf", filter}
		}},
	}
	for _, f := range files {
		out := filepath.Join(dir, f.name)
		run := func(filter string) error {
			args := append(append([]string{"-y", "-v", "error", "-nostdin"}, f.args(filter)...), out)
			if b, err := exec.CommandContext(ctx, m.FFmpeg, args...).CombinedOutput(); err != nil {
				return fmt.Errorf("ffmpeg: %v: %s", err, b)
			}
			return nil
		}
		if err := run(label); err != nil {
			if err := run("null"); err != nil {
				return err
			}
		}
		if err := m.upload(ctx, ownerID, p.ID, f.kind, f.name, out); err != nil {
			return err
		}
	}
	return nil
}

func (m *Media) upload(ctx context.Context, ownerID, projectID int64, kind folio.MediaKind, name, path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	_, err = m.Uploads.Stream(queue.WithRequestID(ctx, "seed"), upload.File{OwnerID: ownerID, ProjectID: projectID, Kind: kind,
		Filename: name, Body: file, DeclaredSize: -1})
	return err
}

// addDocs gives the project a small OpenAPI document, generated by the
// worker like an owner's upload.
func (m *Media) addDocs(ctx context.Context, p *folio.Project, own bool) error {
	if m.Docs == nil {
		return nil
	}
	data, err := m.docsSource(p, own)
	if err != nil {
		return err
	}
	requests := apidocs.Requester{Docs: m.Docs, Store: m.Store, Queue: m.Queue}
	_, err = requests.Request(ctx, p.ID, folio.SourceSpec, bytes.NewReader(data), "application/json", "seed")
	return err
}

// docsSource is the project's API document: Folio's own (the Swagger
// document swag writes from the handler annotations) for the showcase,
// else a small made-up one.
func (m *Media) docsSource(p *folio.Project, own bool) ([]byte, error) {
	if own {
		return docs.Swagger(), nil
	}
	// The title's first word, as a plural: "Orders API" → orders.
	resource := strings.ToLower(strings.Fields(p.Title)[0])
	if !strings.HasSuffix(resource, "s") {
		resource += "s"
	}
	spec := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": p.Title, "version": "1.0.0", "description": p.Tagline},
		"paths": map[string]any{
			"/" + resource: map[string]any{
				"get":  map[string]any{"tags": []string{resource}, "summary": "List " + resource, "responses": map[string]any{"200": map[string]any{"description": "The " + resource}}},
				"post": map[string]any{"tags": []string{resource}, "summary": "Create one", "responses": map[string]any{"201": map[string]any{"description": "Created"}}},
			},
			"/" + resource + "/{id}": map[string]any{
				"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}},
				"get":        map[string]any{"tags": []string{resource}, "summary": "Get one", "responses": map[string]any{"200": map[string]any{"description": "Found"}, "404": map[string]any{"description": "Not found"}}},
			},
		},
	}
	return json.Marshal(spec)
}
