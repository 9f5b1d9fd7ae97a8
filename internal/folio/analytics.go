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
	Progress  int // plays: 0 when it starts, then 25, 50, 75, 100 as each quarter is reached
	// ShareLinkID is the tailored link the visitor came through; 0 for
	// the public pages.
	ShareLinkID int64
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

// Granularity is the bucket size of an analytics time series.
type Granularity string

// Granularities.
const (
	ByDay   Granularity = "day"
	ByWeek  Granularity = "week"
	ByMonth Granularity = "month"
)

// AnalyticsRange is a report's period: days [From, To) in UTC.
type AnalyticsRange struct {
	From, To    time.Time
	Granularity Granularity
}

// MaxAnalyticsDays bounds a report's period.
const MaxAnalyticsDays = 400

// Validate checks the range: whole days, From before To, at most
// MaxAnalyticsDays, a known granularity.
func (r AnalyticsRange) Validate() error {
	var v Validation
	if !r.From.Before(r.To) {
		v.Add("from", "must be before to")
	} else if r.To.Sub(r.From) > MaxAnalyticsDays*24*time.Hour {
		v.Add("to", "the period may be at most 400 days")
	}
	switch r.Granularity {
	case ByDay, ByWeek, ByMonth:
	default:
		v.Add("granularity", "must be day, week or month")
	}
	return v.Err()
}

// Bucket is one point of a time series.
type Bucket struct {
	Start    time.Time
	Views    int64
	Visitors int64
}

// Count is a named number: a referrer, a source, a device class.
type Count struct {
	Name     string
	Events   int64
	Visitors int64
}

// ProjectEngagement is what visitors did with one project.
type ProjectEngagement struct {
	ProjectID  int64
	Views      int64
	Visitors   int64
	Plays      int64         // screencast plays started
	PlaysTo    map[int]int64 // 25, 50, 75, 100 → plays that reached that far
	DemoClicks int64
	CodeClicks int64
	DocsOpens  int64
}

// AnalyticsReport answers the owner's questions for a period.
type AnalyticsReport struct {
	Range     AnalyticsRange
	Series    []Bucket
	Views     int64 // every page view, portfolio and projects
	Visitors  int64 // sum of daily unique visitors (ids change daily)
	Referrers []Count
	Sources   []Count
	Devices   []Count
	Projects  []ProjectEngagement
	// Funnel is visitors who viewed the portfolio, of those who then
	// viewed a project, and of those who clicked a live demo.
	Funnel [3]int64
}

// AnalyticsReader answers reports from the rollups and today's raw events.
type AnalyticsReader interface {
	// Report returns the owner's numbers for r (validated by the caller).
	Report(ctx context.Context, ownerID int64, r AnalyticsRange) (*AnalyticsReport, error)
}

// ShareActivity is what visitors did through one share link on one day,
// for one page (ProjectID 0: the portfolio page) and kind of event.
type ShareActivity struct {
	ShareLinkID int64
	Day         time.Time
	ProjectID   int64
	Kind        EventKind
	Events      int64
	Visitors    int64
	// MaxProgress is the furthest quarter a play reached (plays only).
	MaxProgress int
	First, Last time.Time
}

// ShareActivityReader reads what happened through share links, from raw
// events (so within the analytics retention).
type ShareActivityReader interface {
	// ShareActivity returns the activity through links of ownerID's
	// application, oldest first; ENOTFOUND is never returned (an unknown
	// application has no activity).
	ShareActivity(ctx context.Context, ownerID, applicationID int64) ([]ShareActivity, error)
}
