package applications

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// maxBoard is how many applications the board and table show; a job search
// with more pages through the API.
const maxBoard = 500

type column struct {
	Status folio.ApplicationStatus
	Label  string
	Cards  []card
}

// card is an application with its one-field status form.
type card struct {
	*folio.Application
	Form statusForm
}

type statusForm struct {
	Application  *folio.Application
	CSRF, Return string
	Suffix       string // keeps element ids unique when a page has two forms
	Statuses     []statusOption
}

type listView struct {
	pageBase
	Table       bool
	Columns     []column
	All         []*folio.Application
	Rows        []card
	Due         []*folio.Application
	Today       string
	Statuses    []statusOption
	HasCalendar bool
	CalendarURL string // only right after it was made: shown once
	ImportError string
	ImportRows  []folio.FieldError
	Imported    int
	Truncated   bool
}

type statusOption struct {
	Value folio.ApplicationStatus
	Label string
}

// statusLabel is a status's name in l's language (the templates name
// them with the same messages).
func statusLabel(l *i18n.Localizer, s folio.ApplicationStatus) string {
	id := "applications.status." + string(s) // TestStatusLabelsExist checks each
	return l.T(id)
}

func statusOptions(l *i18n.Localizer) []statusOption {
	out := make([]statusOption, len(folio.ApplicationStatuses))
	for i, s := range folio.ApplicationStatuses {
		out[i] = statusOption{Value: s, Label: statusLabel(l, s)}
	}
	return out
}

func today() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// listPage is the board (by status) or, with ?view=table, the table by
// next step due; both start with what is due today or overdue.
func (p *Pages) listPage(c *fiber.Ctx) error {
	v, err := p.listView(c)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(c.Query("imported")); err == nil && n > 0 {
		v.Imported = n
	}
	return p.render(c, fiber.StatusOK, "applications", v)
}

func (p *Pages) listView(c *fiber.Ctx) (listView, error) {
	ctx, owner, l := c.UserContext(), request.User(c).ID, sitelang.L(c)
	v := listView{pageBase: p.base(c, l.T("applications.title")), Table: c.Query("view") == "table", Statuses: statusOptions(l),
		Today: today().Format(time.DateOnly)}
	cursor := int64(0)
	for len(v.All) < maxBoard {
		page, err := p.opts.Applications.Applications(ctx, owner, folio.ApplicationFilter{Cursor: cursor, Limit: 100})
		if err != nil {
			return v, err
		}
		v.All = append(v.All, page.Applications...)
		if cursor = page.NextCursor; cursor == 0 {
			break
		}
		v.Truncated = len(v.All) >= maxBoard
	}
	form := func(a *folio.Application, back string) statusForm {
		return statusForm{Application: a, CSRF: v.CSRF, Return: back, Statuses: v.Statuses}
	}
	for _, s := range folio.ApplicationStatuses {
		col := column{Status: s, Label: statusLabel(l, s)}
		for _, a := range v.All {
			if a.Status == s {
				col.Cards = append(col.Cards, card{a, form(a, "/dashboard/applications")})
			}
		}
		v.Columns = append(v.Columns, col)
	}
	// The table reads like a to-do list: soonest next step first, those
	// without one last, newest first among equals.
	sort.SliceStable(v.All, func(i, j int) bool {
		a, b := v.All[i].NextStepDue, v.All[j].NextStepDue
		if a.IsZero() != b.IsZero() {
			return !a.IsZero()
		}
		return a.Before(b)
	})
	for _, a := range v.All {
		v.Rows = append(v.Rows, card{a, form(a, "/dashboard/applications?view=table")})
	}
	due, err := p.opts.Applications.DueApplications(ctx, owner, today(), 50)
	if err != nil {
		return v, err
	}
	v.Due = due
	if v.HasCalendar, err = p.opts.Calendar.HasCalendarFeed(ctx, owner); err != nil {
		return v, err
	}
	return v, nil
}

type detailView struct {
	pageBase
	Application *folio.Application
	Form        applicationForm
	Errors      []folio.FieldError
	Statuses    []statusOption
	Projects    []*folio.Project
	Shareable   []shareProject
	Links       []linkView
	LinkErrors  []folio.FieldError
	Timeline    []timelineEntry
	Creating    bool
}

type shareProject struct {
	*folio.Project
	Position string
}

