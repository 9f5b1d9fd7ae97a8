package invite

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func TestParseEmails(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
		bad        bool
	}{
		{"one a line", "ada@school.edu\nbob@school.edu\n", []string{"ada@school.edu", "bob@school.edu"}, false},
		{"separators", "ada@school.edu, bob@school.edu; cy@school.edu\tdee@school.edu", []string{"ada@school.edu", "bob@school.edu", "cy@school.edu", "dee@school.edu"}, false},
		{"csv export with a header", "name,email,cohort\n\"Lovelace, Ada\",ada@school.edu,2026\nBob,bob@school.edu,2026\n", []string{"ada@school.edu", "bob@school.edu"}, false},
		{"duplicates whatever their case", "ada@school.edu\nADA@school.edu", []string{"ada@school.edu"}, false},
		{"angle brackets", "Ada <ada@school.edu>", []string{"ada@school.edu"}, false},
		{"a bad address", "ada@school.edu\nbob@", nil, true},
		{"none", "name,cohort\nAda,2026", nil, true},
		{"empty", "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEmails(tc.text)
			if tc.bad {
				if folio.ErrorCode(err) != folio.EINVALID {
					t.Fatalf("ParseEmails = %v, %v; want EINVALID", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("ParseEmails = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestParseEmailsIsBounded(t *testing.T) {
	var b strings.Builder
	for i := range MaxBatch + 1 {
		b.WriteString("person" + strconv.Itoa(i) + "@school.edu\n")
	}
	if _, err := ParseEmails(b.String()); folio.ErrorCode(err) != folio.EINVALID {
		t.Errorf("%d addresses: %v, want EINVALID", MaxBatch+1, err)
	}
	if _, err := ParseEmails(strings.Repeat("a", MaxListBytes+1)); folio.ErrorCode(err) != folio.EINVALID {
		t.Errorf("a list over %d bytes: %v, want EINVALID", MaxListBytes, err)
	}
}

func TestHandleBase(t *testing.T) {
	for _, tc := range []struct{ hint, email, want string }{
		{"Grace.Hopper", "g@navy.example", "grace-hopper"},
		{"", "ada_lovelace@example.com", "ada-lovelace"},
		{"octo-cat", "", "octo-cat"},
		{"ab", "", "ab0"},
		{"--Ünïcode__name--", "", "ncode-name"},
		{"a-very-long-handle-from-a-directory-service", "", "a-very-long-handle-from"},
		{"jane@school.edu", "", "jane"},
	} {
		got := handleBase(tc.hint, tc.email)
		if got != tc.want {
			t.Errorf("handleBase(%q, %q) = %q, want %q", tc.hint, tc.email, got, tc.want)
		}
		for _, h := range []string{got, got + "-20", got + "-" + randomSuffix()} {
			if err := (&folio.Registration{Email: "a@b.co", Password: "correct horse battery", Handle: h, DisplayName: "x"}).Validate(); err != nil && !folio.IsReservedHandle(h) {
				t.Errorf("handle %q (from %q) is not valid: %v", h, tc.hint, err)
			}
		}
	}
}
