// Package servertest builds the HTTP server for tests the way cmd/folio
// builds it, on a test's own database and Redis.
package servertest

import (
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/account"
	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/project"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/wire"
)

// Plenty is a rate limit no test reaches by accident.
var Plenty = ratelimit.Limit{Rate: 10000, Period: time.Minute}

// Options wires the HTTP server's services to db and rdb through
// wire.HTTPOptions, as cmd/folio does, with limits of Plenty and the lowest
// bcrypt cost (which keeps a suite fast; production uses
// auth.DefaultBcryptCost). Without a store the media workflows are off
// (Media adds them) and deleted projects' files are only queued for removal.
func Options(db *bun.DB, rdb *redis.Client) server.Options {
	o := wire.HTTPOptions(wire.Pools{DB: db, Redis: rdb}, wire.Settings{BcryptCost: 4})
	o.MaxBodyBytes = 64 << 10
	o.PublicLimit = Plenty
	o.API.Limits = api.Limits{LoginPerIP: Plenty, LoginPerAccountIP: Plenty, LoginPerAccount: Plenty, RegisterPerIP: Plenty, RegisterPerAccount: Plenty}
	o.Accounts.Limits = account.Limits{ResetPerAddress: Plenty, ResetPerIP: Plenty, ResendPerAccount: Plenty, EmailChangePerAccount: Plenty}
	return o
}

// Media wires the media and API docs workflows (streamed and direct
// uploads, media and project deletion, API docs requests) to db, store and
// q, as cmd/folio does; uploads have the given size limits and the default
// limits of uploads in progress, which the caller may change on
// o.API.Uploads. Set o.Logger and o.Metrics first: the uploads use them.
// It returns the purger of deleted files, for a worker's object handlers.
func Media(o *server.Options, db *bun.DB, store *storage.Store, q queue.Enqueuer, maxVideoBytes, maxImageBytes int64) *purge.Purger {
	p := wire.Pools{DB: db, Store: store, Queue: q, Logger: o.Logger, Metrics: o.Metrics}
	uploads := wire.Uploads(p, wire.Settings{MaxVideoBytes: maxVideoBytes, MaxImageBytes: maxImageBytes})
	purger := wire.Purger(p)
	o.API.Uploads = uploads
	o.API.ProjectDeletes = &project.Service{Purger: purger}
	o.API.DocsRequests = &apidocs.Requester{Docs: o.API.APIDocs, Store: store, Queue: q, Gate: uploads}
	o.Site.Store = store
	if o.AccountData.Deletion != nil {
		o.AccountData.Deletion.Purger = purger
	}
	o.AccountData.Archives = wire.Archives(p, "folio test")
	return purger
}
