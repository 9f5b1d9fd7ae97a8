package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/site/statspage"
)

type analyticsView struct {
	pageBase
	User     *folio.User
	Days     int
	Periods  []int
	Report   *folio.AnalyticsReport
	Chart    template.HTML
	Projects []statspage.Project
	Funnel   []statspage.FunnelStep
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
	days := statspage.Period(c.Query("days"))
	ctx := c.UserContext()
	rep, err := s.opts.AnalyticsReader.Report(ctx, u.ID, statspage.Range(days))
	if err != nil {
		return err
	}
	titles, err := s.projectTitles(c, u.ID)
	if err != nil {
		return err
	}
	v := analyticsView{pageBase: s.privatePage("title.analytics", c), User: u, Days: days, Periods: statspage.Periods, Report: rep,
		Chart: statspage.Chart(sitelang.L(c), rep.Series)}
	v.Projects, v.Funnel = statspage.Rows(sitelang.L(c), rep, titles)
	return s.render(c, fiber.StatusOK, "analytics", v)
}

// analyticsCSV is /dashboard/analytics.csv: the daily series and the
// per-project numbers, for a spreadsheet.
func (s *Site) analyticsCSV(c *fiber.Ctx) error {
	u := request.Viewer(c)
	if u == nil || s.opts.AnalyticsReader == nil {
		return s.renderNotFound(c)
	}
	days := statspage.Period(c.Query("days"))
	rep, err := s.opts.AnalyticsReader.Report(c.UserContext(), u.ID, statspage.Range(days))
	if err != nil {
		return err
	}
	titles, err := s.projectTitles(c, u.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := statspage.WriteCSV(&b, rep, titles); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="folio-analytics-%dd.csv"`, days))
	return c.SendString(b.String())
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
