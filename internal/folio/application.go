package folio

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// ApplicationStatus is where an application stands in the owner's pipeline.
type ApplicationStatus string

// The statuses, in pipeline order (the board's columns).
const (
	StatusWishlist  ApplicationStatus = "wishlist"
	StatusApplied   ApplicationStatus = "applied"
	StatusScreening ApplicationStatus = "screening"
	StatusInterview ApplicationStatus = "interview"
	StatusOffer     ApplicationStatus = "offer"
	StatusAccepted  ApplicationStatus = "accepted"
	StatusRejected  ApplicationStatus = "rejected"
	StatusWithdrawn ApplicationStatus = "withdrawn"
)

// ApplicationStatuses lists every status in pipeline order.
var ApplicationStatuses = []ApplicationStatus{StatusWishlist, StatusApplied, StatusScreening,
	StatusInterview, StatusOffer, StatusAccepted, StatusRejected, StatusWithdrawn}

// Valid reports whether s is a known status.
func (s ApplicationStatus) Valid() bool {
	for _, k := range ApplicationStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// Limits on application fields.
const (
	maxCompany          = 200
	maxRole             = 200
	maxNextStep         = 500
	maxApplicationNotes = 20000
	maxContactName      = 100
	// MaxContacts is how many contacts an application keeps.
	MaxContacts = 10
	// MaxApplicationProjects is how many projects an application or a
	// share link names.
	MaxApplicationProjects = 10
	maxShareNote           = 1000
	maxShareLabel          = 100
	// MaxSalary bounds a salary figure (a yearly amount in any currency).
	MaxSalary = 100_000_000
)

// Contact is a person at the company.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	URL   string `json:"url"`
}

// Application is one job the owner applied to, or means to. It is private
// to its owner and never shown on a public page.
type Application struct {
	ID         int64
	OwnerID    int64
	Company    string
	Role       string
	PostingURL string
	// AppliedOn and NextStepDue are calendar days (UTC midnight); zero when unset.
	AppliedOn      time.Time
	Status         ApplicationStatus
	NextStep       string
	NextStepDue    time.Time
	InterviewAt    time.Time // zero when none is scheduled
	Contacts       []Contact
	Notes          string // Markdown
	SalaryMin      *int
	SalaryMax      *int
	SalaryCurrency string // ISO 4217, "" when unset
	ProjectIDs     []int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ApplicationInput creates an application (Company required) or patches
// one (nil means unchanged). A pointer to a zero time clears a date; a
// pointer to a nil salary clears it.
type ApplicationInput struct {
	Company        *string
	Role           *string
	PostingURL     *string
	AppliedOn      *time.Time
	Status         *ApplicationStatus
	NextStep       *string
	NextStepDue    *time.Time
	InterviewAt    *time.Time
	Contacts       *[]Contact
	Notes          *string
	SalaryMin      **int
	SalaryMax      **int
	SalaryCurrency *string
	ProjectIDs     *[]int64
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// Normalize trims text fields, upper-cases the currency and makes the
// notes' line breaks LF.
func (in *ApplicationInput) Normalize() {
	for _, p := range []*string{in.Company, in.Role, in.PostingURL, in.NextStep} {
		if p != nil {
			*p = strings.Join(strings.Fields(*p), " ")
		}
	}
	if in.SalaryCurrency != nil {
		*in.SalaryCurrency = strings.ToUpper(strings.TrimSpace(*in.SalaryCurrency))
	}
	if in.Notes != nil {
		// Browsers send textarea lines as CRLF; store one kind of line break.
		*in.Notes = strings.ReplaceAll(*in.Notes, "\r\n", "\n")
	}
	if in.Contacts != nil {
		for i := range *in.Contacts {
			c := &(*in.Contacts)[i]
			c.Name, c.Email, c.URL = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.URL)
		}
	}
	for _, d := range []*time.Time{in.AppliedOn, in.NextStepDue} {
		if d != nil && !d.IsZero() {
			y, m, day := d.Date()
			*d = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		}
	}
}

// Validate checks every given field. creating says whether Company must
// be present. Project ids are checked against the owner's projects by the
// store.
func (in *ApplicationInput) Validate(creating bool) error {
	var v Validation
	if in.Company != nil || creating {
		validateText(&v, "company", deref(in.Company), true, maxCompany)
	}
	if in.Role != nil {
		validateText(&v, "role", *in.Role, false, maxRole)
	}
	if in.PostingURL != nil {
		validateURL(&v, "posting_url", *in.PostingURL)
	}
	if in.Status != nil && !in.Status.Valid() {
		v.Add("status", "must be one of wishlist, applied, screening, interview, offer, accepted, rejected, withdrawn")
	}
	if in.NextStep != nil {
		validateText(&v, "next_step", *in.NextStep, false, maxNextStep)
	}
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"applied_on", in.AppliedOn}, {"next_step_due", in.NextStepDue}, {"interview_at", in.InterviewAt}} {
		if d.t != nil && !d.t.IsZero() && (d.t.Year() < 1970 || d.t.Year() > 2200) {
			v.Add(d.name, "must be a date between 1970 and 2200")
		}
	}
	if in.Contacts != nil {
		if len(*in.Contacts) > MaxContacts {
			v.Add("contacts", "must have at most %d contacts", MaxContacts)
		}
		for _, c := range *in.Contacts {
			validateText(&v, "contacts.name", c.Name, false, maxContactName)
			if c.Email != "" {
				if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 {
					v.Add("contacts.email", "must be an email address such as ada@example.com")
				}
			}
			validateURL(&v, "contacts.url", c.URL)
			if c.Name == "" && c.Email == "" && c.URL == "" {
				v.Add("contacts", "each contact needs a name, an email or a link")
			}
		}
	}
	if in.Notes != nil {
		validateText(&v, "notes", *in.Notes, false, maxApplicationNotes)
	}
	for _, s := range []struct {
		name string
		p    **int
	}{{"salary_min", in.SalaryMin}, {"salary_max", in.SalaryMax}} {
		if s.p != nil && *s.p != nil && (**s.p < 0 || **s.p > MaxSalary) {
			v.Add(s.name, "must be between 0 and %d", MaxSalary)
		}
	}
	if in.SalaryMin != nil && in.SalaryMax != nil && *in.SalaryMin != nil && *in.SalaryMax != nil && **in.SalaryMin > **in.SalaryMax {
		v.Add("salary_max", "must not be below salary_min")
	}
	if in.SalaryCurrency != nil && *in.SalaryCurrency != "" && !currencyPattern.MatchString(*in.SalaryCurrency) {
		v.Add("salary_currency", "must be a three-letter ISO 4217 code such as EUR")
	}
	if in.ProjectIDs != nil {
		validateProjectIDs(&v, "project_ids", *in.ProjectIDs)
	}
	return v.Err()
}

