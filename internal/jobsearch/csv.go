// Package jobsearch turns the owner's applications into the files other
// tools read and back: CSV for spreadsheets (import and export) and the
// iCalendar feed of follow-ups. It knows no HTTP and no database.
package jobsearch

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foliohq/folio/internal/folio"
)

// Bounds of an import.
const (
	// MaxImportBytes bounds a CSV file.
	MaxImportBytes = 16 << 20
	// MaxImportRows bounds the applications one file adds.
	MaxImportRows = 10_000
	// maxCellBytes bounds one cell (notes hold up to 20,000 characters).
	maxCellBytes = 100_000
	// MaxReportedErrors bounds the bad rows one refusal lists.
	MaxReportedErrors = 100
)

// RowError is one bad cell, or row, of an import.
type RowError struct {
	Line   int    `json:"line" example:"7"`
	Field  string `json:"field" example:"Date applied"`
	Reason string `json:"reason" example:"\"31/02/2026\" is not a day of the calendar"`
}

// ImportError refuses an import: nothing was imported. Rows lists the
// first MaxReportedErrors problems in file order; Total counts them all.
type ImportError struct {
	Rows  []RowError
	Total int
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("csv import: %d problems, first on line %d: %s", e.Total, e.Rows[0].Line, e.Rows[0].Reason)
}

