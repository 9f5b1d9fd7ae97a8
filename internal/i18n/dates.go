package i18n

import (
	"strconv"
	"time"
)

// months and weekdays are each language's names; a language's catalog
// holds its text, this table its calendar words (which Go's time package
// writes in English only).
var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

var shortMonths = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"de": {"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
	"es": {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
}

var weekdays = map[string][7]string{
	"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	"de": {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
	"es": {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
}

// Date writes t (in UTC) in one of these styles:
//
//	short     2 Jan 2026 · 2. Jan. 2026 · 2 ene 2026
//	long      2 January 2026 · 2. Januar 2026 · 2 de enero de 2026 (the default)
//	datetime  the short date and the time, 15:04 UTC
//	day       Friday 2 January · Freitag, 2. Januar · viernes, 2 de enero
//
// A zero time is written as nothing.
func (l *Localizer) Date(t time.Time, style ...string) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	st := "long"
	if len(style) > 0 {
		st = style[0]
	}
	d, m, y := strconv.Itoa(t.Day()), t.Month()-1, strconv.Itoa(t.Year())
	switch st {
	case "short", "datetime":
		var s string
		switch l.lang {
		case "de":
			s = d + ". " + shortMonths["de"][m] + " " + y
		default:
			s = d + " " + shortMonths[l.lang][m] + " " + y
		}
		if st == "datetime" {
			s += " " + t.Format("15:04") + " UTC"
		}
		return s
	case "day":
		wd := weekdays[l.lang][t.Weekday()]
		switch l.lang {
		case "de":
			return wd + ", " + d + ". " + months["de"][m]
		case "es":
			return wd + ", " + d + " de " + months["es"][m]
		}
		return wd + " " + d + " " + months["en"][m]
	}
	switch l.lang {
	case "de":
		return d + ". " + months["de"][m] + " " + y
	case "es":
		return d + " de " + months["es"][m] + " de " + y
	}
	return d + " " + months["en"][m] + " " + y
}
