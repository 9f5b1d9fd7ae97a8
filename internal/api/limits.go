package api

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
)

// Limits are the rate limits of the endpoints that guess passwords or make
// accounts. Login counts every attempt per client IP, but per account only
// failures: per account and IP, and a slower ceiling per account from any
// IP that a browser which logged in to the account before still passes.
// So a stranger's wrong guesses cannot lock the owner out, and guessing
// stays slow however many addresses the guesser has.
type Limits struct {
	LoginPerIP ratelimit.Limit
	// LoginPerAccountIP limits failed logins to one account from one IP; it
	// also limits wrong current passwords in a password change, per user.
	LoginPerAccountIP  ratelimit.Limit
	LoginPerAccount    ratelimit.Limit
	RegisterPerIP      ratelimit.Limit
	RegisterPerAccount ratelimit.Limit
}

// DefaultLimits let a person retry a mistyped password many times but stop
// a script guessing: 10 guesses per quarter hour from one address, and at
// most 100 an hour (2,400 a day) at one account from all of them.
var DefaultLimits = Limits{
	LoginPerIP:         ratelimit.Limit{Rate: 30, Period: time.Minute},
	LoginPerAccountIP:  ratelimit.Limit{Rate: 10, Period: 15 * time.Minute},
	LoginPerAccount:    ratelimit.Limit{Rate: 100, Period: time.Hour},
	RegisterPerIP:      ratelimit.Limit{Rate: 10, Period: time.Hour},
	RegisterPerAccount: ratelimit.Limit{Rate: 5, Period: time.Hour},
}

// withDefaults fills each limit left zero from DefaultLimits.
func (l Limits) withDefaults() Limits {
	for _, f := range []struct {
		dst *ratelimit.Limit
		def ratelimit.Limit
	}{
		{&l.LoginPerIP, DefaultLimits.LoginPerIP},
		{&l.LoginPerAccountIP, DefaultLimits.LoginPerAccountIP},
		{&l.LoginPerAccount, DefaultLimits.LoginPerAccount},
		{&l.RegisterPerIP, DefaultLimits.RegisterPerIP},
		{&l.RegisterPerAccount, DefaultLimits.RegisterPerAccount},
	} {
		if f.dst.Rate == 0 {
			*f.dst = f.def
		}
	}
	return l
}

// rateLimit counts one attempt against key and refuses with 429 and
// Retry-After when the limit is spent.
func (s *API) rateLimit(c *fiber.Ctx, key string, lim ratelimit.Limit) error {
	allowed, retryAfter, err := s.opts.Limiter.Allow(c.UserContext(), key, lim)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if !allowed {
		return request.TooMany(c, retryAfter)
	}
	return nil
}

// checkLimit refuses with 429 and Retry-After when the limit on key is
// spent, without counting this attempt; countFailure counts one.
func (s *API) checkLimit(c *fiber.Ctx, key string, lim ratelimit.Limit) error {
	allowed, retryAfter, err := s.opts.Limiter.Check(c.UserContext(), key, lim)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if !allowed {
		return request.TooMany(c, retryAfter)
	}
	return nil
}

// countFailure counts one failed attempt against key; see checkLimit.
func (s *API) countFailure(c *fiber.Ctx, key string, lim ratelimit.Limit) error {
	if err := s.opts.Limiter.Count(c.UserContext(), key, lim); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}
