// Package applications serves the owner's job search as JSON under
// /api/v1: applications and their timeline, tailored share links, CSV
// import and export, and the private calendar feed (/calendar/{token}.ics,
// outside /api). The routes are listed in the API's route table
// (internal/api/routes.go); errors are folio errors, which the API turns
// into problem+json.
package applications

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// Services are what the handlers read and write.
type Services struct {
	Applications folio.ApplicationService
	ShareLinks   folio.ShareLinkService
	Calendar     folio.CalendarFeedService
	// ShareActivity adds what visitors did through share links to the
	// timeline; nil: the timeline has the owner's entries only.
	ShareActivity folio.ShareActivityReader
	// Projects names the owner's projects by slug in CSV files.
	Projects folio.ProjectService
}

// Handler holds the handlers; New makes one.
type Handler struct {
	svc     Services
	baseURL *url.URL
	intake  body.Intake
}

// New returns the handlers. baseURL makes share-link and feed URLs;
// intake reads JSON bodies (CSV imports get their own size limit).
func New(svc Services, baseURL *url.URL, intake body.Intake) *Handler {
	return &Handler{svc: svc, baseURL: baseURL, intake: intake}
}

// NullableInt is a JSON number that may be null: Set says whether the
// field was present at all, Value is nil for null.
type NullableInt struct {
	Set   bool
	Value *int
}

// UnmarshalJSON implements json.Unmarshaler; encoding/json calls it for
// null too, which is how null (clear) differs from absent (unchanged).
func (n *NullableInt) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	var v int
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// ContactJSON is a person at the company.
type ContactJSON struct {
	Name  string `json:"name" example:"Jo Smith"`
	Email string `json:"email" example:"jo@acme.example"`
	URL   string `json:"url" example:"https://www.linkedin.com/in/jo"`
}

// ApplicationRequest creates an application (company required) or
// patches one: an absent field is unchanged, an empty date or time clears
// it, a null salary clears it.
type ApplicationRequest struct {
	Company        *string        `json:"company" example:"Acme"`
	Role           *string        `json:"role" example:"Backend engineer"`
	PostingURL     *string        `json:"posting_url" example:"https://acme.example/jobs/42"`
	AppliedOn      *string        `json:"applied_on" example:"2026-11-25"`
	Status         *string        `json:"status" enums:"wishlist,applied,screening,interview,offer,accepted,rejected,withdrawn"`
	NextStep       *string        `json:"next_step" example:"Send the take-home"`
	NextStepDue    *string        `json:"next_step_due" example:"2026-12-01"`
	InterviewAt    *string        `json:"interview_at" example:"2026-12-03T14:00:00Z"`
	Contacts       *[]ContactJSON `json:"contacts"`
	Notes          *string        `json:"notes" example:"Payments team; they use Go and Kafka."`
	SalaryMin      NullableInt    `json:"salary_min" swaggertype:"integer" example:"80000"`
	SalaryMax      NullableInt    `json:"salary_max" swaggertype:"integer" example:"95000"`
	SalaryCurrency *string        `json:"salary_currency" example:"EUR"`
	ProjectIDs     *[]int64       `json:"project_ids"`
}

// input turns the request into the domain's input, naming bad dates.
func (r *ApplicationRequest) input() (folio.ApplicationInput, error) {
	in := folio.ApplicationInput{Company: r.Company, Role: r.Role, PostingURL: r.PostingURL, NextStep: r.NextStep,
		Notes: r.Notes, SalaryCurrency: r.SalaryCurrency, ProjectIDs: r.ProjectIDs}
	var v folio.Validation
	if r.Status != nil {
		st := folio.ApplicationStatus(*r.Status)
		in.Status = &st
	}
	in.AppliedOn = parseDay(&v, "applied_on", r.AppliedOn)
	in.NextStepDue = parseDay(&v, "next_step_due", r.NextStepDue)
	if r.InterviewAt != nil {
		var t time.Time
		if *r.InterviewAt != "" {
			var err error
			if t, err = time.Parse(time.RFC3339, *r.InterviewAt); err != nil {
				v.Add("interview_at", "must be a time such as 2026-12-03T14:00:00Z, or empty")
			}
		}
		in.InterviewAt = &t
	}
	if r.Contacts != nil {
		cs := make([]folio.Contact, len(*r.Contacts))
		for i, c := range *r.Contacts {
			cs[i] = folio.Contact(c)
		}
		in.Contacts = &cs
	}
	if r.SalaryMin.Set {
		in.SalaryMin = &r.SalaryMin.Value
	}
	if r.SalaryMax.Set {
		in.SalaryMax = &r.SalaryMax.Value
	}
	return in, v.Err()
}

