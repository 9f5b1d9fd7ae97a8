package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

const idempotencyHeader = "Idempotency-Key"

var validIdempotencyKey = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

// idempotent makes a creating POST safe to repeat: with an Idempotency-Key,
// the first response is stored and replayed for the same key and body; the
// same key with another body is refused. Keys are scoped to the caller.
func (s *API) idempotent(c *fiber.Ctx) error {
	key := c.Get(idempotencyHeader)
	if key == "" {
		return c.Next()
	}
	if !validIdempotencyKey.MatchString(key) {
		return &folio.Error{Code: CodeBadRequest, Message: "The Idempotency-Key header is invalid.",
			Fields: []folio.FieldError{{Field: idempotencyHeader, Message: "must be 1-255 printable ASCII characters"}}}
	}
	body, err := s.intake.Read(c)
	if err != nil {
		return err
	}
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	h.Write(body)
	hash := h.Sum(nil)

	userID := request.User(c).ID
	ctx := c.UserContext()
	rec, err := s.opts.Idempotency.BeginIdempotent(ctx, userID, key, hash)
	if err != nil {
		return err
	}
	if rec != nil {
		switch {
		case !bytes.Equal(rec.RequestHash, hash):
			return folio.Errorf(folio.EINVALID, "This Idempotency-Key was already used with a different request.")
		case rec.Status == 0:
			return folio.Errorf(CodeIdempotencyInProgress, "A request with this Idempotency-Key is still running; retry shortly.")
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
			_ = s.opts.Idempotency.AbandonIdempotent(context.WithoutCancel(ctx), userID, key)
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
		return s.opts.Idempotency.AbandonIdempotent(ctx, userID, key)
	}
	if err := s.opts.Idempotency.FinishIdempotent(ctx, userID, key, status, c.Response().Body()); err != nil {
		// The request itself succeeded and its answer is written; losing
		// the replay record only costs a later replay.
		s.log.Error("idempotency record not stored", "error", err, "request_id", request.ID(c))
		_ = s.opts.Idempotency.AbandonIdempotent(context.WithoutCancel(ctx), userID, key)
	}
	return nil
}
