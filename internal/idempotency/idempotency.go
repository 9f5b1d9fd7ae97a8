// Package idempotency makes a creating POST safe to repeat: with an
// Idempotency-Key header, the first response is stored and replayed for
// the same key and body; the same key with another body is refused. Keys
// are scoped to the caller.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

const idempotencyHeader = "Idempotency-Key"

var validIdempotencyKey = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

// CodeInProgress is the error code of a retry while the first request
// with its Idempotency-Key still runs.
const CodeInProgress = "idempotency_in_progress"

// Middleware stores and replays the responses of a signed-in caller's
// requests that carry an Idempotency-Key.
type Middleware struct {
	Records folio.IdempotencyService
	Intake  body.Intake // reads the body the key is bound to
	Logger  *slog.Logger
}

// Handle runs the request once per key and body and replays its response
// for a repeat. A response of 500 or more is not kept, so that a retry
// runs again.
func (s *Middleware) Handle(c *fiber.Ctx) error {
	key := c.Get(idempotencyHeader)
	if key == "" {
		return c.Next()
	}
	if !validIdempotencyKey.MatchString(key) {
		return &folio.Error{Code: folio.EBADREQUEST, Message: "The Idempotency-Key header is invalid.",
			Fields: []folio.FieldError{{Field: idempotencyHeader, Message: "must be 1-255 printable ASCII characters"}}}
	}
	body, err := s.Intake.Read(c)
	if err != nil {
		return err
	}
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	h.Write(body)
	hash := h.Sum(nil)

	userID := request.User(c).ID
	ctx := c.UserContext()
	rec, err := s.Records.BeginIdempotent(ctx, userID, key, hash)
	if err != nil {
		return err
	}
	if rec != nil {
		switch {
		case !bytes.Equal(rec.RequestHash, hash):
			return folio.Errorf(folio.EINVALID, "This Idempotency-Key was already used with a different request.")
		case rec.Status == 0:
			return folio.Errorf(CodeInProgress, "A request with this Idempotency-Key is still running; retry shortly.")
		}
		c.Set("Idempotent-Replayed", "true")
		c.Status(rec.Status)
		if rec.Status >= 400 {
			c.Set(fiber.HeaderContentType, "application/problem+json")
		} else {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		}
		return c.Send(rec.Body)
	}

	finished := false
	defer func() {
		// A panic (recovered further out) must not leave the key claimed
		// for a day: release it so that a retry runs.
		if !finished {
			_ = s.Records.AbandonIdempotent(context.WithoutCancel(ctx), userID, key)
		}
	}()
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	finished = true
	status := c.Response().StatusCode()
	if status >= 500 {
		// A failure on our side may succeed on retry: let the key run again.
		return s.Records.AbandonIdempotent(ctx, userID, key)
	}
	if err := s.Records.FinishIdempotent(ctx, userID, key, status, c.Response().Body()); err != nil {
		// The request itself succeeded and its answer is written; losing
		// the replay record only costs a later replay.
		s.Logger.Error("idempotency record not stored", "error", err, "request_id", request.ID(c))
		_ = s.Records.AbandonIdempotent(context.WithoutCancel(ctx), userID, key)
	}
	return nil
}
