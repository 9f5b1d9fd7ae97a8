package applications

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/jobsearch"
)

// ImportPath is the import's route; the API gives its body the CSV size
// limit instead of the JSON one.
const ImportPath = "/api/v1/applications/import"

func (h *Handler) transfer() *jobsearch.Transfer {
	return &jobsearch.Transfer{Applications: h.svc.Applications, Projects: h.svc.Projects}
}

// Export writes every application of the caller as CSV.
//
//	@Summary		Export applications as CSV
//	@Description	UTF-8 with a BOM, CRLF rows, one application per row, oldest first. Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) are prefixed with ', which the import removes, so an export imports back to the same applications. Contacts are one per line as "Name <email> https://profile"; projects are slugs separated by commas.
//	@Tags			applications
//	@Security		BearerAuth
//	@Produce		text/csv
//	@Success		200	{string}	string	"the CSV file"
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/applications/export.csv [get]
func (h *Handler) Export(c *fiber.Ctx) error {
	ctx, me := c.UserContext(), owner(c)
	byID, _, err := h.transfer().ProjectSlugs(ctx, me)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := jobsearch.NewCSVWriter(&buf, byID)
	if err != nil {
		return err
	}
	var all []*folio.Application
	f := folio.ApplicationFilter{Limit: folio.MaxApplicationsPage}
	for {
		page, err := h.svc.Applications.Applications(ctx, me, f)
		if err != nil {
			return err
		}
		all = append(all, page.Applications...)
		if f.Cursor = page.NextCursor; f.Cursor == 0 {
			break
		}
	}
	// Oldest first, as a spreadsheet grows; an import adds rows in file
	// order, so an export imports back in the same order.
	slices.Reverse(all)
	if err := w.Write(all); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="applications-%s.csv"`, time.Now().UTC().Format(time.DateOnly)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}

// ImportProblem is the 422 answer to a CSV file with bad rows: nothing
// was imported; errors lists the first 100 problems, total counts them all.
type ImportProblem struct {
	Type     string               `json:"type" example:"https://folio.dev/problems/invalid"`
	Title    string               `json:"title" example:"Unprocessable Entity"`
	Status   int                  `json:"status" example:"422"`
	Detail   string               `json:"detail"`
	Instance string               `json:"instance,omitempty"`
	Errors   []jobsearch.RowError `json:"errors"`
	Total    int                  `json:"total"`
}

// ImportResult counts the applications an import added.
type ImportResult struct {
	Imported int `json:"imported" example:"42"`
}

// csvTypes are the Content-Types a CSV upload arrives with (Windows
// browsers send Excel's for .csv files).
var csvTypes = map[string]bool{"text/csv": true, "text/plain": true, "application/csv": true,
	"application/vnd.ms-excel": true, "text/comma-separated-values": true, "multipart/form-data": true}

// Import adds every application of a CSV file, or none.
//
//	@Summary		Import applications from CSV
//	@Description	The body is the CSV file (text/csv), or a multipart/form-data body with the file as its first file part; at most 16 MiB and 10,000 rows. The first row names the columns in any order, case and spacing aside, with common synonyms ("Company name", "Job title" or "Position", "Date applied", "Next steps", "Link" or "URL"...); unknown columns are ignored; Company is required. Dates may be ISO (2026-11-25), 25/11/2026, 11/25/2026, 25.11.2026, "Nov 25, 2026" or "25 Nov 2026": the day/month order is read from the file's dates, and a file whose every numeric date could be either is refused unless date_order says. Separators may be commas, semicolons or tabs; UTF-8 with or without BOM. All or nothing: a 422 lists every bad row with its line.
//	@Tags			applications
//	@Security		BearerAuth
//	@Accept			text/csv
//	@Accept			multipart/form-data
//	@Produce		json
//	@Param			date_order	query		string	false	"how to read 03/04/2026"	Enums(dmy, mdy)
//	@Param			file		body		string	true	"the CSV file"
//	@Success		201			{object}	ImportResult
//	@Failure		401			{object}	api.Problem
//	@Failure		413			{object}	api.Problem
//	@Failure		415			{object}	api.Problem
//	@Failure		422			{object}	ImportProblem
//	@Router			/api/v1/applications/import [post]
func (h *Handler) Import(c *fiber.Ctx) error {
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if !csvTypes[mt] {
		return folio.Errorf(folio.EUNSUPPORTED, "Send the file as text/csv, or as multipart/form-data.")
	}
	order, ok := jobsearch.ParseDateOrder(c.Query("date_order"))
	if !ok {
		return &folio.Error{Code: folio.EBADREQUEST, Message: "Some query parameters are invalid.",
			Fields: []folio.FieldError{{Field: "date_order", Message: "must be dmy or mdy"}}}
	}
	ctx, me := c.UserContext(), owner(c)
	intake := h.intake
	intake.MaxBytes = jobsearch.MaxImportBytes
	n, err := h.transfer().Import(ctx, me, intake.File(c), order)
	var bad *jobsearch.ImportError
	if errors.As(err, &bad) {
		c.Status(http.StatusUnprocessableEntity)
		if err := c.JSON(ImportProblem{Type: "https://folio.dev/problems/" + folio.EINVALID, Title: http.StatusText(http.StatusUnprocessableEntity),
			Status: http.StatusUnprocessableEntity, Instance: c.Path(), Errors: bad.Rows, Total: bad.Total,
			Detail: "Nothing was imported: " + strconv.Itoa(bad.Total) + " problems in the file."}); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return nil
	} else if err != nil {
		if folio.ErrorCode(err) == folio.ETOOLARGE {
			intake.Discard(c)
		}
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ImportResult{Imported: n})
}

// CalendarFeed is the caller's calendar subscription URL, shown once.
type CalendarFeed struct {
	URL string `json:"url" example:"https://folio.example/calendar/Jq2x0m3Vb8yKc1NfR5tUe7WzA9dHg4LpQ6sXo2iYv0E.ics"`
}

// CalendarStatus says whether the caller has a calendar feed.
type CalendarStatus struct {
	Enabled bool `json:"enabled"`
}

// GetCalendar says whether the caller's feed is on.
//
//	@Summary	Whether the caller's calendar feed is on
//	@Tags		me
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	CalendarStatus
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/calendar [get]
func (h *Handler) GetCalendar(c *fiber.Ctx) error {
	ok, err := h.svc.Calendar.HasCalendarFeed(c.UserContext(), owner(c))
	if err != nil {
		return err
	}
	return c.JSON(CalendarStatus{Enabled: ok})
}

// RotateCalendar makes a new feed URL, revoking the old one.
//
//	@Summary		Turn on, or renew, the caller's calendar feed
//	@Description	Returns the private iCalendar URL of every next step with a due date and every interview, for a calendar app to subscribe to. It is shown only this once (only its hash is kept); asking again makes a new URL and the old one stops working.
//	@Tags			me
//	@Security		BearerAuth
//	@Produce		json
//	@Success		201	{object}	CalendarFeed
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/me/calendar [post]
func (h *Handler) RotateCalendar(c *fiber.Ctx) error {
	token, err := h.svc.Calendar.RotateCalendarFeed(c.UserContext(), owner(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(CalendarFeed{URL: h.baseURL.JoinPath("calendar", token+".ics").String()})
}

// RevokeCalendar turns the feed off.
//
//	@Summary	Turn off the caller's calendar feed
//	@Tags		me
//	@Security	BearerAuth
//	@Success	204
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/calendar [delete]
func (h *Handler) RevokeCalendar(c *fiber.Ctx) error {
	if err := h.svc.Calendar.RevokeCalendarFeed(c.UserContext(), owner(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Feed serves the calendar of a feed token: public (the token is the
// credential), without cookies, never cached by a shared cache.
//
//	@Summary		A private calendar feed
//	@Description	RFC 5545 iCalendar: one all-day event per next step with a due date, one timed event (an hour) per interview, with the company, role, next step and posting link; never notes, contacts or salary. 404 for a wrong or revoked token.
//	@Tags			me
//	@Produce		text/calendar
//	@Param			token	path		string	true	"the feed token"
//	@Success		200		{string}	string	"the calendar"
//	@Failure		404		{object}	api.Problem
//	@Failure		429		{object}	api.Problem
//	@Router			/calendar/{token}.ics [get]
func (h *Handler) Feed(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ownerID, err := h.svc.Calendar.CalendarFeedOwner(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	apps, err := h.svc.Applications.ScheduledApplications(ctx, ownerID, folio.MaxScheduled)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = jobsearch.WriteCalendar(&buf, apps, jobsearch.CalendarOptions{Host: h.baseURL.Hostname(), Name: "Folio follow-ups",
		ApplicationURL: func(id int64) string {
			return h.baseURL.JoinPath("dashboard", "applications", strconv.FormatInt(id, 10)).String()
		}})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Robots-Tag", "noindex")
	return c.Send(buf.Bytes())
}
