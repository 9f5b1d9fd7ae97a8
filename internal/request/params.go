package request

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// PathID reads the {id} path parameter; anything but the canonical form of
// a positive integer is a 404, like an id that does not exist.
func PathID(c *fiber.Ctx) (int64, error) {
	id, ok := ParseID(c.Params("id"))
	if !ok {
		return 0, folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// ParseID accepts only the canonical decimal form of a positive int64: no
// sign, no leading zeros, no spaces. Otherwise 8, 08 and +8 would be three
// names for one row, and anything keyed by the text (a rate limit, a cache,
// a log search) would count them apart.
func ParseID(s string) (int64, bool) {
	if s == "" || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

const cursorPrefix = "p1:"

// EncodeCursor makes the cursor of the page after id. Cursors are opaque
// to clients so that their form can change.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(id, 10)))
}

// DecodeCursor reads a cursor EncodeCursor made; ok is false for anything
// else.
func DecodeCursor(s string) (id int64, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, false
	}
	id, err = strconv.ParseInt(strings.TrimPrefix(string(b), cursorPrefix), 10, 64)
	return id, err == nil && id > 0
}
