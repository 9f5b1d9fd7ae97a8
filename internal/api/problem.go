package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/errtrack"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/idempotency"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
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

// The problem codes only HTTP has, beside the folio error codes. Clients
// switch on them (as the problem type's last segment); they never change.
const (
	CodeBadRequest           = "bad_request"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeRangeNotSatisfiable  = "range_not_satisfiable"
	// CodeTimeout is a request body that stopped arriving.
	CodeTimeout = body.CodeTimeout
	// CodeIdempotencyInProgress is a retry while the first request with its
	// Idempotency-Key still runs.
	CodeIdempotencyInProgress = idempotency.CodeInProgress
	// CodeUnavailable is a server at its limit of work in progress (uploads).
	CodeUnavailable = "unavailable"
	// CodeCSRF and CodeRenderTimeout are raised by the request plumbing the
	// site shares.
	CodeCSRF          = request.CodeCSRF
	CodeRenderTimeout = request.CodeRenderTimeout
	// codeOther is a Fiber error with a status no code names.
	codeOther = "error"
)

// codeStatus is the status of each code; a code not here is a 500.
var codeStatus = map[string]int{
	folio.ECONFLICT:           http.StatusConflict,
	folio.EINTERNAL:           http.StatusInternalServerError,
	folio.EINVALID:            http.StatusUnprocessableEntity,
	folio.ENOTFOUND:           http.StatusNotFound,
	folio.EUNAUTHORIZED:       http.StatusUnauthorized,
	folio.EFORBIDDEN:          http.StatusForbidden,
	folio.ETOOMANY:            http.StatusTooManyRequests,
	folio.ETOOLARGE:           http.StatusRequestEntityTooLarge,
	CodeBadRequest:            http.StatusBadRequest,
	CodeUnsupportedMediaType:  http.StatusUnsupportedMediaType,
	CodeCSRF:                  http.StatusForbidden,
	request.CodeReauth:        http.StatusForbidden,
	CodeIdempotencyInProgress: http.StatusConflict,
	CodeRenderTimeout:         http.StatusServiceUnavailable,
	CodeTimeout:               http.StatusRequestTimeout,
	CodeUnavailable:           http.StatusServiceUnavailable,
}

// statusCode maps Fiber's own errors (404 route, 405, 413 body) onto codes.
var statusCode = map[int]string{
	http.StatusBadRequest:                   CodeBadRequest,
	http.StatusNotFound:                     folio.ENOTFOUND,
	http.StatusMethodNotAllowed:             CodeMethodNotAllowed,
	http.StatusRequestEntityTooLarge:        folio.ETOOLARGE,
	http.StatusUnsupportedMediaType:         CodeUnsupportedMediaType,
	http.StatusTooManyRequests:              folio.ETOOMANY,
	http.StatusRequestTimeout:               CodeTimeout,
	http.StatusRequestedRangeNotSatisfiable: CodeRangeNotSatisfiable,
}

// ErrorHandler is Fiber's single place where an error becomes a response,
// for the API and the site alike: a problem+json body whose detail is the
// folio error's message, or "Internal error." for anything else, which is
// logged and reported instead.
func ErrorHandler(log *slog.Logger, tracker *errtrack.Tracker) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := problemFor(err)
		p.Instance = c.Path()
		if p.Status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed",
				"request_id", request.ID(c), "method", request.Method(c), "route", c.Route().Path, "error", err)
			tracker.Capture(err, map[string]string{"request_id": request.ID(c), "route": c.Route().Path})
		}
		return writeProblem(c, p)
	}
}

func problemFor(err error) Problem {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, ok := statusCode[fe.Code]
		if !ok {
			code = codeOther
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
	if status == http.StatusInternalServerError {
		// Whatever an internal error says (a query, a bucket, a key) is for
		// the log, never for the client.
		p.Detail = "Internal error."
		return p
	}
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