func validateProjectIDs(v *Validation, field string, ids []int64) {
	if len(ids) > MaxApplicationProjects {
		v.Add(field, "must name at most %d projects", MaxApplicationProjects)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id <= 0 || seen[id] {
			v.Add(field, "must name each project once, by id")
			return
		}
		seen[id] = true
	}
}

// ApplicationFilter narrows the owner's list.
type ApplicationFilter struct {
	Statuses []ApplicationStatus // empty: every status
	Cursor   int64               // the id to continue below; 0 for the first page
	Limit    int
}

// ApplicationPage is one page of a cursor-paginated list, newest first.
type ApplicationPage struct {
	Applications []*Application
	NextCursor   int64 // 0 at the end
}

// ApplicationEventKind is what happened in an application's timeline.
type ApplicationEventKind string

// Timeline entries the owner's actions write; share-link activity comes
// from analytics.
const (
	AppEventCreated ApplicationEventKind = "created"
	AppEventStatus  ApplicationEventKind = "status"
	AppEventNote    ApplicationEventKind = "note"
)

// ApplicationEvent is one entry of an application's timeline.
type ApplicationEvent struct {
	ID            int64
	ApplicationID int64
	At            time.Time
	Kind          ApplicationEventKind
	FromStatus    ApplicationStatus
	ToStatus      ApplicationStatus
	Body          string // a note's Markdown
}

// ApplicationService stores applications. Every method scopes by owner:
// another owner's application answers ENOTFOUND, never EFORBIDDEN.
type ApplicationService interface {
	// CreateApplication validates in and stores it with a "created"
	// timeline entry. EINVALID names project ids that are not ownerID's.
	CreateApplication(ctx context.Context, ownerID int64, in ApplicationInput) (*Application, error)
	// ImportApplications stores every input in one transaction, or none.
	ImportApplications(ctx context.Context, ownerID int64, ins []ApplicationInput) (int, error)
	// Application returns ENOTFOUND unless the application is ownerID's.
	Application(ctx context.Context, ownerID, id int64) (*Application, error)
	// Applications lists ownerID's applications newest first.
	Applications(ctx context.Context, ownerID int64, f ApplicationFilter) (ApplicationPage, error)
	// DueApplications lists ownerID's open applications (not accepted,
	// rejected or withdrawn) with a next step due on or before day (UTC),
	// or an interview on day, soonest first, at most limit.
	DueApplications(ctx context.Context, ownerID int64, day time.Time, limit int) ([]*Application, error)
	// ScheduledApplications lists ownerID's applications with a next-step
	// due date or an interview time (the calendar feed), newest first, at
	// most min(limit, MaxScheduled).
	ScheduledApplications(ctx context.Context, ownerID int64, limit int) ([]*Application, error)
	// UpdateApplication validates and applies in; a status change adds a
	// timeline entry. ENOTFOUND as for Application.
	UpdateApplication(ctx context.Context, ownerID, id int64, in ApplicationInput) (*Application, error)
	// DeleteApplication removes it with its timeline and share links.
	DeleteApplication(ctx context.Context, ownerID, id int64) error
	// AddApplicationNote adds a dated note to the timeline.
	AddApplicationNote(ctx context.Context, ownerID, id int64, markdown string) (*ApplicationEvent, error)
	// ApplicationEvents returns the timeline entries, oldest first.
	ApplicationEvents(ctx context.Context, ownerID, id int64) ([]ApplicationEvent, error)
}

