package postgres

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/folio"
)

// uniqueViolation returns the constraint name when err is a unique violation.
func uniqueViolation(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName, true
	}
	return "", false
}

// notFound turns sql.ErrNoRows into ENOTFOUND with message, and passes
// other errors through.
func notFound(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &folio.Error{Code: folio.ENOTFOUND, Message: message}
	}
	return err
}

func conflict(field, message string) error {
	return &folio.Error{Code: folio.ECONFLICT, Message: message, Fields: []folio.FieldError{{Field: field, Message: message}}}
}

// pgStringArray passes a []string as a PostgreSQL text[] argument.
func pgStringArray(v []string) any {
	if v == nil {
		v = []string{}
	}
	return pgdialect.Array(v)
}
