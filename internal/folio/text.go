package folio

import (
	"strings"
	"unicode/utf8"
)

// IsText reports whether s can be stored in, or compared against, a
// PostgreSQL text column: valid UTF-8 without NUL characters. Anything
// else makes the query fail, so it must be refused as invalid input before
// it gets there.
func IsText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
