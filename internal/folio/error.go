// Package folio holds Folio's domain: its types, their validation, the
// service interfaces and the application errors. It imports no framework,
// database or storage package; those depend on it.
package folio

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status and a problem type once.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	ETOOLARGE     = "too_large"
	// EBADREQUEST is a request the server could not read (a body cut
	// short, a malformed multipart body).
	EBADREQUEST = "bad_request"
	// EUNSUPPORTED is content of a type that is not accepted.
	EUNSUPPORTED = "unsupported_media_type"
	// EUNAVAILABLE is a refusal for lack of capacity; try again shortly.
	EUNAVAILABLE = "unavailable"
)

// FieldError is one invalid field of an input.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an application error: a code for machines, a message a person
// can act on, and for validation the list of bad fields.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	return fmt.Sprintf("folio error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other error. A nil error has no code.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error, or a generic
// one for any other error so that internals never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// Validation collects field errors so that one response lists them all,
// in the order they were added: callers check fields in a fixed order (never
// by ranging over a map), so the same input always gives the same list.
type Validation struct {
	fields []FieldError
}

// Add records that field is invalid.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when every field was valid, else an EINVALID *Error.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Some fields are invalid.", Fields: v.fields}
}
