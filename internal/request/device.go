package request

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/device"
)

// WithUserAgent puts the request's User-Agent header in its context (see
// device.NewContext), where the audit log and the sessions list find the
// device that acted. Only their summary of it is ever stored.
func WithUserAgent(c *fiber.Ctx) error {
	if ua := c.Get(fiber.HeaderUserAgent); ua != "" {
		// A copy: Fiber reuses the header's bytes after the handler returns.
		c.SetUserContext(device.NewContext(c.UserContext(), strings.Clone(ua[:min(len(ua), device.MaxHeader)])))
	}
	return c.Next()
}
