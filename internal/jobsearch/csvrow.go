package jobsearch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// statusNames maps a status cell, as headerKey reads it, to a status.
var statusNames = map[string]folio.ApplicationStatus{
	"saved": folio.StatusWishlist, "wishlisted": folio.StatusWishlist, "bookmarked": folio.StatusWishlist, "interested": folio.StatusWishlist,
	"phonescreen": folio.StatusScreening, "screen": folio.StatusScreening, "recruitercall": folio.StatusScreening,
	"interviewing": folio.StatusInterview, "interviews": folio.StatusInterview, "onsite": folio.StatusInterview,
	"offered": folio.StatusOffer, "hired": folio.StatusAccepted, "accept": folio.StatusAccepted,
	"declined": folio.StatusRejected, "rejection": folio.StatusRejected, "notselected": folio.StatusRejected,
	"withdrew": folio.StatusWithdrawn, "ghosted": folio.StatusWithdrawn,
}

func init() {
	for _, s := range folio.ApplicationStatuses {
		statusNames[string(s)] = s
	}
}

// fieldColumn is the column of each field a validation error names.
var fieldColumn = map[string]column{
	"company": colCompany, "role": colRole, "posting_url": colPostingURL, "applied_on": colApplied,
	"status": colStatus, "next_step": colNextStep, "next_step_due": colNextDue, "interview_at": colInterview,
	"contacts": colContacts, "contacts.name": colContacts, "contacts.email": colContacts, "contacts.url": colContacts,
	"notes": colNotes, "salary_min": colSalaryMin, "salary_max": colSalaryMax, "salary_currency": colCurrency,
	"project_ids": colProjects,
}

// parseRow reads one record, adding what is wrong with it to bad.
func parseRow(bad *ImportError, rec record, cols []column, names map[column]string, order DateOrder, projects map[string]int64) folio.ApplicationInput {
	var in folio.ApplicationInput
	fail := func(c column, format string, args ...any) { bad.add(rec.line, names[c], format, args...) }
	before := bad.Total
	for i, raw := range rec.cells {
		if i >= len(cols) || cols[i] < 0 {
			continue
		}
		c := cols[i]
		if len(raw) > maxCellBytes {
			fail(c, "a cell is limited to %d bytes", maxCellBytes)
			continue
		}
		cell := unescapeCell(raw)
		if c != colNotes {
			cell = strings.TrimSpace(cell)
		}
		if cell == "" && c != colCompany {
			continue
		}
		switch c {
		case colCompany:
			in.Company = &cell
		case colRole:
			in.Role = &cell
		case colPostingURL:
			in.PostingURL = &cell
		case colNextStep:
			in.NextStep = &cell
		case colNotes:
			in.Notes = &cell
		case colCurrency:
			in.SalaryCurrency = &cell
		case colApplied, colNextDue:
			t, err := parseDate(cell, order)
			if err != nil {
				fail(c, "%s", err.Error())
			} else if c == colApplied {
				in.AppliedOn = &t
			} else {
				in.NextStepDue = &t
			}
		case colInterview:
			if t, err := parseDateTime(cell); err != nil {
				fail(c, "%s", err.Error())
			} else {
				in.InterviewAt = &t
			}
		case colStatus:
			if s, ok := statusNames[headerKey(cell)]; ok {
				in.Status = &s
			} else {
				fail(c, "%q is not a status; use wishlist, applied, screening, interview, offer, accepted, rejected or withdrawn", cell)
			}
		case colSalaryMin, colSalaryMax:
			n, err := parseAmount(cell)
			if err != nil {
				fail(c, "%s", err.Error())
			} else if c == colSalaryMin {
				in.SalaryMin = &n
			} else {
				in.SalaryMax = &n
			}
		case colSalary:
			lo, hi, err := parseRange(cell)
			if err != nil {
				fail(c, "%s", err.Error())
			} else {
				in.SalaryMin, in.SalaryMax = &lo, &hi
			}
		case colContacts:
			cs := parseContacts(cell)
			in.Contacts = &cs
		case colProjects:
			ids, err := parseProjects(cell, projects)
			if err != nil {
				fail(c, "%s", err.Error())
			}
			in.ProjectIDs = &ids
		}
	}
	if in.Company == nil {
		empty := ""
		in.Company = &empty
	}
	if bad.Total > before {
		return in
	}
	in.Normalize()
	var fe *folio.Error
	if err := in.Validate(true); errors.As(err, &fe) {
		for _, f := range fe.Fields {
			bad.add(rec.line, names[fieldColumn[f.Field]], "%s %s", names[fieldColumn[f.Field]], f.Message)
		}
	}
	return in
}

var amountJunk = strings.NewReplacer(",", "", "_", "", " ", "", "'", "", "\u00a0", "", "\u202f", "")

