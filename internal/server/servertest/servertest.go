// Package servertest builds the HTTP server for tests the way cmd/folio
// builds it, on a test's own database and Redis.
package servertest

import (
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
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
	o.Site.Users, o.Site.Projects = users, projects
	return o
}
