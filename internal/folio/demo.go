package folio

import (
	"context"
	"time"
)

// DemoState is whether a demo answers.
type DemoState string

// Demo states; unknown until the first check.
const (
	DemoUp      DemoState = "up"
	DemoDown    DemoState = "down"
	DemoUnknown DemoState = "unknown"
)

// DownAfter is how many failed checks in a row make a demo "down" for the
// owner's events: one failure may be a blip.
const DownAfter = 2

// DemoCheck is one recorded check of a project's demo URL.
type DemoCheck struct {
	ProjectID  int64
	CheckedAt  time.Time
	Up         bool
	StatusCode int
	Latency    time.Duration
	FinalURL   string
	ErrorClass string
	Error      string
}

// DemoEvent tells the owner a demo went down or came back.
type DemoEvent struct {
	ProjectID int64
	Kind      string // down, recovered
	Message   string
	CreatedAt time.Time
}

// DemoSummary is a project's demo health.
type DemoSummary struct {
	State         DemoState
	Since         time.Time // when the state began; zero when unknown
	LastCheck     *DemoCheck
	Uptime24h     *float64 // nil without checks in the window
	Uptime7d      *float64
	Recent        []DemoCheck
	Events        []DemoEvent
	LastCheckedAt time.Time
}

// DemoTarget is a project whose demo is checked.
type DemoTarget struct {
	ProjectID int64
	URL       string
}

// DemoService records checks and summarizes them.
type DemoService interface {
	// RecordCheck stores a check and updates the project's status; it
	// returns the event the check caused, if any.
	RecordCheck(ctx context.Context, c DemoCheck) (*DemoEvent, error)
	// DemoSummary returns the summary with up to recent checks and events.
	DemoSummary(ctx context.Context, projectID int64, recent int) (DemoSummary, error)
	// DemoStates returns the state and last check time of many projects.
	DemoStates(ctx context.Context, projectIDs []int64) (map[int64]DemoSummary, error)
	// DemoTargets lists public projects with a demo URL, from after id.
	DemoTargets(ctx context.Context, after int64, limit int) ([]DemoTarget, error)
	// DemoTarget returns the project's demo URL if it should be checked.
	DemoTarget(ctx context.Context, projectID int64) (DemoTarget, bool, error)
	// PruneDemoChecks deletes checks older than before and returns how many.
	PruneDemoChecks(ctx context.Context, before time.Time) (int64, error)
}
