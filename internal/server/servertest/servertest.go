// Package servertest builds the HTTP server for tests the way cmd/folio
// builds it, on a test's own database and Redis.
package servertest

import (
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/upload"
)

// Plenty is a rate limit no test reaches by accident.
var Plenty = ratelimit.Limit{Rate: 10000, Period: time.Minute}

// Options wires accounts, projects and idempotency to db and the rate
// limiter to rdb, with limits of Plenty and the lowest bcrypt cost (which
// keeps a suite fast; production uses auth.DefaultBcryptCost). Tests add
// the media, pages and demo services they exercise.
func Options(db *bun.DB, rdb *redis.Client) server.Options {
	users := postgres.NewUserService(db)
	projects := postgres.NewProjectService(db)
	o := server.Options{
		MaxBodyBytes: 64 << 10,
		PublicLimit:  Plenty,
		Auth:         auth.New(users, postgres.NewCredentialService(db), 4),
	}
	o.API.Users, o.API.Projects = users, projects
	o.API.Idempotency = postgres.NewIdempotencyService(db)
	o.API.Limiter = ratelimit.New(rdb)
	o.API.Limits = api.Limits{LoginPerIP: Plenty, LoginPerAccountIP: Plenty, LoginPerAccount: Plenty, RegisterPerIP: Plenty, RegisterPerAccount: Plenty}
	// No store: the removal of deleted projects' files is only queued.
	o.API.ProjectDeletes = &project.Service{Purger: &purge.Purger{
		Deletions: postgres.NewObjectDeletionService(db), Queue: asynq.NewClientFromRedisClient(rdb)}}
	o.Site.Users, o.Site.Projects = users, projects
	return o
}

// Media wires the media and API docs workflows (streamed and direct
// uploads, media and project deletion, API docs requests) to db, store and
// q, as cmd/folio does; uploads have the given size limits and the default
// limits of uploads in progress, which the caller may change on
// o.API.Uploads. Set o.Logger and o.Metrics first: the uploads use them.
// It returns the purger of deleted files, for a worker's object handlers.
func Media(o *server.Options, db *bun.DB, store *storage.Store, q queue.Enqueuer, maxVideoBytes, maxImageBytes int64) *purge.Purger {
	media := postgres.NewMediaService(db)
	purger := &purge.Purger{Deletions: postgres.NewObjectDeletionService(db), Store: store, Queue: q, Logger: o.Logger}
	o.API.Media = media
	o.API.Uploads = &upload.Service{Media: media, Projects: postgres.NewProjectService(db), Store: store, Queue: q,
		Purger: purger, MaxVideoBytes: maxVideoBytes, MaxImageBytes: maxImageBytes, Metrics: o.Metrics, Logger: o.Logger}
	o.API.ProjectDeletes = &project.Service{Purger: purger}
	o.API.APIDocs = postgres.NewAPIDocsService(db)
	o.API.DocsRequests = &apidocs.Requester{Docs: o.API.APIDocs, Store: store, Queue: q, Gate: o.API.Uploads}
	return purger
}
