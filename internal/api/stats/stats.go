// Package stats serves the owner's analytics as JSON, at
// /api/v1/me/analytics: the same numbers as the dashboard's analytics page.
// The route is listed in the API's route table (internal/api/routes.go).
package stats

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// BucketResponse is one point of the views series.
type BucketResponse struct {
	Start    string `json:"start" example:"2026-11-23"`
	Views    int64  `json:"views"`
	Visitors int64  `json:"visitors"`
}

// CountResponse is a referrer, a campaign source or a device class.
type CountResponse struct {
	Name     string `json:"name" example:"linkedin.com"`
	Events   int64  `json:"events"`
	Visitors int64  `json:"visitors"`
}

// ProjectResponse is what visitors did with one project.
type ProjectResponse struct {
	ProjectID int64 `json:"project_id"`
	Views     int64 `json:"views"`
	Visitors  int64 `json:"visitors"`
	Plays     int64 `json:"plays"`
	// Watched counts plays that reached each quarter: "25", "50", "75", "100".
	Watched    map[string]int64 `json:"watched"`
	DemoClicks int64            `json:"demo_clicks"`
	CodeClicks int64            `json:"code_clicks"`
	DocsOpens  int64            `json:"api_docs_opens"`
}

// FunnelResponse counts visitors at each step from the portfolio to a demo.
type FunnelResponse struct {
	PortfolioViews int64 `json:"portfolio_views"`
	ProjectViews   int64 `json:"then_project_views"`
	DemoClicks     int64 `json:"then_demo_clicks"`
}

// AnalyticsResponse is the owner's analytics for a period. Visitors are
// counted per day (ids change daily and are never linked across days), so
// a period's visitors are the sum of its days'.
type AnalyticsResponse struct {
	From        string            `json:"from" example:"2026-10-27"`
	To          string            `json:"to" example:"2026-11-25"`
	Granularity string            `json:"granularity" enums:"day,week,month"`
	Views       int64             `json:"views"`
	Visitors    int64             `json:"visitors"`
	Series      []BucketResponse  `json:"series"`
	Referrers   []CountResponse   `json:"referrers"`
	Sources     []CountResponse   `json:"sources"`
	Devices     []CountResponse   `json:"devices"`
	Projects    []ProjectResponse `json:"projects"`
	Funnel      FunnelResponse    `json:"funnel"`
}

// Handler answers GET /api/v1/me/analytics from reader (nil: analytics
// are off, and the route answers 404).
//
//	@Summary		The caller's analytics
//	@Description	Views, unique visitors, referrers, sources, devices, per-project engagement and the funnel for a period (at most 400 days; default the last 30). Counted without cookies or IP addresses; the owner's own visits and bots are not counted.
//	@Tags			me
//	@Security		BearerAuth
//	@Produce		json
//	@Param			from		query		string	false	"first day, YYYY-MM-DD (default: 29 days before to)"
//	@Param			to			query		string	false	"last day, YYYY-MM-DD, included (default: today, UTC)"
//	@Param			granularity	query		string	false	"bucket of the series"	Enums(day, week, month)
//	@Success		200			{object}	AnalyticsResponse
//	@Failure		401			{object}	api.Problem
//	@Failure		422			{object}	api.Problem
//	@Router			/api/v1/me/analytics [get]
func Handler(reader folio.AnalyticsReader) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if reader == nil {
			return folio.Errorf(folio.ENOTFOUND, "Analytics are off on this instance.")
		}
		r, err := parseRange(c.Query("from"), c.Query("to"), c.Query("granularity"))
		if err != nil {
			return err
		}
		rep, err := reader.Report(c.UserContext(), request.User(c).ID, r)
		if err != nil {
			return err
		}
		return c.JSON(response(rep))
	}
}

// parseRange reads the query: days in UTC, to included.
func parseRange(from, to, granularity string) (folio.AnalyticsRange, error) {
	var v folio.Validation
	now := time.Now().UTC()
	r := folio.AnalyticsRange{To: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1),
		Granularity: folio.Granularity(granularity)}
	if granularity == "" {
		r.Granularity = folio.ByDay
	}
	if to != "" {
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			v.Add("to", "must be a date as YYYY-MM-DD")
		}
		r.To = t.AddDate(0, 0, 1)
	}
	r.From = r.To.AddDate(0, 0, -30)
	if from != "" {
		f, err := time.Parse(time.DateOnly, from)
		if err != nil {
			v.Add("from", "must be a date as YYYY-MM-DD")
		}
		r.From = f
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	return r, r.Validate()
}

func counts(cs []folio.Count) []CountResponse {
	out := make([]CountResponse, 0, len(cs))
	for _, c := range cs {
		out = append(out, CountResponse{Name: c.Name, Events: c.Events, Visitors: c.Visitors})
	}
	return out
}

func response(rep *folio.AnalyticsReport) AnalyticsResponse {
	out := AnalyticsResponse{
		From: rep.Range.From.Format(time.DateOnly), To: rep.Range.To.AddDate(0, 0, -1).Format(time.DateOnly),
		Granularity: string(rep.Range.Granularity), Views: rep.Views, Visitors: rep.Visitors,
		Series: []BucketResponse{}, Referrers: counts(rep.Referrers), Sources: counts(rep.Sources), Devices: counts(rep.Devices),
		Projects: []ProjectResponse{},
		Funnel:   FunnelResponse{PortfolioViews: rep.Funnel[0], ProjectViews: rep.Funnel[1], DemoClicks: rep.Funnel[2]},
	}
	for _, b := range rep.Series {
		out.Series = append(out.Series, BucketResponse{Start: b.Start.Format(time.DateOnly), Views: b.Views, Visitors: b.Visitors})
	}
	for _, p := range rep.Projects {
		watched := map[string]int64{}
		for _, q := range []int{25, 50, 75, 100} {
			watched[strconv.Itoa(q)] = p.PlaysTo[q]
		}
		out.Projects = append(out.Projects, ProjectResponse{ProjectID: p.ProjectID, Views: p.Views, Visitors: p.Visitors,
			Plays: p.Plays, Watched: watched, DemoClicks: p.DemoClicks, CodeClicks: p.CodeClicks, DocsOpens: p.DocsOpens})
	}
	return out
}
