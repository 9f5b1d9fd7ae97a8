// Package errtrack reports unexpected errors and panics to Sentry when an
// operator configures a DSN; without one it does nothing and sends nothing.
package errtrack

import (
	"fmt"
	"time"

	"github.com/getsentry/sentry-go"
)

// Tracker sends events to Sentry. A nil *Tracker is valid and inert.
type Tracker struct {
	client *sentry.Client
}

// New returns a Tracker for dsn, or nil when dsn is empty.
func New(dsn, environment, release string) (*Tracker, error) {
	if dsn == "" {
		return nil, nil
	}
	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn: dsn, Environment: environment, Release: release,
		// Request bodies, cookies and headers may hold passwords and tokens.
		SendDefaultPII: false,
	})
	if err != nil {
		return nil, fmt.Errorf("sentry: %w", err)
	}
	return &Tracker{client: client}, nil
}

// Capture reports err with tags such as request_id and task_type.
func (t *Tracker) Capture(err error, tags map[string]string) {
	if t == nil || err == nil {
		return
	}
	scope := sentry.NewScope()
	scope.SetTags(tags)
	sentry.NewHub(t.client, scope).CaptureException(err)
}

// CapturePanic reports a recovered panic value.
func (t *Tracker) CapturePanic(v any, tags map[string]string) {
	if t == nil {
		return
	}
	scope := sentry.NewScope()
	scope.SetTags(tags)
	sentry.NewHub(t.client, scope).Recover(v)
}

// Flush waits up to timeout for queued events to be sent.
func (t *Tracker) Flush(timeout time.Duration) {
	if t != nil {
		t.client.Flush(timeout)
	}
}
