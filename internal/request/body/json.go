package body

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

const bodyKey = "json_body"

// Read returns the request body, refusing one larger than MaxBytes with
// 413 before reading it: first by Content-Length, then while reading,
// since a chunked body has none. The body is cached for later readers.
func (in Intake) Read(c *fiber.Ctx) ([]byte, error) {
	if b, ok := c.Locals(bodyKey).([]byte); ok {
		return b, nil
	}
	limit := in.MaxBytes
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > limit {
		return nil, in.refuse(c, limit)
	}
	body, err := io.ReadAll(io.LimitReader(in.Stream(c), limit+1))
	if err != nil {
		lingerOnClose(c)
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, in.refuse(c, limit)
	}
	c.Locals(bodyKey, body)
	return body, nil
}

// DrainLimit bounds how much of a refused body is read and thrown away, so
// that a client still sending a moderately oversized body gets the 413
// instead of a reset connection. Beyond it the connection is cut: reading
// gigabytes to be polite would hand a cheap amplification to an attacker.
const DrainLimit = 8 << 20

// refuse answers 413 for a body over the limit. The connection is closed
// afterwards: the unread rest of the body must not be parsed as the next
// request.
func (in Intake) refuse(c *fiber.Ctx, limit int64) error {
	in.Discard(c)
	return TooLarge(limit)
}

// Discard gives up on the rest of a body: the connection closes after
// the response, lingering to read (and drop) what the client still sends.
// A connection that cannot linger has a bounded amount read now instead.
func (in Intake) Discard(c *fiber.Ctx) {
	if _, ok := c.Context().Conn().(lingerer); !ok {
		in.Stream(c).discard(DrainLimit)
	}
	lingerOnClose(c)
}

// TooLarge is the 413 answer to a body over limit bytes.
func TooLarge(limit int64) error {
	return folio.Errorf(folio.ETOOLARGE, "The request body is larger than %d bytes.", limit)
}

// DecodeJSON reads a JSON body into v strictly: the Content-Type must be
// JSON, unknown fields are refused by name, a wrong type names its field,
// and so does a string PostgreSQL cannot store.
func (in Intake) DecodeJSON(c *fiber.Ctx, v any) error {
	ct := c.Get(fiber.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != fiber.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
		return &folio.Error{Code: folio.EUNSUPPORTED, Message: "Send the body as application/json."}
	}
	body, err := in.Read(c)
	if err != nil {
		return err
	}
	return Decode(body, v)
}

// Decode is DecodeJSON's decoder on its own, so that it can be fuzzed.
func Decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return folio.Errorf(folio.EBADREQUEST, "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return folio.Errorf(folio.EBADREQUEST, "The request body has data after the JSON object.")
	}
	return checkText(v)
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return folio.Errorf(folio.EBADREQUEST, "The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return folio.Errorf(folio.EBADREQUEST, "The request body must be a JSON object.")
		}
		return &folio.Error{Code: folio.EBADREQUEST, Message: "A field has the wrong type.",
			Fields: []folio.FieldError{{Field: field, Message: fmt.Sprintf("must be %s", jsonTypeName(typ.Type.Kind().String()))}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &folio.Error{Code: folio.EBADREQUEST, Message: "The request has a field this endpoint does not know.",
			Fields: []folio.FieldError{{Field: name, Message: "unknown field"}}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return folio.Errorf(folio.EBADREQUEST, "The request body ends in the middle of the JSON.")
	}
	return folio.Errorf(folio.EBADREQUEST, "The request body is not valid JSON.")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	default:
		return "a number"
	}
}