type linkView struct {
	*folio.ShareLink
	URL, State string
	// Expires says until when the link works, in the reader's language:
	// "until 31 Dec 2026 (3 days left)", "expired on 20 Nov 2026"; "" for
	// a link without an expiry.
	Expires  string
	Projects []string
}

// expiry is a link's Expires. The last day shown is the last one the link
// works through: the form's date, whose next midnight is the expiry.
func expiry(l *i18n.Localizer, state string, at, now time.Time) string {
	if at.IsZero() {
		return ""
	}
	last := at.Add(-time.Nanosecond).UTC()
	date := l.Date(last, "short")
	switch state {
	case "expired":
		return l.T("dashd.link.expired_on", "Date", date)
	case "revoked":
		return l.T("application.until", "Date", date)
	}
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	left := l.T("dashd.link.last_day")
	if days := int(last.Sub(today).Hours() / 24); days > 0 {
		left = l.N("dashd.link.days_left", days)
	}
	return l.T("application.until", "Date", date) + " (" + left + ")"
}

// newPage is the empty form.
func (p *Pages) newPage(c *fiber.Ctx) error {
	v, err := p.detailView(c, nil)
	if err != nil {
		return err
	}
	v.Form = applicationForm{Status: string(folio.StatusApplied), AppliedOn: today().Format(time.DateOnly), ProjectIDs: map[int64]bool{}}.withBlankContacts()
	return p.render(c, fiber.StatusOK, "application", v)
}

func (p *Pages) create(c *fiber.Ctx) error {
	owner := request.User(c).ID
	v, err := p.detailView(c, nil)
	if err != nil {
		return err
	}
	form := readForm(c)
	in, bad := form.input(sitelang.L(c), projectIDs(v.Projects))
	if len(bad) == 0 {
		a, err := p.opts.Applications.CreateApplication(c.UserContext(), owner, in)
		if err == nil {
			return c.Redirect("/dashboard/applications/"+strconv.FormatInt(a.ID, 10), fiber.StatusSeeOther)
		}
		if bad, _ = fieldErrors(err); bad == nil {
			return err
		}
	}
	v.Form, v.Errors = form.withBlankContacts(), bad
	return p.render(c, fiber.StatusUnprocessableEntity, "application", v)
}

// owned runs h with the signed-in owner's application named by the path;
// any other id, another owner's included, is the 404 page.
func (p *Pages) owned(h func(*fiber.Ctx, *folio.Application) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, ok := request.ParseID(c.Params("id"))
		if !ok {
			return p.notFound(c)
		}
		a, err := p.opts.Applications.Application(c.UserContext(), request.User(c).ID, id)
		if folio.ErrorCode(err) == folio.ENOTFOUND {
			return p.notFound(c)
		} else if err != nil {
			return err
		}
		return h(c, a)
	}
}

func (p *Pages) detailPage(c *fiber.Ctx, a *folio.Application) error {
	v, err := p.detailView(c, a)
	if err != nil {
		return err
	}
	return p.render(c, fiber.StatusOK, "application", v)
}

func (p *Pages) detailView(c *fiber.Ctx, a *folio.Application) (detailView, error) {
	ctx, owner, l := c.UserContext(), request.User(c).ID, sitelang.L(c)
	title := l.T("application.new")
	if a != nil {
		title = a.Company
	}
	v := detailView{pageBase: p.base(c, title), Application: a, Statuses: statusOptions(l), Creating: a == nil}
	page, err := p.opts.Projects.Projects(ctx, owner, 0, 100)
	if err != nil {
		return v, err
	}
	v.Projects = page.Projects
	if a == nil {
		return v, nil
	}
	v.Form = formOf(a)
	// The share-link form suggests the application's projects, in order.
	position := map[int64]int{}
	for i, id := range a.ProjectIDs {
		position[id] = i + 1
	}
	for _, pr := range v.Projects {
		if pr.Visibility == folio.VisibilityDraft {
			continue
		}
		sp := shareProject{Project: pr}
		if n := position[pr.ID]; n > 0 {
			sp.Position = strconv.Itoa(n)
		}
		v.Shareable = append(v.Shareable, sp)
	}
	links, err := p.opts.ShareLinks.ShareLinks(ctx, owner, a.ID)
	if err != nil {
		return v, err
	}
	titles := map[int64]string{}
	for _, pr := range v.Projects {
		titles[pr.ID] = pr.Title
	}
	now := time.Now()
	for _, link := range links {
		lv := linkView{ShareLink: link, URL: p.absolute("s", link.Token), State: "active"}
		switch {
		case !link.RevokedAt.IsZero():
			lv.State = "revoked"
		case !link.Active(now):
			lv.State = "expired"
		}
		lv.Expires = expiry(l, lv.State, link.ExpiresAt, now)
		for _, id := range link.ProjectIDs {
			if t, ok := titles[id]; ok {
				lv.Projects = append(lv.Projects, t)
			}
		}
		v.Links = append(v.Links, lv)
	}
	events, err := p.opts.Applications.ApplicationEvents(ctx, owner, a.ID)
	if err != nil {
		return v, err
	}
	var activity []folio.ShareActivity
	if p.opts.Activity != nil {
		if activity, err = p.opts.Activity.ShareActivity(ctx, owner, a.ID); err != nil {
			return v, err
		}
	}
	v.Timeline = timeline(ctx, l, events, activity, links, titles)
	return v, nil
}

