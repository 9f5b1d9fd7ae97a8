package request

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// PageQuery reads the cursor and limit query parameters of a list: the
// cursor must be one EncodeCursor made (0 when absent), the limit a whole
// number from 1 to max (0 when absent: the list's default). Bad values
// are a 400 listing each.
func PageQuery(c *fiber.Ctx, max int) (cursor int64, limit int, err error) {
	var v folio.Validation
	if s := c.Query("limit"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > max {
			v.Add("limit", "must be a whole number from 1 to %d", max)
		}
		limit = n
	}
	if s := c.Query("cursor"); s != "" {
		var ok bool
		if cursor, ok = DecodeCursor(s); !ok {
			v.Add("cursor", "is not a cursor this API returned")
		}
	}
	if verr := v.Err(); verr != nil {
		return 0, 0, &folio.Error{Code: folio.EBADREQUEST, Message: "Some query parameters are invalid.", Fields: verr.(*folio.Error).Fields}
	}
	return cursor, limit, nil
}

// NextCursor is the cursor of the page after id, "" when id is 0 (the last
// page).
func NextCursor(id int64) string {
	if id == 0 {
		return ""
	}
	return EncodeCursor(id)
}
