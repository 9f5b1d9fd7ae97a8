package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/folio"
)

// problemTypeBase prefixes every problem type; the types are stable
// identifiers that clients may switch on, not links that must resolve.
const problemTypeBase = "https://folio.dev/problems/"

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string             `json:"type"`
	Title    string             `json:"title"`
	Status   int                `json:"status"`
	Detail   string             `json:"detail,omitempty"`
	Instance string             `json:"instance,omitempty"`
	Errors   []folio.FieldError `json:"errors,omitempty"`
}

var codeStatus = map[string]int{
	folio.ECONFLICT:           http.StatusConflict,
	folio.EINTERNAL:           http.StatusInternalServerError,
	folio.EINVALID:            http.StatusUnprocessableEntity,
	folio.ENOTFOUND:           http.StatusNotFound,
	folio.EUNAUTHORIZED:       http.StatusUnauthorized,
	folio.EFORBIDDEN:          http.StatusForbidden,
	folio.ETOOMANY:            http.StatusTooManyRequests,
	folio.ETOOLARGE:           http.StatusRequestEntityTooLarge,
	"bad_request":             http.StatusBadRequest,
	"unsupported_media_type":  http.StatusUnsupportedMediaType,
	"csrf":                    http.StatusForbidden,
	"idempotency_in_progress": http.StatusConflict,
	errRenderTimeout:          http.StatusServiceUnavailable,
	"timeout":                 http.StatusRequestTimeout,
	errUnavailable:            http.StatusServiceUnavailable,
}

// statusCode maps Fiber's own errors (404 route, 405, 413 body) onto codes.
var statusCode = map[int]string{
	http.StatusBadRequest:                   "bad_request",
	http.StatusNotFound:                     folio.ENOTFOUND,
	http.StatusMethodNotAllowed:             "method_not_allowed",
	http.StatusRequestEntityTooLarge:        folio.ETOOLARGE,
	http.StatusUnsupportedMediaType:         "unsupported_media_type",
	http.StatusTooManyRequests:              folio.ETOOMANY,
	http.StatusRequestTimeout:               "timeout",
	http.StatusRequestedRangeNotSatisfiable: "range_not_satisfiable",
}

// errorHandler is Fiber's single place where an error becomes a response.
func errorHandler(log *slog.Logger, tracker *errtrack.Tracker) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := problemFor(err)
		p.Instance = c.Path()
		if p.Status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed",
				"request_id", requestID(c), "method", requestMethod(c), "route", c.Route().Path, "error", err)
			tracker.Capture(err, map[string]string{"request_id": requestID(c), "route": c.Route().Path})
		}
		return writeProblem(c, p)
	}
}

func problemFor(err error) Problem {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, ok := statusCode[fe.Code]
		if !ok {
			code = "error"
		}
		detail := fe.Message
		if fe.Code >= 500 {
			detail = "Internal error."
		}
		if fe.Code == http.StatusRequestEntityTooLarge {
			detail = "The request body is too large."
		}
		return Problem{Type: problemTypeBase + code, Title: http.StatusText(fe.Code), Status: fe.Code, Detail: detail}
	}
	code := folio.ErrorCode(err)
	status, ok := codeStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	p := Problem{Type: problemTypeBase + code, Title: http.StatusText(status), Status: status, Detail: folio.ErrorMessage(err)}
	var ae *folio.Error
	if errors.As(err, &ae) {
		p.Errors = ae.Fields
	}
	return p
}

func writeProblem(c *fiber.Ctx, p Problem) error {
	c.Status(p.Status)
	if err := c.JSON(p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return nil
}