func projectIDs(ps []*folio.Project) []int64 {
	ids := make([]int64, len(ps))
	for i, pr := range ps {
		ids[i] = pr.ID
	}
	// The order the owner ticks them in a form is lost; keep the
	// portfolio's order (featured rank, then newest).
	return ids
}

func (p *Pages) update(c *fiber.Ctx, a *folio.Application) error {
	v, err := p.detailView(c, a)
	if err != nil {
		return err
	}
	form := readForm(c)
	in, bad := form.input(sitelang.L(c), keepOrder(a.ProjectIDs, projectIDs(v.Projects)))
	if len(bad) == 0 {
		_, err := p.opts.Applications.UpdateApplication(c.UserContext(), a.OwnerID, a.ID, in)
		if err == nil {
			return c.Redirect(p.detailPath(a.ID), fiber.StatusSeeOther)
		}
		if bad, _ = fieldErrors(err); bad == nil {
			return err
		}
	}
	v.Form, v.Errors = form.withBlankContacts(), bad
	return p.render(c, fiber.StatusUnprocessableEntity, "application", v)
}

// keepOrder lists the application's projects first, in their order, then
// the rest: ticking one more box does not reorder the others.
func keepOrder(first, all []int64) []int64 {
	out := slices.Clone(first)
	for _, id := range all {
		if !slices.Contains(first, id) {
			out = append(out, id)
		}
	}
	return out
}

func (p *Pages) detailPath(id int64) string {
	return "/dashboard/applications/" + strconv.FormatInt(id, 10)
}

// setStatus is the board's one-field form; it returns to where it was
// posted from (the board, the table or the application).
func (p *Pages) setStatus(c *fiber.Ctx, a *folio.Application) error {
	status := folio.ApplicationStatus(c.FormValue("status"))
	if _, err := p.opts.Applications.UpdateApplication(c.UserContext(), a.OwnerID, a.ID, folio.ApplicationInput{Status: &status}); err != nil {
		if _, ok := fieldErrors(err); ok {
			return p.render(c, fiber.StatusUnprocessableEntity, "application_error", p.base(c, sitelang.T(c, "dashd.title.unknown_status")))
		}
		return err
	}
	return c.Redirect(p.back(c, p.detailPath(a.ID)), fiber.StatusSeeOther)
}

// back is the form's "return to" path when it is one of ours, else def.
func (p *Pages) back(c *fiber.Ctx, def string) string {
	switch to := c.FormValue("return"); to {
	case "/dashboard/applications", "/dashboard/applications?view=table":
		return to
	}
	return def
}

func (p *Pages) addNote(c *fiber.Ctx, a *folio.Application) error {
	if body := strings.TrimSpace(c.FormValue("note")); body != "" {
		if _, err := p.opts.Applications.AddApplicationNote(c.UserContext(), a.OwnerID, a.ID, body); err != nil {
			if bad, ok := fieldErrors(err); ok {
				v, verr := p.detailView(c, a)
				if verr != nil {
					return verr
				}
				v.Errors = bad
				return p.render(c, fiber.StatusUnprocessableEntity, "application", v)
			}
			return err
		}
	}
	return c.Redirect(p.detailPath(a.ID)+"#timeline", fiber.StatusSeeOther)
}

func (p *Pages) delete(c *fiber.Ctx, a *folio.Application) error {
	if err := p.opts.Applications.DeleteApplication(c.UserContext(), a.OwnerID, a.ID); err != nil {
		return err
	}
	return c.Redirect("/dashboard/applications", fiber.StatusSeeOther)
}
