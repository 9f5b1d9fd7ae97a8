package httpapi

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

// readBody returns the request body, refusing one larger than the limit
// with 413 before reading it: first by Content-Length, then while reading,
// since a chunked body has none. The body is cached for later readers.
func (s *Server) readBody(c *fiber.Ctx) ([]byte, error) {
	if b, ok := c.Locals(bodyKey).([]byte); ok {
		return b, nil
	}
	limit := s.opts.MaxBodyBytes
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > limit {
		return nil, s.refuseBody(c, limit)
	}
	body, err := io.ReadAll(io.LimitReader(s.body(c), limit+1))
	if err != nil {
		lingerOnClose(c)
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, s.refuseBody(c, limit)
	}
	c.Locals(bodyKey, body)
	return body, nil
}

// drainLimit bounds how much of a refused body is read and thrown away, so
// that a client still sending a moderately oversized body gets the 413
// instead of a reset connection. Beyond it the connection is cut: reading
// gigabytes to be polite would hand a cheap amplification to an attacker.
const drainLimit = 8 << 20

// refuseBody answers 413 for a body over the limit. The connection is
// closed afterwards: the unread rest of the body must not be parsed as the
// next request.
func (s *Server) refuseBody(c *fiber.Ctx, limit int64) error {
	s.discardBody(c)
	return tooLarge(limit)
}

// discardBody gives up on the rest of a body: the connection closes after
// the response, lingering to read (and drop) what the client still sends.
// A connection that cannot linger has a bounded amount read now instead.
func (s *Server) discardBody(c *fiber.Ctx) {
	if _, ok := c.Context().Conn().(*trackedConn); !ok {
		s.body(c).discard(drainLimit)
	}
	lingerOnClose(c)
}

func tooLarge(limit int64) error {
	return folio.Errorf(folio.ETOOLARGE, "The request body is larger than %d bytes.", limit)
}

var errBadRequest = "bad_request"

// decodeJSON reads a JSON body into v strictly: the Content-Type must be
// JSON, unknown fields are refused by name, and a wrong type names its field.
func (s *Server) decodeJSON(c *fiber.Ctx, v any) error {
	ct := c.Get(fiber.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != fiber.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
		return &folio.Error{Code: "unsupported_media_type", Message: "Send the body as application/json."}
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// decodeStrict is the body decoder on its own, so that it can be fuzzed.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return folio.Errorf(errBadRequest, "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return folio.Errorf(errBadRequest, "The request body has data after the JSON object.")
	}
	return checkText(v)
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return folio.Errorf(errBadRequest, "The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return folio.Errorf(errBadRequest, "The request body must be a JSON object.")
		}
		return &folio.Error{Code: errBadRequest, Message: "A field has the wrong type.",
			Fields: []folio.FieldError{{Field: field, Message: fmt.Sprintf("must be %s", jsonTypeName(typ.Type.Kind().String()))}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &folio.Error{Code: errBadRequest, Message: "The request has a field this endpoint does not know.",
			Fields: []folio.FieldError{{Field: name, Message: "unknown field"}}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return folio.Errorf(errBadRequest, "The request body ends in the middle of the JSON.")
	}
	return folio.Errorf(errBadRequest, "The request body is not valid JSON.")
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