func parseDay(v *folio.Validation, field string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	var t time.Time
	if *s != "" {
		var err error
		if t, err = time.Parse(time.DateOnly, *s); err != nil {
			v.Add(field, "must be a date as YYYY-MM-DD, or empty")
		}
	}
	return &t
}

// ApplicationResponse is one application. Unset dates and salaries are null.
type ApplicationResponse struct {
	ID             int64         `json:"id"`
	Company        string        `json:"company" example:"Acme"`
	Role           string        `json:"role" example:"Backend engineer"`
	PostingURL     string        `json:"posting_url"`
	AppliedOn      *string       `json:"applied_on" example:"2026-11-25"`
	Status         string        `json:"status" example:"applied"`
	NextStep       string        `json:"next_step"`
	NextStepDue    *string       `json:"next_step_due" example:"2026-12-01"`
	InterviewAt    *time.Time    `json:"interview_at"`
	Contacts       []ContactJSON `json:"contacts"`
	Notes          string        `json:"notes"`
	SalaryMin      *int          `json:"salary_min"`
	SalaryMax      *int          `json:"salary_max"`
	SalaryCurrency string        `json:"salary_currency"`
	ProjectIDs     []int64       `json:"project_ids"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// ApplicationList is a page of applications, newest first.
type ApplicationList struct {
	Items      []ApplicationResponse `json:"items"`
	NextCursor string                `json:"next_cursor,omitempty"`
}

func dayString(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func applicationResponse(a *folio.Application) ApplicationResponse {
	out := ApplicationResponse{ID: a.ID, Company: a.Company, Role: a.Role, PostingURL: a.PostingURL, AppliedOn: dayString(a.AppliedOn),
		Status: string(a.Status), NextStep: a.NextStep, NextStepDue: dayString(a.NextStepDue), Contacts: make([]ContactJSON, len(a.Contacts)),
		Notes: a.Notes, SalaryMin: a.SalaryMin, SalaryMax: a.SalaryMax, SalaryCurrency: a.SalaryCurrency, ProjectIDs: a.ProjectIDs,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if !a.InterviewAt.IsZero() {
		t := a.InterviewAt.UTC()
		out.InterviewAt = &t
	}
	for i, c := range a.Contacts {
		out.Contacts[i] = ContactJSON(c)
	}
	if out.ProjectIDs == nil {
		out.ProjectIDs = []int64{}
	}
	return out
}

// listParams reads cursor, limit and status (repeated or comma-separated).
func listParams(c *fiber.Ctx) (folio.ApplicationFilter, error) {
	var f folio.ApplicationFilter
	var v folio.Validation
	if s := c.Query("limit"); s != "" {
		n, ok := request.ParseID(s)
		if !ok || n > folio.MaxApplicationsPage {
			v.Add("limit", "must be a number from 1 to %d", folio.MaxApplicationsPage)
		}
		f.Limit = int(n)
	}
	if s := c.Query("cursor"); s != "" {
		var ok bool
		if f.Cursor, ok = request.DecodeCursor(s); !ok {
			v.Add("cursor", "is not a cursor this API returned")
		}
	}
	for _, raw := range c.Context().QueryArgs().PeekMulti("status") {
		for _, s := range strings.Split(string(raw), ",") {
			st := folio.ApplicationStatus(strings.TrimSpace(s))
			if !st.Valid() {
				v.Add("status", "must be one or more of wishlist, applied, screening, interview, offer, accepted, rejected, withdrawn")
				break
			}
			if len(f.Statuses) < len(folio.ApplicationStatuses) {
				f.Statuses = append(f.Statuses, st)
			}
		}
	}
	if err := v.Err(); err != nil {
		return f, &folio.Error{Code: folio.EBADREQUEST, Message: "Some query parameters are invalid.", Fields: err.(*folio.Error).Fields}
	}
	return f, nil
}

// owner is the signed-in caller's id.
func owner(c *fiber.Ctx) int64 { return request.User(c).ID }
