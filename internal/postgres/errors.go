package postgres

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/folio"
)

// Messages of the ENOTFOUND errors, one per resource, so that every path
// to a missing row says the same.
const (
	msgUserNotFound    = "User not found."
	msgProjectNotFound = "Project not found."
	msgMediaNotFound   = "Media not found."
	msgSessionNotFound = "Session not found."
	msgTokenNotFound   = "Token not found."
	msgDeviceNotFound  = "Device not found."
	msgNoAPIDocs       = "No API docs were requested for this project."
)

// uniqueViolation returns the constraint name when err is a unique violation.
func uniqueViolation(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName, true
	}
	return "", false
}

// notFound is the one way this package reports a missing row: it turns
// sql.ErrNoRows (from a lookup, or from oneRow for a statement that
// changed nothing) into ENOTFOUND with message, and passes any other
// error, nil included, through for the caller to wrap.
func notFound(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &folio.Error{Code: folio.ENOTFOUND, Message: message}
	}
	return err
}

// oneRow turns the result of an UPDATE or DELETE that changed no row into
// sql.ErrNoRows, for notFound.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
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
