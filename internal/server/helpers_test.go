package server_test

import (
	"io"
	"log/slog"
	"strconv"

	"github.com/foliohq/folio/internal/folio"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func registration(handle string) folio.Registration {
	return folio.Registration{Email: handle + "@example.com", Password: "correct horse battery", Handle: handle, DisplayName: handle}
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))
