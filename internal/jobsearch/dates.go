package jobsearch

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DateOrder says how a numeric date such as 03/04/2026 is read.
type DateOrder int

// Date orders. DateOrderAuto decides per file: a date whose first number
// is above 12 makes the file day-first, one whose second is makes it
// month-first; a file with neither and a date whose day and month could
// swap (03/04/2026, not 04/04/2026) is refused as ambiguous, since a
// spreadsheet from either side of the Atlantic could have written it.
const (
	DateOrderAuto DateOrder = iota
	DateOrderDayFirst
	DateOrderMonthFirst
)

// ParseDateOrder reads "dmy" or "mdy" (case-insensitive); "" is auto.
func ParseDateOrder(s string) (DateOrder, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return DateOrderAuto, true
	case "dmy", "day-first":
		return DateOrderDayFirst, true
	case "mdy", "month-first":
		return DateOrderMonthFirst, true
	}
	return DateOrderAuto, false
}

var (
	isoDate     = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$`)
	numericDate = regexp.MustCompile(`^(\d{1,2})([/.\-])(\d{1,2})[/.\-](\d{2}|\d{4})$`)
	// "Nov 25, 2026", "November 25 2026", "25 Nov 2026", "25-Nov-2026", "25. November 2026"
	monthFirst = regexp.MustCompile(`^([A-Za-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})$`)
	dayFirst   = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\.?[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4})$`)
)

var months = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		months[name] = m
		months[name[:3]] = m
	}
	months["sept"] = time.September
}

// numericParts splits a numeric day/month date; ok is false for other forms.
func numericParts(s string) (a, b, year int, dot, ok bool) {
	m := numericDate.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, 0, false, false
	}
	a, _ = strconv.Atoi(m[1])
	b, _ = strconv.Atoi(m[3])
	year, _ = strconv.Atoi(m[4])
	if len(m[4]) == 2 {
		year += 2000
	}
	return a, b, year, m[2] == ".", true
}

// dateVote says which order one cell implies: day-first, month-first, or
// neither; ambiguous reports a cell that needs the file's order.
func dateVote(s string) (order DateOrder, ambiguous bool) {
	a, b, _, dot, ok := numericParts(strings.TrimSpace(s))
	switch {
	case !ok || dot:
		// Dotted dates (25.11.2026) are day-first everywhere they are used.
		return DateOrderAuto, false
	case a > 12 && b <= 12:
		return DateOrderDayFirst, false
	case b > 12 && a <= 12:
		return DateOrderMonthFirst, false
	}
	return DateOrderAuto, a != b && a <= 12 && b <= 12
}

// parseDate reads a calendar day in ISO or a common local form.
func parseDate(s string, order DateOrder) (time.Time, error) {
	s = strings.TrimSpace(s)
	var y, mo, d int
	if m := isoDate.FindStringSubmatch(s); m != nil {
		y, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		d, _ = strconv.Atoi(m[3])
	} else if a, b, year, dot, ok := numericParts(s); ok {
		y = year
		switch {
		case dot || order == DateOrderDayFirst:
			d, mo = a, b
		case order == DateOrderMonthFirst:
			mo, d = a, b
		case a == b:
			d, mo = a, b
		default:
			return time.Time{}, fmt.Errorf("%q could be day/month or month/day; write it as YYYY-MM-DD, or choose the order (date_order=dmy or mdy)", s)
		}
	} else if m := monthFirst.FindStringSubmatch(s); m != nil && months[strings.ToLower(m[1])] != 0 {
		mo = int(months[strings.ToLower(m[1])])
		d, _ = strconv.Atoi(m[2])
		y, _ = strconv.Atoi(m[3])
	} else if m := dayFirst.FindStringSubmatch(s); m != nil && months[strings.ToLower(m[2])] != 0 {
		mo = int(months[strings.ToLower(m[2])])
		d, _ = strconv.Atoi(m[1])
		y, _ = strconv.Atoi(m[3])
	} else {
		return time.Time{}, fmt.Errorf("%q is not a date; use YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY or \"Nov 25, 2026\"", s)
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if mo < 1 || mo > 12 || t.Day() != d || y < 1970 || y > 2200 {
		return time.Time{}, fmt.Errorf("%q is not a day of the calendar", s)
	}
	return t, nil
}

// parseDateTime reads an interview time: RFC 3339, or "YYYY-MM-DD HH:MM"
// (taken as UTC, the zone the export writes).
func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1970 || t.Year() > 2200 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time; use 2026-11-25T14:00:00Z or 2026-11-25 14:00 (UTC)", s)
}
