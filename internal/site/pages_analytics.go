package site

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// analyticsPeriods are the periods the dashboard offers, in days.
var analyticsPeriods = []int{7, 30, 90}

type analyticsView struct {
	pageBase
	User     *folio.User
	Days     int
	Periods  []int
	Report   *folio.AnalyticsReport
	Chart    template.HTML
	Projects []projectStatsView
	Funnel   []funnelStep
}

type projectStatsView struct {
	Title string
	folio.ProjectEngagement
	Watch25, Watch50, Watch75, Watch100 string
}

type funnelStep struct {
	Label   string
	Count   int64
	Percent string
}

// analyticsRange is the last days days, today included.
func analyticsRange(days int) folio.AnalyticsRange {
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return folio.AnalyticsRange{From: today.AddDate(0, 0, 1-days), To: today.AddDate(0, 0, 1), Granularity: folio.ByDay}
}

func periodParam(c *fiber.Ctx) int {
	days, _ := strconv.Atoi(c.Query("days"))
	for _, d := range analyticsPeriods {
		if d == days {
			return d
		}
	}
	return 30
}

// analyticsPage is /dashboard/analytics: who looked, readable without
// JavaScript (the chart is SVG drawn here).
func (s *Site) analyticsPage(c *fiber.Ctx) error {
	u := request.Viewer(c)
	if u == nil {
		return c.Redirect("/login")
	}
	if s.opts.Analytics == nil || s.opts.AnalyticsReader == nil {
		return s.renderNotFound(c)
	}
	days := periodParam(c)
	ctx := c.UserContext()
	rep, err := s.opts.AnalyticsReader.Report(ctx, u.ID, analyticsRange(days))
	if err != nil {
		return err
	}
	titles, err := s.projectTitles(c, u.ID)
	if err != nil {
		return err
	}
	v := analyticsView{pageBase: s.privatePage("Analytics", c), User: u, Days: days, Periods: analyticsPeriods, Report: rep,
		Chart: viewsChart(rep.Series)}
	for _, p := range rep.Projects {
		title := titles[p.ProjectID]
		if title == "" {
			continue // deleted since
		}
		pv := projectStatsView{Title: title, ProjectEngagement: p}
		pv.Watch25, pv.Watch50, pv.Watch75, pv.Watch100 = percent(p.PlaysTo[25], p.Plays), percent(p.PlaysTo[50], p.Plays),
			percent(p.PlaysTo[75], p.Plays), percent(p.PlaysTo[100], p.Plays)
		v.Projects = append(v.Projects, pv)
	}
	for i, label := range []string{"Viewed your portfolio", "…then opened a project", "…then clicked a live demo"} {
		v.Funnel = append(v.Funnel, funnelStep{Label: label, Count: rep.Funnel[i], Percent: percent(rep.Funnel[i], rep.Funnel[0])})
	}
	return s.render(c, fiber.StatusOK, "analytics", v)
}

// analyticsCSV is /dashboard/analytics.csv: the daily series and the
// per-project numbers, for a spreadsheet.
func (s *Site) analyticsCSV(c *fiber.Ctx) error {
	u := request.Viewer(c)
	if u == nil || s.opts.AnalyticsReader == nil {
		return s.renderNotFound(c)
	}
	days := periodParam(c)
	rep, err := s.opts.AnalyticsReader.Report(c.UserContext(), u.ID, analyticsRange(days))
	if err != nil {
		return err
	}
	titles, err := s.projectTitles(c, u.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
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
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="folio-analytics-%dd.csv"`, days))
	return c.SendString(b.String())
}

// csvCell keeps a spreadsheet from reading an owner's text as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Site) projectTitles(c *fiber.Ctx, ownerID int64) (map[int64]string, error) {
	page, err := s.opts.Projects.Projects(c.UserContext(), ownerID, 0, 100)
	if err != nil {
		return nil, err
	}
	titles := make(map[int64]string, len(page.Projects))
	for _, p := range page.Projects {
		titles[p.ID] = p.Title
	}
	return titles, nil
}

func percent(n, of int64) string {
	if of <= 0 {
		return "–"
	}
	return strconv.FormatInt(n*100/of, 10) + "%"
}

// viewsChart draws the daily views and visitors as an accessible SVG bar
// chart: no script, no third-party library, a text alternative in <title>
// and <desc>, and a table beside it on the page for screen readers.
func viewsChart(series []folio.Bucket) template.HTML {
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
	fmt.Fprintf(&sb, `<title id="chart-t">Views per day</title><desc id="chart-d">%d views over %d days; the highest day had %d.</desc>`, total, len(series), max)
	fmt.Fprintf(&sb, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" class="axis"/>`, pad, height, width-pad, height)
	for i, b := range series {
		h := float64(b.Views) / float64(max) * (height - pad)
		vh := float64(b.Visitors) / float64(max) * (height - pad)
		x := pad + float64(i)*slot
		fmt.Fprintf(&sb, `<rect class="views" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d views, %d visitors</title></rect>`,
			x+slot*0.1, height-h, slot*0.8, h, b.Start.Format("2 Jan"), b.Views, b.Visitors)
		fmt.Fprintf(&sb, `<rect class="visitors" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x+slot*0.3, height-vh, slot*0.4, vh)
		if len(series) <= 31 && (i == 0 || i == len(series)-1 || len(series) <= 7) {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" class="label">%s</text>`, x+slot*0.5, height+pad*0.8, b.Start.Format("2 Jan"))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every value above is a number or a formatted date
}
