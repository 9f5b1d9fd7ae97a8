package api

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

func TestProblemFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    error
		status int
		code   string
		detail string
	}{
		{folio.Errorf(folio.ENOTFOUND, "Project not found."), 404, folio.ENOTFOUND, "Project not found."},
		{&folio.Error{Code: CodeCSRF, Message: "no token"}, 403, CodeCSRF, "no token"},
		{folio.Errorf(CodeIdempotencyInProgress, "running"), 409, CodeIdempotencyInProgress, "running"},
		{folio.Errorf(CodeRenderTimeout, "slow"), 503, CodeRenderTimeout, "slow"},
		{fmt.Errorf("query: %w", errors.New(`pq: relation "users" does not exist`)), 500, folio.EINTERNAL, "Internal error."},
		{&folio.Error{Code: folio.EINTERNAL, Message: "bucket folio-media: access denied"}, 500, folio.EINTERNAL, "Internal error."},
		{fiber.ErrMethodNotAllowed, 405, CodeMethodNotAllowed, "Method Not Allowed"},
		{fiber.NewError(http.StatusRequestTimeout, "slow body"), 408, CodeTimeout, "slow body"},
	} {
		p := problemFor(tc.err)
		if p.Status != tc.status || p.Type != problemTypeBase+tc.code || p.Detail != tc.detail {
			t.Errorf("%v: got %d %s %q, want %d %s %q", tc.err, p.Status, p.Type, p.Detail, tc.status, tc.code, tc.detail)
		}
	}
}