func (e *ImportError) add(line int, field, format string, args ...any) {
	e.Total++
	if len(e.Rows) < MaxReportedErrors {
		e.Rows = append(e.Rows, RowError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
}

func (e *ImportError) err() error {
	if e.Total == 0 {
		return nil
	}
	return e
}

// column is an application field a CSV column holds.
type column int

const (
	colCompany column = iota
	colRole
	colPostingURL
	colApplied
	colStatus
	colNextStep
	colNextDue
	colInterview
	colContacts
	colNotes
	colSalaryMin
	colSalaryMax
	colCurrency
	colProjects
	colSalary // a range such as "80000-100000"; import only
	numColumns
)

// Headers are the export's header row, which import reads back.
var Headers = []string{"Company", "Role", "Posting URL", "Date applied", "Status", "Next step", "Next step due",
	"Interview at", "Contacts", "Notes", "Salary min", "Salary max", "Currency", "Projects"}

// synonyms maps a header, lower-cased with everything but letters and
// digits removed, to its column.
var synonyms = map[string]column{}

func init() {
	for c, names := range map[column][]string{
		colCompany:    {"company", "company name", "companies", "employer", "organization", "organisation", "org"},
		colRole:       {"role", "job title", "title", "position", "job", "job role", "position title"},
		colPostingURL: {"posting url", "posting", "job posting", "link", "url", "job link", "job url", "posting link", "job posting url"},
		colApplied:    {"date applied", "applied", "applied on", "applied date", "application date", "date"},
		colStatus:     {"status", "stage", "application status"},
		colNextStep:   {"next step", "next steps", "follow up", "action", "next action", "to do"},
		colNextDue:    {"next step due", "next steps due", "due", "due date", "follow up date", "next step date", "follow up by", "deadline"},
		colInterview:  {"interview at", "interview", "interview date", "interview time"},
		colContacts:   {"contacts", "contact", "contact person", "recruiter", "people"},
		colNotes:      {"notes", "note", "comments", "comment"},
		colSalaryMin:  {"salary min", "min salary", "salary from", "minimum salary"},
		colSalaryMax:  {"salary max", "max salary", "salary to", "maximum salary"},
		colCurrency:   {"currency", "salary currency"},
		colProjects:   {"projects", "project", "relevant projects"},
		colSalary:     {"salary", "salary range", "compensation", "pay"},
	} {
		for _, n := range names {
			synonyms[headerKey(n)] = c
		}
	}
}

func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

// formulaStart are the first characters a spreadsheet reads as a formula
// (or, for tab and CR, strips before doing so), and the quote that marks
// an escaped cell.
const formulaStart = "=+-@\t\r'"

// escapeCell keeps a spreadsheet from running a cell as a formula
// (OWASP "CSV injection"): a leading quote makes it text. A cell that
// already starts with a quote gets one too, so unescapeCell is exact.
func escapeCell(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// unescapeCell undoes escapeCell.
func unescapeCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// ImportOptions say how to read a file.
type ImportOptions struct {
	DateOrder DateOrder
	// Projects maps the owner's project slugs to ids, for the Projects
	// column; a slug not in it is a bad row.
	Projects map[string]int64
}

type record struct {
	line  int
	cells []string
}

// ParseCSV reads a spreadsheet's applications. The first row names the
// columns (any order; unknown columns are ignored; Company is required).
// It returns every application or none: an *ImportError lists the bad
// rows by line, an ETOOLARGE error a file over the bounds.
func ParseCSV(r io.Reader, opts ImportOptions) ([]folio.ApplicationInput, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("csv import: read: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, folio.Errorf(folio.ETOOLARGE, "A CSV file is limited to %d MiB.", MaxImportBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var bad ImportError
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		bad.add(line, "", "the file is not UTF-8 text; save it as \"CSV UTF-8\"")
		return nil, &bad
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		bad.add(1, "", "the file is empty; its first row must name the columns, such as Company, Role, Date applied")
		return nil, &bad
	} else if err != nil {
		return nil, csvError(&bad, err)
	}
	cols := make([]column, len(header)) // column of each cell; -1: ignored
	names := map[column]string{}
	for i, h := range header {
		c, ok := synonyms[headerKey(h)]
		if !ok {
			cols[i] = -1
			continue
		}
		if prev, dup := names[c]; dup {
			bad.add(1, h, "names the same field as the column %q", prev)
		}
		cols[i], names[c] = c, strings.TrimSpace(h)
	}
	if _, ok := names[colCompany]; !ok {
		bad.add(1, "", "no Company column: the first row must name the columns, such as Company, Role, Date applied")
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	var records []record
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, csvError(&bad, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(cells) {
			continue
		}
		if len(records) == MaxImportRows {
			return nil, folio.Errorf(folio.ETOOLARGE, "A CSV file may hold at most %d applications; split it.", MaxImportRows)
		}
		records = append(records, record{line: line, cells: cells})
	}
	order, err := fileDateOrder(records, cols, names, opts.DateOrder)
	if err != nil {
		return nil, err
	}
	ins := make([]folio.ApplicationInput, len(records))
	for i, rec := range records {
		ins[i] = parseRow(&bad, rec, cols, names, order, opts.Projects)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return ins, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// delimiter guesses the separator from the header line: spreadsheets in
// locales with a decimal comma write semicolons, some tools write tabs.
func delimiter(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	best, bestN := ',', bytes.Count(line, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(line, []byte(string(d))); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// csvError reports a file the CSV reader cannot go on with (a stray
// quote): its line, and nothing after it.
func csvError(bad *ImportError, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		bad.add(pe.Line, "", "%s", pe.Err.Error())
		return bad
	}
	return fmt.Errorf("csv import: %w", err)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// fileDateOrder decides how the file's numeric dates read (see DateOrder).
func fileDateOrder(records []record, cols []column, names map[column]string, order DateOrder) (DateOrder, error) {
	if order != DateOrderAuto {
		return order, nil
	}
	var dayLine, monthLine int
	for _, rec := range records {
		for i, cell := range rec.cells {
			if i >= len(cols) || (cols[i] != colApplied && cols[i] != colNextDue) {
				continue
			}
			switch v, _ := dateVote(cell); v {
			case DateOrderDayFirst:
				dayLine = cmpSet(dayLine, rec.line)
			case DateOrderMonthFirst:
				monthLine = cmpSet(monthLine, rec.line)
			}
		}
	}
	switch {
	case dayLine > 0 && monthLine > 0:
		var bad ImportError
		bad.add(monthLine, "", "dates are day-first on line %d but month-first here; write them all one way, or as YYYY-MM-DD", dayLine)
		return order, &bad
	case dayLine > 0:
		return DateOrderDayFirst, nil
	case monthLine > 0:
		return DateOrderMonthFirst, nil
	}
	return DateOrderAuto, nil
}

func cmpSet(cur, line int) int {
	if cur == 0 {
		return line
	}
	return cur
}
