package jobsearch

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/foliohq/folio/internal/folio"
)

// CalendarOptions say how the feed names itself and its events.
type CalendarOptions struct {
	// Host makes event UIDs globally unique (RFC 5545 suggests a domain).
	Host string
	// Name is the calendar's display name.
	Name string
	// ApplicationURL, when set, links each event to the application's
	// page in the dashboard.
	ApplicationURL func(id int64) string
}

// interviewLength is the length given to an interview event: the feed
// knows when it starts, not when it ends.
const interviewLength = time.Hour

// WriteCalendar writes an RFC 5545 calendar (CRLF lines folded at 75
// octets, TEXT escaped) with one all-day event per next step that has a
// due date and one timed event per scheduled interview. UIDs are stable
// per application and kind, so a subscribed calendar updates an event in
// place when its date changes; DTSTAMP is the application's last change,
// so an unchanged application gives the same bytes.
//
// The feed carries the company, role, next step and posting link, never
// notes, contacts or salary: calendar apps sync subscribed feeds to their
// own servers, and the URL is a bearer token.
func WriteCalendar(w io.Writer, apps []*folio.Application, opts CalendarOptions) error {
	cal := ics.NewCalendarFor("Folio")
	cal.SetProductId("-//Folio//Job search follow-ups//EN")
	cal.SetCalscale("GREGORIAN")
	if opts.Name != "" {
		cal.SetName(opts.Name)
		cal.SetXWRCalName(opts.Name)
	}
	// Ask subscribers to poll hourly rather than on their own long default.
	cal.SetRefreshInterval("PT1H", ics.WithValue("DURATION"))
	cal.SetXPublishedTTL("PT1H")
	host := opts.Host
	if host == "" {
		host = "folio.invalid"
	}
	for _, a := range apps {
		title := a.Company
		if a.Role != "" {
			title = a.Role + " at " + a.Company
		}
		desc := []string{"Status: " + string(a.Status)}
		if a.PostingURL != "" {
			desc = append(desc, "Posting: "+a.PostingURL)
		}
		link := ""
		if opts.ApplicationURL != nil {
			link = opts.ApplicationURL(a.ID)
			desc = append(desc, "In Folio: "+link)
		}
		if !a.NextStepDue.IsZero() {
			step := a.NextStep
			if step == "" {
				step = "Follow up"
			}
			e := event(cal, fmt.Sprintf("application-%d-next-step@%s", a.ID, host), a, link)
			e.SetSummary(text(step + " — " + title))
			e.SetDescription(text(strings.Join(desc, "\n")))
			day := a.NextStepDue.UTC()
			e.SetAllDayStartAt(day)
			e.SetAllDayEndAt(day.AddDate(0, 0, 1))
			e.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
		}
		if !a.InterviewAt.IsZero() {
			e := event(cal, fmt.Sprintf("application-%d-interview@%s", a.ID, host), a, link)
			e.SetSummary(text("Interview: " + title))
			e.SetDescription(text(strings.Join(desc, "\n")))
			e.SetStartAt(a.InterviewAt)
			e.SetEndAt(a.InterviewAt.Add(interviewLength))
		}
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

func event(cal *ics.Calendar, uid string, a *folio.Application, link string) *ics.VEvent {
	e := cal.AddEvent(uid)
	changed := a.UpdatedAt
	if changed.IsZero() {
		changed = a.CreatedAt
	}
	e.SetDtStampTime(changed)
	e.SetModifiedAt(changed)
	if link != "" {
		e.SetURL(link)
	}
	return e
}

// text drops the control characters TEXT cannot carry (the library
// escapes line feeds, commas, semicolons and backslashes).
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
