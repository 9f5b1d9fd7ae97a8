package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
)

// DemoChecker runs the owner's "check now" of a project's live demo and
// records it: a *demo.Monitor. It returns ENOTFOUND unless the project is
// ownerID's, and EINVALID when it is not public or has no demo URL.
type DemoChecker interface {
	CheckNow(ctx context.Context, ownerID, projectID int64) (*folio.DemoCheck, error)
}

// checkNowLimit keeps "check now" from turning Folio into a load tester.
var checkNowLimit = ratelimit.Limit{Rate: 3, Period: time.Minute}

// DemoCheckResponse is one check of a live demo.
type DemoCheckResponse struct {
	CheckedAt  time.Time `json:"checked_at"`
	Up         bool      `json:"up"`
	StatusCode int       `json:"status_code,omitempty"`
	LatencyMS  int64     `json:"latency_ms"`
	FinalURL   string    `json:"final_url,omitempty"`
	ErrorClass string    `json:"error_class,omitempty" enums:"dns,connect,tls,timeout,http_status,blocked,invalid_url"`
	Error      string    `json:"error,omitempty" example:"DNS name not found: demo.example.com."`
}

// DemoEventResponse is a change the owner should know about.
type DemoEventResponse struct {
	Kind      string    `json:"kind" enums:"down,recovered"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// DemoSummaryResponse is a project's demo health.
type DemoSummaryResponse struct {
	State     string              `json:"state" enums:"up,down,unknown"`
	Since     *time.Time          `json:"since,omitempty"`
	Uptime24h *float64            `json:"uptime_24h" example:"0.993"`
	Uptime7d  *float64            `json:"uptime_7d" example:"0.998"`
	LastCheck *DemoCheckResponse  `json:"last_check"`
	Recent    []DemoCheckResponse `json:"recent_checks"`
	Events    []DemoEventResponse `json:"events"`
}

func demoCheckResponse(c folio.DemoCheck) DemoCheckResponse {
	return DemoCheckResponse{CheckedAt: c.CheckedAt, Up: c.Up, StatusCode: c.StatusCode, LatencyMS: c.Latency.Milliseconds(),
		FinalURL: c.FinalURL, ErrorClass: c.ErrorClass, Error: c.Error}
}

// getDemo summarizes the health of a project's live demo.
//
//	@Summary		Live demo health
//	@Description	State (up, down or unknown), uptime over 24 h and 7 d, the last and recent checks, and down/recovered events.
//	@Tags			demo
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"project id"
//	@Success		200	{object}	DemoSummaryResponse
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/projects/{id}/demo [get]
func (s *API) getDemo(c *fiber.Ctx) error {
	p, err := s.callerProject(c)
	if err != nil {
		return err
	}
	id := p.ID
	sum, err := s.opts.Demos.DemoSummary(c.UserContext(), id, 50)
	if err != nil {
		return err
	}
	out := DemoSummaryResponse{State: string(sum.State), Uptime24h: sum.Uptime24h, Uptime7d: sum.Uptime7d,
		Recent: []DemoCheckResponse{}, Events: []DemoEventResponse{}}
	if !sum.Since.IsZero() {
		out.Since = &sum.Since
	}
	if sum.LastCheck != nil {
		last := demoCheckResponse(*sum.LastCheck)
		out.LastCheck = &last
	}
	for _, r := range sum.Recent {
		out.Recent = append(out.Recent, demoCheckResponse(r))
	}
	for _, e := range sum.Events {
		out.Events = append(out.Events, DemoEventResponse{Kind: e.Kind, Message: e.Message, CreatedAt: e.CreatedAt})
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// checkDemoNow runs a check at once.
//
//	@Summary		Check the live demo now
//	@Description	Runs one check (SSRF-safe, like the scheduled ones) and returns it. Limited to 3 a minute per project. Only public projects with a demo URL are checked.
//	@Tags			demo
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"project id"
//	@Success		200	{object}	DemoCheckResponse
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		422	{object}	Problem	"no demo URL, or the project is not public"
//	@Failure		429	{object}	Problem
//	@Router			/api/v1/projects/{id}/demo/check [post]
func (s *API) checkDemoNow(c *fiber.Ctx) error {
	p, err := s.callerProject(c)
	if err != nil {
		return err
	}
	// After the ownership check, and keyed by the project, never by the
	// text of the path.
	if err := request.Allow(c, s.opts.Limiter, "demo:check:project:"+strconv.FormatInt(p.ID, 10), checkNowLimit); err != nil {
		return err
	}
	check, err := s.opts.DemoChecker.CheckNow(c.UserContext(), request.User(c).ID, p.ID)
	if err != nil {
		return err
	}
	return c.JSON(demoCheckResponse(*check))
}
