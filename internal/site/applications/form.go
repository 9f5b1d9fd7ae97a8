package applications

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// contactRows is how many contact rows the form offers.
const contactRows = 3

// applicationForm is the form's fields as typed, so that a refused form
// comes back with what the owner wrote.
type applicationForm struct {
	Company, Role, PostingURL, AppliedOn, Status, NextStep, NextStepDue, InterviewAt string
	Notes, SalaryMin, SalaryMax, SalaryCurrency                                      string
	Contacts                                                                         []folio.Contact
	ProjectIDs                                                                       map[int64]bool
}

func formOf(a *folio.Application) applicationForm {
	f := applicationForm{Company: a.Company, Role: a.Role, PostingURL: a.PostingURL, Status: string(a.Status),
		NextStep: a.NextStep, Notes: a.Notes, SalaryCurrency: a.SalaryCurrency, ProjectIDs: map[int64]bool{}}
	f.AppliedOn, f.NextStepDue = dateString(a.AppliedOn), dateString(a.NextStepDue)
	if !a.InterviewAt.IsZero() {
		f.InterviewAt = a.InterviewAt.UTC().Format("2006-01-02T15:04")
	}
	if a.SalaryMin != nil {
		f.SalaryMin = strconv.Itoa(*a.SalaryMin)
	}
	if a.SalaryMax != nil {
		f.SalaryMax = strconv.Itoa(*a.SalaryMax)
	}
	f.Contacts = append(f.Contacts, a.Contacts...)
	for _, id := range a.ProjectIDs {
		f.ProjectIDs[id] = true
	}
	return f.withBlankContacts()
}

// withBlankContacts pads the contacts with empty rows to fill in.
func (f applicationForm) withBlankContacts() applicationForm {
	rows := min(max(contactRows, len(f.Contacts)+1), folio.MaxContacts)
	for len(f.Contacts) < rows {
		f.Contacts = append(f.Contacts, folio.Contact{})
	}
	return f
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// readForm reads the posted application form.
func readForm(c *fiber.Ctx) applicationForm {
	args := c.Request().PostArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			out = append(out, string(v))
		}
		return out
	}
	f := applicationForm{Company: c.FormValue("company"), Role: c.FormValue("role"), PostingURL: c.FormValue("posting_url"),
		AppliedOn: c.FormValue("applied_on"), Status: c.FormValue("status"), NextStep: c.FormValue("next_step"),
		NextStepDue: c.FormValue("next_step_due"), InterviewAt: c.FormValue("interview_at"), Notes: c.FormValue("notes"),
		SalaryMin: c.FormValue("salary_min"), SalaryMax: c.FormValue("salary_max"), SalaryCurrency: c.FormValue("salary_currency"),
		ProjectIDs: map[int64]bool{}}
	names, emails, urls := multi("contact_name"), multi("contact_email"), multi("contact_url")
	for i := 0; i < len(names) && i < folio.MaxContacts+1; i++ {
		ct := folio.Contact{Name: strings.TrimSpace(names[i])}
		if i < len(emails) {
			ct.Email = strings.TrimSpace(emails[i])
		}
		if i < len(urls) {
			ct.URL = strings.TrimSpace(urls[i])
		}
		if ct != (folio.Contact{}) {
			f.Contacts = append(f.Contacts, ct)
		}
	}
	for _, v := range multi("project") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && len(f.ProjectIDs) <= folio.MaxApplicationProjects {
			f.ProjectIDs[id] = true
		}
	}
	return f
}

// input turns the form into an application input, with the field errors
// of what could not even be parsed (dates, numbers). Every field is set:
// the form always shows them all.
func (f applicationForm) input(l *i18n.Localizer, projectOrder []int64) (folio.ApplicationInput, []folio.FieldError) {
	var bad []folio.FieldError
	date := func(field, s string) *time.Time {
		t := time.Time{}
		if s = strings.TrimSpace(s); s != "" {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				bad = append(bad, folio.FieldError{Field: field, Message: l.T("dashd.form.date", "Example", "2026-11-25")})
			}
			t = d
		}
		return &t
	}
	salary := func(field, s string) **int {
		var n *int
		if s = strings.TrimSpace(strings.ReplaceAll(s, ",", "")); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil {
				bad = append(bad, folio.FieldError{Field: field, Message: l.T("dashd.form.whole_number")})
			} else {
				n = &v
			}
		}
		return &n
	}
	status := folio.ApplicationStatus(f.Status)
	if status == "" {
		status = folio.StatusApplied
	}
	interview := time.Time{}
	if s := strings.TrimSpace(f.InterviewAt); s != "" {
		t, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			bad = append(bad, folio.FieldError{Field: "interview_at", Message: l.T("dashd.form.datetime", "Example", "2026-12-01T14:30")})
		}
		interview = t
	}
	contacts := append([]folio.Contact{}, f.Contacts...)
	var ids []int64
	for _, id := range projectOrder {
		if f.ProjectIDs[id] {
			ids = append(ids, id)
		}
	}
	in := folio.ApplicationInput{Company: &f.Company, Role: &f.Role, PostingURL: &f.PostingURL,
		AppliedOn: date("applied_on", f.AppliedOn), Status: &status, NextStep: &f.NextStep,
		NextStepDue: date("next_step_due", f.NextStepDue), InterviewAt: &interview, Contacts: &contacts,
		Notes: &f.Notes, SalaryMin: salary("salary_min", f.SalaryMin), SalaryMax: salary("salary_max", f.SalaryMax),
		SalaryCurrency: &f.SalaryCurrency, ProjectIDs: &ids}
	return in, bad
}

// fieldErrors are the field errors of an EINVALID error, else nil.
func fieldErrors(err error) ([]folio.FieldError, bool) {
	var e *folio.Error
	if errors.As(err, &e) && e.Code == folio.EINVALID {
		return e.Fields, true
	}
	return nil, false
}
