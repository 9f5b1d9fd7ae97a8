package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/health"
	"github.com/foliohq/folio/internal/request"
)

// readyTimeout bounds each dependency check so that a hung dependency
// makes /readyz fail fast instead of hanging the orchestrator's probe.
const readyTimeout = 2 * time.Second

// healthz answers as long as the process serves requests.
//
//	@Summary	Liveness
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	map[string]string
//	@Router		/healthz [get]
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok", "version": s.opts.Version})
}

// ReadyResponse names the state of each dependency.
type ReadyResponse struct {
	Status  string            `json:"status" example:"unavailable"`
	Checks  map[string]string `json:"checks"`
	Failing []string          `json:"failing,omitempty" example:"minio"`
}

// readyz answers 200 only when PostgreSQL, Redis and MinIO all answer.
//
//	@Summary	Readiness
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	ReadyResponse
//	@Failure	503	{object}	ReadyResponse
//	@Router		/readyz [get]
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	r := health.Run(c.UserContext(), readyTimeout, s.opts.Checks)
	if !r.OK {
		for name, err := range r.Errors {
			s.log.Warn("dependency unavailable", "dependency", name, "error", err, "request_id", request.ID(c))
		}
		return c.Status(fiber.StatusServiceUnavailable).JSON(ReadyResponse{Status: "unavailable", Checks: r.Status, Failing: r.Failing})
	}
	return c.JSON(ReadyResponse{Status: "ok", Checks: r.Status})
}
