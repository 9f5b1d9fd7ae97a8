// Package statspage computes what the owner's analytics page
// (/dashboard/analytics) and its CSV show from an analytics report: the
// periods offered, per-project rows, the funnel, the SVG chart.
package statspage

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Periods are the periods the dashboard offers, in days.
var Periods = []int{7, 30, 90}

// Project is a project's row on the page.
type Project struct {
	Title string
	folio.ProjectEngagement
	Watch25, Watch50, Watch75, Watch100 string
}

// FunnelStep is one step of the page's funnel.
type FunnelStep struct {
	Label   string
	Count   int64
	Percent string
}

// Range is the last days days, today included.
func Range(days int) folio.AnalyticsRange {
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return folio.AnalyticsRange{From: today.AddDate(0, 0, 1-days), To: today.AddDate(0, 0, 1), Granularity: folio.ByDay}
}

// Period is the period asked for by the days query parameter, one of
// Periods (30 when it is none of them).
func Period(days string) int {
	d, _ := strconv.Atoi(days)
	for _, p := range Periods {
		if p == d {
			return p
		}
	}
	return 30
}

// Rows are the report's project rows (projects deleted since, without a
// title, left out) and its funnel, labelled in l's language.
func Rows(l *i18n.Localizer, rep *folio.AnalyticsReport, titles map[int64]string) ([]Project, []FunnelStep) {
	var projects []Project
	for _, p := range rep.Projects {
		title := titles[p.ProjectID]
		if title == "" {
			continue // deleted since
		}
		pv := Project{Title: title, ProjectEngagement: p}
		pv.Watch25, pv.Watch50, pv.Watch75, pv.Watch100 = percent(p.PlaysTo[25], p.Plays), percent(p.PlaysTo[50], p.Plays),
			percent(p.PlaysTo[75], p.Plays), percent(p.PlaysTo[100], p.Plays)
		projects = append(projects, pv)
	}
	var funnel []FunnelStep
	for i, id := range []string{"analytics.funnel.0", "analytics.funnel.1", "analytics.funnel.2"} {
		funnel = append(funnel, FunnelStep{Label: l.T(id), Count: rep.Funnel[i], Percent: percent(rep.Funnel[i], rep.Funnel[0])})
	}
	return projects, funnel
}

// WriteCSV writes the daily series and the per-project numbers, for a
// spreadsheet.
func WriteCSV(out io.Writer, rep *folio.AnalyticsReport, titles map[int64]string) error {
	w := csv.NewWriter(out)
	_ = w.Write([]string{"date", "views", "unique_visitors"})
	for _, d := range rep.Series {
		_ = w.Write([]string{d.Start.Format(time.DateOnly), strconv.FormatInt(d.Views, 10), strconv.FormatInt(d.Visitors, 10)})
	}
	_ = w.Write(nil)
	_ = w.Write([]string{"project", "views", "visitors", "plays", "watched_50", "watched_100", "demo_clicks", "code_clicks", "api_docs_opens"})
	for _, p := range rep.Projects {
		if titles[p.ProjectID] == "" {
			continue
		}
		_ = w.Write([]string{csvCell(titles[p.ProjectID]), strconv.FormatInt(p.Views, 10), strconv.FormatInt(p.Visitors, 10),
			strconv.FormatInt(p.Plays, 10), strconv.FormatInt(p.PlaysTo[50], 10), strconv.FormatInt(p.PlaysTo[100], 10),
			strconv.FormatInt(p.DemoClicks, 10), strconv.FormatInt(p.CodeClicks, 10), strconv.FormatInt(p.DocsOpens, 10)})
	}
	w.Flush()
	return w.Error()
}

// csvCell keeps a spreadsheet from reading an owner's text as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func percent(n, of int64) string {
	if of <= 0 {
		return "–"
	}
	return strconv.FormatInt(n*100/of, 10) + "%"
}

// Chart draws the daily views and visitors as an accessible SVG bar
// chart: no script, no third-party library, a text alternative in <title>
// and <desc>, and a table beside it on the page for screen readers. Its
// words, numbers and dates are l's language's.
func Chart(l *i18n.Localizer, series []folio.Bucket) template.HTML {
	const width, height, pad = 720.0, 180.0, 24.0
	var max int64 = 1
	var total int64
	for _, b := range series {
		if b.Views > max {
			max = b.Views
		}
		total += b.Views
	}
	n := float64(len(series))
	if n == 0 {
		return ""
	}
	slot := (width - 2*pad) / n
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="chart-t chart-d">`, width, height+pad)
	esc := template.HTMLEscapeString
	fmt.Fprintf(&sb, `<title id="chart-t">%s</title><desc id="chart-d">%s</desc>`, esc(l.T("dashd.stats.chart_title")),
		esc(l.N("dashd.stats.chart_desc", total, "Days", l.Num(len(series)), "Max", l.Num(max))))
	fmt.Fprintf(&sb, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" class="axis"/>`, pad, height, width-pad, height)
	for i, b := range series {
		h := float64(b.Views) / float64(max) * (height - pad)
		vh := float64(b.Visitors) / float64(max) * (height - pad)
		x := pad + float64(i)*slot
		day := dayMonth(l, b.Start)
		fmt.Fprintf(&sb, `<rect class="views" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s, %s</title></rect>`,
			x+slot*0.1, height-h, slot*0.8, h, esc(day), esc(l.N("dashd.stats.views", b.Views)), esc(l.N("dashd.stats.visitors", b.Visitors)))
		fmt.Fprintf(&sb, `<rect class="visitors" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x+slot*0.3, height-vh, slot*0.4, vh)
		if len(series) <= 31 && (i == 0 || i == len(series)-1 || len(series) <= 7) {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" class="label">%s</text>`, x+slot*0.5, height+pad*0.8, esc(day))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) //nolint:gosec // every text above is escaped
}

// dayMonth is t's day and month the language's way ("2 Jan", "2. Jan.",
// "2 ene"): its short date without the year.
func dayMonth(l *i18n.Localizer, t time.Time) string {
	return strings.TrimSuffix(l.Date(t, "short"), " "+strconv.Itoa(t.UTC().Year()))
}
