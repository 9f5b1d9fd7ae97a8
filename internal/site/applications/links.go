package applications

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/jobsearch"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// createShareLink makes a tailored link: the projects given a position, in
// that order, the note and the expiry.
func (p *Pages) createShareLink(c *fiber.Ctx, a *folio.Application) error {
	in, bad := readLinkForm(c, sitelang.L(c))
	if len(bad) == 0 {
		_, err := p.opts.ShareLinks.CreateShareLink(c.UserContext(), a.OwnerID, a.ID, in)
		if err == nil {
			return c.Redirect(p.detailPath(a.ID)+"#share-links", fiber.StatusSeeOther)
		}
		if bad, _ = fieldErrors(err); bad == nil {
			return err
		}
	}
	v, err := p.detailView(c, a)
	if err != nil {
		return err
	}
	v.LinkErrors = bad
	return p.render(c, fiber.StatusUnprocessableEntity, "application", v)
}

// readLinkForm reads "position_{id}" fields (1 is first; empty: not
// shown), the label, the note and the expiry date; its own errors are in
// l's language.
func readLinkForm(c *fiber.Ctx, l *i18n.Localizer) (folio.ShareLinkInput, []folio.FieldError) {
	var bad []folio.FieldError
	type pick struct {
		id  int64
		pos int
	}
	var picks []pick
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		name, ok := strings.CutPrefix(string(k), "position_")
		if !ok || strings.TrimSpace(string(v)) == "" || len(picks) > folio.MaxApplicationProjects {
			return
		}
		id, idOK := request.ParseID(name)
		pos, err := strconv.Atoi(strings.TrimSpace(string(v)))
		if !idOK || err != nil || pos < 1 || pos > 99 {
			bad = append(bad, folio.FieldError{Field: "project_ids", Message: l.T("dashd.form.position")})
			return
		}
		picks = append(picks, pick{id, pos})
	})
	sort.SliceStable(picks, func(i, j int) bool { return picks[i].pos < picks[j].pos })
	ids := make([]int64, len(picks))
	for i, pk := range picks {
		ids[i] = pk.id
	}
	label, note := c.FormValue("label"), strings.TrimSpace(c.FormValue("note"))
	in := folio.ShareLinkInput{Label: &label, Note: &note, ProjectIDs: &ids}
	if s := strings.TrimSpace(c.FormValue("expires_on")); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			bad = append(bad, folio.FieldError{Field: "expires_at", Message: l.T("dashd.form.date", "Example", "2026-12-31")})
		} else {
			// The link works through the whole of its last day (UTC).
			end := d.Add(24 * time.Hour)
			in.ExpiresAt = &end
		}
	}
	if err := in.Validate(); err != nil {
		fields, _ := fieldErrors(err)
		bad = append(bad, fields...)
	}
	return in, bad
}

func (p *Pages) revokeShareLink(c *fiber.Ctx, a *folio.Application) error {
	id, ok := request.ParseID(c.Params("link"))
	if !ok {
		return p.notFound(c)
	}
	link, err := p.opts.ShareLinks.ShareLink(c.UserContext(), a.OwnerID, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND || (err == nil && link.ApplicationID != a.ID) {
		return p.notFound(c)
	} else if err != nil {
		return err
	}
	if _, err := p.opts.ShareLinks.RevokeShareLink(c.UserContext(), a.OwnerID, id); err != nil {
		return err
	}
	return c.Redirect(p.detailPath(a.ID)+"#share-links", fiber.StatusSeeOther)
}

// importCSV takes a spreadsheet's CSV file: everything or nothing, and
// every bad row listed with its line.
func (p *Pages) importCSV(c *fiber.Ctx) error {
	l := sitelang.L(c)
	fh, err := c.FormFile("file")
	if err != nil {
		return p.importFailed(c, l.T("dashd.csv.choose_file"), nil)
	}
	if fh.Size > p.opts.MaxImportBytes {
		return p.importFailed(c, l.T("dashd.csv.too_large", "MB", l.Num(p.opts.MaxImportBytes>>20)), nil)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	order, ok := jobsearch.ParseDateOrder(dashkit.FormValue(c, "date_order"))
	if !ok {
		return p.importFailed(c, l.T("dashd.csv.date_order"), nil)
	}
	n, err := p.opts.Transfer.Import(c.UserContext(), request.User(c).ID, f, order)
	if err != nil {
		var bad *jobsearch.ImportError
		if errors.As(err, &bad) {
			rows := make([]folio.FieldError, len(bad.Rows))
			for i, r := range bad.Rows {
				// The reason is the importer's, in English, as the API
				// answers it.
				rows[i] = folio.FieldError{Field: l.T("dashd.csv.line", "Line", l.Num(r.Line), "Field", r.Field), Message: r.Reason}
			}
			return p.importFailed(c, l.N("dashd.csv.problems", bad.Total), rows)
		}
		var fe *folio.Error
		if errors.As(err, &fe) && fe.Code != folio.EINTERNAL {
			return p.importFailed(c, fe.Message, fe.Fields)
		}
		return err
	}
	return c.Redirect("/dashboard/applications?imported="+strconv.Itoa(n), fiber.StatusSeeOther)
}

func (p *Pages) importFailed(c *fiber.Ctx, message string, rows []folio.FieldError) error {
	v, err := p.listView(c)
	if err != nil {
		return err
	}
	v.ImportError, v.ImportRows = message, rows
	return p.render(c, fiber.StatusUnprocessableEntity, "applications", v)
}

// rotateCalendar makes a new feed URL and shows it this once (it is stored
// hashed); the old URL stops working.
func (p *Pages) rotateCalendar(c *fiber.Ctx) error {
	token, err := p.opts.Calendar.RotateCalendarFeed(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	v, err := p.listView(c)
	if err != nil {
		return err
	}
	v.CalendarURL = p.absolute("calendar", token+".ics")
	return p.render(c, fiber.StatusOK, "applications", v)
}

func (p *Pages) revokeCalendar(c *fiber.Ctx) error {
	if err := p.opts.Calendar.RevokeCalendarFeed(c.UserContext(), request.User(c).ID); err != nil {
		return err
	}
	return c.Redirect("/dashboard/applications", fiber.StatusSeeOther)
}
