package request

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/queue"
)

// validID accepts the ids that proxies and clients usually send, and
// nothing that could forge a log line.
var validID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

const idKey = "request_id"

// idPrefix makes this process's request ids unique among replicas; a
// counter makes them unique within it, without a random read per request.
var (
	idPrefix = func() string {
		var b [6]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}()
	counter atomic.Uint64
)

// WithID keeps the client's X-Request-ID, or makes one, and puts it in
// the request's context (queue.WithRequestID), where the services that
// queue tasks find it. The id goes into task payloads and error reports
// that outlive the request, so it is a copy: c.Get points into a buffer
// fasthttp reuses for the next request.
func WithID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if id == "" || !validID.MatchString(id) {
		id = idPrefix + strconv.FormatUint(counter.Add(1), 36)
	} else {
		id = strings.Clone(id)
	}
	c.Locals(idKey, id)
	c.SetUserContext(queue.WithRequestID(c.UserContext(), id))
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

// ID is the request's id, set by WithID.
func ID(c *fiber.Ctx) string {
	id, _ := c.Locals(idKey).(string)
	return id
}

// Method is the request's method as one of Fiber's constant strings, safe
// to keep: c.Method() points into fasthttp's request buffer, which the next
// request on the pooled context overwrites, so a metric label taken from it
// turns GET into GETCH and later breaks every scrape. Fiber refuses methods
// it does not know before any handler runs; "OTHER" is a safeguard.
func Method(c *fiber.Ctx) string {
	m := c.Method()
	for _, known := range fiber.DefaultMethods {
		if m == known {
			return known
		}
	}
	return "OTHER"
}

// SafeMethod reports whether m only reads.
func SafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}
