package auth

import (
	"context"
	"time"
)

// SecondFactor starts the second step of a login whose password was right.
type SecondFactor interface {
	// BeginSecondFactor returns the pending login when userID must give a
	// second factor, and nil when the password is enough.
	BeginSecondFactor(ctx context.Context, userID int64) (*SecondFactorRequired, error)
}

// SecondFactorRequired is Login's answer to a right password of an account
// with two-factor authentication: no session yet, but a pending login that
// a second factor completes before ExpiresAt.
type SecondFactorRequired struct {
	// Token names the pending login; only its hash is stored.
	Token     string
	Methods   []string
	ExpiresAt time.Time
}

func (e *SecondFactorRequired) Error() string { return "auth: a second factor is required" }
