package api

import (
	"time"

	"github.com/foliohq/folio/internal/ratelimit"
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