// parseAmount reads "85000", "85,000", "85 000" or "85k".
func parseAmount(s string) (*int, error) {
	t := strings.ToLower(amountJunk.Replace(s))
	mult := 1
	if strings.HasSuffix(t, "k") {
		t, mult = strings.TrimSuffix(t, "k"), 1000
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, ".00"), ".0")
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > folio.MaxSalary/mult {
		return nil, fmt.Errorf("%q is not an amount; write a whole number such as 85000", s)
	}
	n *= mult
	return &n, nil
}

var rangeSep = regexp.MustCompile(`\s*(?:-|–|—|\bto\b)\s*`)

// parseRange reads a salary range such as "80000-100000" or "80k to 95k".
func parseRange(s string) (lo, hi *int, err error) {
	parts := rangeSep.Split(strings.TrimSpace(s), 3)
	if len(parts) > 2 {
		return nil, nil, fmt.Errorf("%q is not a salary range such as 80000-100000", s)
	}
	if lo, err = parseAmount(parts[0]); err != nil {
		return nil, nil, err
	}
	hi = lo
	if len(parts) == 2 {
		if hi, err = parseAmount(parts[1]); err != nil {
			return nil, nil, err
		}
	}
	return lo, hi, nil
}

var emailLike = regexp.MustCompile(`^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$`)

// parseContacts reads one contact per line, or per ";" in a one-line
// cell, each as "Name <email> https://profile" in any order and with any
// part left out.
func parseContacts(s string) []folio.Contact {
	sep := ";"
	if strings.Contains(s, "\n") {
		sep = "\n"
	}
	var out []folio.Contact
	for _, part := range strings.Split(s, sep) {
		var c folio.Contact
		var name []string
		if open, close := strings.IndexByte(part, '<'), strings.LastIndexByte(part, '>'); open >= 0 && close > open {
			c.Email = strings.TrimSpace(part[open+1 : close])
			part = part[:open] + " " + part[close+1:]
		}
		for _, tok := range strings.Fields(part) {
			switch {
			case c.URL == "" && (strings.HasPrefix(tok, "http://") || strings.HasPrefix(tok, "https://")):
				c.URL = tok
			case c.Email == "" && emailLike.MatchString(tok):
				c.Email = tok
			default:
				name = append(name, tok)
			}
		}
		c.Name = strings.Join(name, " ")
		if c != (folio.Contact{}) {
			out = append(out, c)
		}
	}
	if out == nil {
		out = []folio.Contact{}
	}
	return out
}

// formatContacts writes what parseContacts reads, one contact per line;
// a ";" in a profile link is percent-encoded (the same URL) so that a
// one-contact cell still reads back as one contact.
func formatContacts(cs []folio.Contact) string {
	lines := make([]string, 0, len(cs))
	for _, c := range cs {
		var parts []string
		if c.Name != "" {
			parts = append(parts, c.Name)
		}
		if c.Email != "" {
			parts = append(parts, "<"+c.Email+">")
		}
		if c.URL != "" {
			parts = append(parts, strings.ReplaceAll(c.URL, ";", "%3B"))
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n")
}

// parseProjects reads project slugs separated by commas, semicolons or lines.
func parseProjects(s string, projects map[string]int64) ([]int64, error) {
	ids := []int64{}
	for _, slug := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		slug = strings.ToLower(strings.TrimSpace(slug))
		if slug == "" {
			continue
		}
		id, ok := projects[slug]
		if !ok {
			return ids, fmt.Errorf("you have no project %q (name projects by slug)", slug)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func amount(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// WriteCSV writes apps as a spreadsheet reads them: UTF-8 with a BOM (so
// Excel does not guess another encoding), CRLF rows, the Headers, and
// every cell escaped against formula injection. slugs names the owner's
// projects; ids without a slug (deleted projects) are left out.
// ParseCSV reads the file back to the same applications.
func WriteCSV(w io.Writer, apps []*folio.Application, slugs map[int64]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Headers); err != nil {
		return err
	}
	row := make([]string, len(Headers))
	for _, a := range apps {
		var projects []string
		for _, id := range a.ProjectIDs {
			if s, ok := slugs[id]; ok {
				projects = append(projects, s)
			}
		}
		interview := ""
		if !a.InterviewAt.IsZero() {
			interview = a.InterviewAt.UTC().Format(time.RFC3339)
		}
		copy(row, []string{a.Company, a.Role, a.PostingURL, date(a.AppliedOn), string(a.Status), a.NextStep,
			date(a.NextStepDue), interview, formatContacts(a.Contacts), a.Notes, amount(a.SalaryMin), amount(a.SalaryMax),
			a.SalaryCurrency, strings.Join(projects, ", ")})
		for i := range row {
			row[i] = escapeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