// ShareLink is a tailored link to the owner's portfolio for one
// application, at /s/{Token}.
type ShareLink struct {
	ID            int64
	ApplicationID int64
	OwnerID       int64
	Token         string
	Label         string
	ProjectIDs    []int64 // featured through this link, in order; empty: the portfolio's own
	Note          string  // plain text shown at the top of the page
	ExpiresAt     time.Time
	RevokedAt     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Active reports whether the link opens a page at now.
func (l *ShareLink) Active(now time.Time) bool {
	return l.RevokedAt.IsZero() && (l.ExpiresAt.IsZero() || now.Before(l.ExpiresAt))
}

// ShareLinkInput creates or patches a share link (nil: unchanged).
type ShareLinkInput struct {
	Label      *string
	ProjectIDs *[]int64
	Note       *string
	ExpiresAt  *time.Time // a zero time clears the expiry
}

// Validate checks every given field.
func (in *ShareLinkInput) Validate() error {
	var v Validation
	if in.Label != nil {
		validateText(&v, "label", *in.Label, false, maxShareLabel)
	}
	if in.Note != nil {
		validateText(&v, "note", *in.Note, false, maxShareNote)
	}
	if in.ProjectIDs != nil {
		validateProjectIDs(&v, "project_ids", *in.ProjectIDs)
	}
	return v.Err()
}

// ShareLinkService stores share links, scoped by owner like applications.
type ShareLinkService interface {
	// CreateShareLink makes a new link with a fresh token for ownerID's
	// application. EINVALID names project ids that are not ownerID's
	// public or unlisted projects.
	CreateShareLink(ctx context.Context, ownerID, applicationID int64, in ShareLinkInput) (*ShareLink, error)
	// ShareLinks lists an application's links, oldest first.
	ShareLinks(ctx context.Context, ownerID, applicationID int64) ([]*ShareLink, error)
	// ShareLink returns ENOTFOUND unless the link is ownerID's.
	ShareLink(ctx context.Context, ownerID, id int64) (*ShareLink, error)
	// UpdateShareLink applies in. ENOTFOUND as for ShareLink.
	UpdateShareLink(ctx context.Context, ownerID, id int64, in ShareLinkInput) (*ShareLink, error)
	// RevokeShareLink makes the link a 404 from now on.
	RevokeShareLink(ctx context.Context, ownerID, id int64) (*ShareLink, error)
	// ActiveShareLink returns the link with token when it is neither
	// revoked nor expired; ENOTFOUND otherwise.
	ActiveShareLink(ctx context.Context, token string) (*ShareLink, error)
}

// CalendarFeedService keeps each owner's private iCalendar feed token.
type CalendarFeedService interface {
	// RotateCalendarFeed makes a new token for ownerID's feed, revoking
	// the old one; the token is returned once and stored hashed.
	RotateCalendarFeed(ctx context.Context, ownerID int64) (token string, err error)
	// RevokeCalendarFeed turns the feed off.
	RevokeCalendarFeed(ctx context.Context, ownerID int64) error
	// CalendarFeedOwner returns the owner of token's feed; ENOTFOUND for
	// a wrong or revoked token.
	CalendarFeedOwner(ctx context.Context, token string) (int64, error)
	// HasCalendarFeed reports whether ownerID has a feed.
	HasCalendarFeed(ctx context.Context, ownerID int64) (bool, error)
}

// ValidateNote checks a timeline note: non-empty Markdown of bounded size.
func ValidateNote(markdown string) error {
	var v Validation
	validateText(&v, "body", markdown, true, maxApplicationNotes)
	return v.Err()
}

// Page sizes of the applications list.
const (
	DefaultApplicationsPage = 25
	MaxApplicationsPage     = 100
	// MaxScheduled bounds the applications one calendar feed lists.
	MaxScheduled = 2000
)
