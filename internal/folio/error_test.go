package folio_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func TestErrorCodeAndMessageSurviveWrapping(t *testing.T) {
	notFound := folio.Errorf(folio.ENOTFOUND, "Project %d not found.", 7)
	tests := []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
	}{
		{"nil", nil, "", ""},
		{"application error", notFound, folio.ENOTFOUND, "Project 7 not found."},
		{"wrapped once", fmt.Errorf("postgres: project 7: %w", notFound), folio.ENOTFOUND, "Project 7 not found."},
		{"wrapped twice", fmt.Errorf("delete: %w", fmt.Errorf("postgres: %w", notFound)), folio.ENOTFOUND, "Project 7 not found."},
		{"joined", errors.Join(errors.New("other"), notFound), folio.ENOTFOUND, "Project 7 not found."},
		{"any other error", errors.New("pq: relation does not exist"), folio.EINTERNAL, "Internal error."},
		{"other error wrapped", fmt.Errorf("postgres: list: %w", errors.New("boom")), folio.EINTERNAL, "Internal error."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := folio.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tt.wantCode)
			}
			if got := folio.ErrorMessage(tt.err); got != tt.wantMessage {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.wantMessage)
			}
		})
	}
}

func TestValidationErr(t *testing.T) {
	var v folio.Validation
	if err := v.Err(); err != nil {
		t.Fatalf("no fields added: Err = %v, want nil", err)
	}
	v.Add("title", "is required")
	v.Add("slug", "must be at most %d characters", 60)
	err := v.Err()
	var fe *folio.Error
	if !errors.As(err, &fe) || fe.Code != folio.EINVALID {
		t.Fatalf("Err = %v, want an EINVALID *folio.Error", err)
	}
	want := []folio.FieldError{{Field: "title", Message: "is required"}, {Field: "slug", Message: "must be at most 60 characters"}}
	if fmt.Sprint(fe.Fields) != fmt.Sprint(want) {
		t.Errorf("Fields = %v, want %v", fe.Fields, want)
	}
}

// fields returns the field names of a validation error, in order.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var fe *folio.Error
	if !errors.As(err, &fe) {
		t.Fatalf("%v is not a *folio.Error", err)
	}
	if fe.Code != folio.EINVALID {
		t.Fatalf("code %q, want %q", fe.Code, folio.EINVALID)
	}
	out := make([]string, len(fe.Fields))
	for i, f := range fe.Fields {
		out[i] = f.Field
	}
	return out
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
