package memo

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/request"
)

// Responses memoizes a GET route's 200 answers to anonymous visitors by
// path and query string, for TTL: for a public listing that the same few
// queries ask for again and again (explore's searches), where a second of
// staleness is nothing next to the database work each answer saves. The
// body, Content-Type and Cache-Control are replayed; a signed-in visitor's
// view (whose navigation differs) is neither served from m nor stored.
// Every spelling of a query is its own entry, and m bounds their number.
// m may be the pages' memo: any owner's Forget drops these entries too, so
// that a change made through this process shows at once.
func Responses(m *Memo) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if request.Viewer(c) != nil || c.Method() != fiber.MethodGet {
			return c.Next()
		}
		key := "response " + string(c.Request().URI().RequestURI())
		if e, ok := m.Get(key); ok {
			c.Set(fiber.HeaderContentType, e.contentType)
			c.Set(fiber.HeaderCacheControl, e.cacheControl)
			c.Set("X-Cache", "memo")
			c.Vary(fiber.HeaderCookie)
			return c.Send(e.Body)
		}
		if err := c.Next(); err != nil {
			return err
		}
		resp := c.Response()
		if resp.StatusCode() != fiber.StatusOK || resp.IsBodyStream() || request.Viewer(c) != nil {
			return nil
		}
		m.put(key, Entry{OwnerID: anyOwner, Body: resp.Body(),
			contentType:  strings.Clone(string(resp.Header.ContentType())),
			cacheControl: strings.Clone(string(resp.Header.Peek(fiber.HeaderCacheControl)))})
		return nil
	}
}
