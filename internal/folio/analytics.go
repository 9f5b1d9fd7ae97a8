package folio

import (
	"context"
	"time"
)

// EventKind is what a visitor did on a public page.
type EventKind string

// The events Folio counts. Page views and outbound clicks are counted by
// the server; plays and API-docs opens by a small beacon.
const (
	EventView      EventKind = "view"
	EventPlay      EventKind = "play"
	EventDemoClick EventKind = "demo_click"
	EventCodeClick EventKind = "code_click"
	EventDocsOpen  EventKind = "docs_open"
)

// Valid reports whether k is a kind Folio counts.
func (k EventKind) Valid() bool {
	switch k {
	case EventView, EventPlay, EventDemoClick, EventCodeClick, EventDocsOpen:
		return true
	}
	return false
}

// DeviceClass is the visitor's kind of device, from the User-Agent.
type DeviceClass string

// Device classes; "" when unknown.
const (
	DeviceDesktop DeviceClass = "desktop"
	DeviceMobile  DeviceClass = "mobile"
	DeviceTablet  DeviceClass = "tablet"
)

// Event is one counted visitor action. It holds no IP address, no
// User-Agent and nothing that identifies a person beyond a day.
type Event struct {
	At        time.Time
	OwnerID   int64
	ProjectID int64 // 0: the portfolio page
	Kind      EventKind
	// VisitorID is a hash that changes every day; 0 when the visitor asked
	// not to be tracked (the event still adds to anonymous totals).
	VisitorID int64
	Referrer  string // the referring site's host name, never the path
	Source    string // utm_source, when the link carried one
	Device    DeviceClass
	Progress  int // plays: the furthest quarter reached, 25 to 100
}

// EventStore keeps raw events and their daily rollups.
type EventStore interface {
	// InsertEvents stores a batch of events in one round trip.
	InsertEvents(ctx context.Context, events []Event) error
	// DailySalt returns the secret salt of day (UTC), creating it on first
	// use; every replica gets the same salt for the same day.
	DailySalt(ctx context.Context, day time.Time) ([]byte, error)
	// ForgetSaltsBefore destroys the salts of days before day.
	ForgetSaltsBefore(ctx context.Context, day time.Time) (int64, error)
	// EnsurePartitions creates the monthly partitions from the month of
	// from through months months ahead.
	EnsurePartitions(ctx context.Context, from time.Time, months int) error
	// DropPartitionsBefore drops whole monthly partitions that end on or
	// before cutoff, and reports their names.
	DropPartitionsBefore(ctx context.Context, cutoff time.Time) ([]string, error)
	// RollUp recomputes the daily rollups of day (UTC) from raw events.
	RollUp(ctx context.Context, day time.Time) error
}
