// Package archive is Folio's full account archive: its format (a zip
// with one JSON document of the account, the original media and API-docs
// sources, and a manifest of every entry's SHA-256), the export that the
// worker streams into the bucket, and the import that recreates the
// account's profile, projects, media and API docs on another instance.
package archive

import (
	"encoding/json"
	"time"
)

// Format names the archive kind in its manifest; anything else is a
// foreign zip.
const (
	Format  = "folio-account-archive"
	Version = 1
)

// Entry names inside the zip.
const (
	ManifestName = "manifest.json"
	DocumentName = "account.json"
	mediaDir     = "media/"
	apiDocsDir   = "apidocs/"
)

// Limits bound what an import reads, so that a crafted zip cannot exhaust
// disk, memory or time.
type Limits struct {
	MaxArchiveBytes int64 // the zip itself
	MaxEntries      int
	MaxEntryBytes   int64 // one entry, uncompressed
	MaxTotalBytes   int64 // every entry, uncompressed
	MaxRatio        int64 // uncompressed / compressed, per entry of more than 1 MiB
	MaxJSONBytes    int64 // the manifest and the document
	MaxJSONDepth    int
	MaxProjects     int
	MaxMedia        int
}

// DefaultLimits fit the largest account the upload limits allow with
// room: 200 projects with screencasts of a few GiB each are beyond them.
var DefaultLimits = Limits{
	MaxArchiveBytes: 20 << 30,
	MaxEntries:      5000,
	MaxEntryBytes:   5 << 30,
	MaxTotalBytes:   20 << 30,
	MaxRatio:        100,
	MaxJSONBytes:    64 << 20,
	MaxJSONDepth:    32,
	MaxProjects:     500,
	MaxMedia:        4000,
}

// Manifest lists every other entry of the archive with its size and
// SHA-256; it is the zip's last entry, written once the hashes are known.
type Manifest struct {
	Format     string          `json:"format"`
	Version    int             `json:"version"`
	ArchiveID  string          `json:"archive_id"`
	CreatedAt  time.Time       `json:"created_at"`
	Generator  string          `json:"generator"`
	Entries    []ManifestEntry `json:"entries"`
	SourceHost string          `json:"source_host,omitempty"`
}

// ManifestEntry is one entry's name, size and hex SHA-256.
type ManifestEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Document is the account in one JSON document. Ids are the exporting
// instance's: they tie the document together and name what an import
// already brought in, nothing else.
type Document struct {
	Profile       Profile       `json:"profile"`
	Projects      []Project     `json:"projects"`
	Featured      []int64       `json:"featured"` // project ids, in the portfolio's order
	Applications  []Application `json:"applications"`
	Analytics     []Rollup      `json:"analytics_daily"`
	Notifications []Preference  `json:"notification_preferences"`
	Webhooks      []Webhook     `json:"webhooks"`
}

// Profile is the account's public profile and address.
type Profile struct {
	Email       string    `json:"email"`
	Handle      string    `json:"handle"`
	DisplayName string    `json:"display_name"`
	Headline    string    `json:"headline"`
	Bio         string    `json:"bio"`
	Location    string    `json:"location"`
	WebsiteURL  string    `json:"website_url"`
	GitHubURL   string    `json:"github_url"`
	LinkedInURL string    `json:"linkedin_url"`
	ShowEmail   bool      `json:"show_email"`
	Avatar      *Media    `json:"avatar,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Project is one project with its media and API docs.
type Project struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug"`
	Title         string    `json:"title"`
	Tagline       string    `json:"tagline"`
	Description   string    `json:"description"`
	PitchProblem  string    `json:"pitch_problem"`
	PitchApproach string    `json:"pitch_approach"`
	PitchResult   string    `json:"pitch_result"`
	TechTags      []string  `json:"tech_tags"`
	DemoURL       string    `json:"demo_url"`
	RepositoryURL string    `json:"repository_url"`
	Visibility    string    `json:"visibility"`
	CreatedAt     time.Time `json:"created_at"`
	Media         []Media   `json:"media"`
	APIDocs       *APIDocs  `json:"api_docs,omitempty"`
}

// Media is one upload; Entry names its original in the zip ("" when the
// original was never stored, e.g. an upload abandoned half way).
type Media struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Status      string `json:"status"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	Entry       string `json:"entry,omitempty"`
}

// APIDocs is a project's API docs request: its source kind and, for an
// uploaded one, the entry of the source as uploaded.
type APIDocs struct {
	Source      string `json:"source"`
	ContentType string `json:"content_type,omitempty"`
	Entry       string `json:"entry,omitempty"`
	Title       string `json:"title"`
	Version     string `json:"version"`
}

// Application is a job application with its timeline and share links.
type Application struct {
	ID             int64             `json:"id"`
	Company        string            `json:"company"`
	Role           string            `json:"role"`
	PostingURL     string            `json:"posting_url"`
	AppliedOn      *string           `json:"applied_on"`
	Status         string            `json:"status"`
	NextStep       string            `json:"next_step"`
	NextStepDue    *string           `json:"next_step_due"`
	InterviewAt    *time.Time        `json:"interview_at"`
	Contacts       json.RawMessage   `json:"contacts"`
	Notes          string            `json:"notes"`
	SalaryMin      *int64            `json:"salary_min"`
	SalaryMax      *int64            `json:"salary_max"`
	SalaryCurrency string            `json:"salary_currency"`
	ProjectIDs     []int64           `json:"project_ids"`
	CreatedAt      time.Time         `json:"created_at"`
	Events         []ApplicationStep `json:"events"`
	ShareLinks     []ShareLink       `json:"share_links"`
}

// ApplicationStep is one entry of an application's timeline.
type ApplicationStep struct {
	OccurredAt time.Time `json:"occurred_at"`
	Kind       string    `json:"kind"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	Body       string    `json:"body"`
}

// ShareLink is a tailored link's metadata. Its token, which is the
// link's credential, stays out of the archive.
type ShareLink struct {
	Label      string     `json:"label"`
	Note       string     `json:"note"`
	ProjectIDs []int64    `json:"project_ids"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Rollup is one row of the daily analytics rollups.
type Rollup struct {
	Day       string `json:"day"`
	ProjectID int64  `json:"project_id"`
	Kind      string `json:"kind"`
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
	Events    int64  `json:"events"`
	Visitors  int64  `json:"visitors"`
}

// Preference is one notification preference.
type Preference struct {
	Kind    string `json:"kind"`
	Channel string `json:"channel"`
	Enabled bool   `json:"enabled"`
}

// Webhook is an endpoint without its secret, which never leaves the
// instance that sealed it.
type Webhook struct {
	URL         string    `json:"url"`
	Format      string    `json:"format"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}
