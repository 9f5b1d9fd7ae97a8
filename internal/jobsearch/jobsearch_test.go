package jobsearch

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/foliohq/folio/internal/folio"
)

func ptr[T any](v T) *T { return &v }

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in    string
		order DateOrder
	}{
		{"2026-11-25", DateOrderAuto}, {"2026/11/25", DateOrderAuto}, {"2026-11-25 00:00:00", DateOrderAuto},
		{"25/11/2026", DateOrderDayFirst}, {"11/25/2026", DateOrderMonthFirst}, {"25.11.2026", DateOrderAuto},
		{"Nov 25, 2026", DateOrderAuto}, {"November 25 2026", DateOrderAuto}, {"25 Nov 2026", DateOrderAuto},
		{"25-Nov-2026", DateOrderAuto}, {"25th November 2026", DateOrderAuto}, {"25/11/26", DateOrderDayFirst},
	} {
		got, err := parseDate(tc.in, tc.order)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v", tc.in, got, err)
		}
	}
	for _, in := range []string{"31/02/2026", "2026-13-01", "03/04/2026", "tomorrow", "Foo 25, 2026", "1900-01-01"} {
		if _, err := parseDate(in, DateOrderAuto); err == nil {
			t.Errorf("parseDate(%q) accepted", in)
		}
	}
	if got, err := parseDate("04/04/2026", DateOrderAuto); err != nil || got.Month() != 4 {
		t.Errorf("a date whose day and month are equal is not ambiguous: %v, %v", got, err)
	}
}

func TestParseCSVWithBOMSynonymsAndLocalDates(t *testing.T) {
	file := "\uFEFFCompany name;Job title;Date applied;Next steps;Due date;Link;Status;Contacts;Salary;Owner\r\n" +
		"Acme;Backend;03/04/2026;Call back;25/11/2026;https://acme.example/jobs/1;Phone screen;\"Jo <jo@acme.example> https://in.example/jo; Sam\";\"85,000 - 95k\";me\r\n" +
		";;;;;;;;;\r\n" +
		"Globex;;Nov 2, 2026;;;;;;;\r\n"
	ins, err := ParseCSV(strings.NewReader(file), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 {
		t.Fatalf("%d applications; want 2 (the blank row skipped)", len(ins))
	}
	a := ins[0]
	if *a.Company != "Acme" || *a.Role != "Backend" || *a.NextStep != "Call back" || *a.Status != folio.StatusScreening ||
		!a.AppliedOn.Equal(time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC)) || !a.NextStepDue.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) ||
		**a.SalaryMin != 85000 || **a.SalaryMax != 95000 || *a.PostingURL != "https://acme.example/jobs/1" {
		t.Fatalf("row 1 = %+v", a)
	}
	wantContacts := []folio.Contact{{Name: "Jo", Email: "jo@acme.example", URL: "https://in.example/jo"}, {Name: "Sam"}}
	if !reflect.DeepEqual(*a.Contacts, wantContacts) {
		t.Fatalf("contacts = %+v", *a.Contacts)
	}
	if *ins[1].Company != "Globex" || ins[1].Status != nil {
		t.Fatalf("row 2 = %+v", ins[1])
	}
}

func TestParseCSVReportsEveryBadRowByLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("Company,Date applied,Status,Posting URL\n")
	for i := 2; i <= 10; i++ {
		switch i {
		case 7:
			b.WriteString("Seven,2026-02-31,applied,\n")
		case 9:
			b.WriteString(",2026-01-01,lost,javascript:alert(1)\n")
		default:
			fmt.Fprintf(&b, "Company %d,2026-01-%02d,applied,\n", i, i)
		}
	}
	_, err := ParseCSV(strings.NewReader(b.String()), ImportOptions{})
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v; want an ImportError", err)
	}
	got := fmt.Sprint(ie.Rows)
	want := `[{7 Date applied "2026-02-31" is not a day of the calendar} {9 Status "lost" is not a status; use wishlist, applied, screening, interview, offer, accepted, rejected or withdrawn}]`
	if got != want || ie.Total != 2 {
		t.Fatalf("rows = %s (total %d)\nwant %s", got, ie.Total, want)
	}
	// Once the cells parse, validation names the column as the file does.
	_, err = ParseCSV(strings.NewReader("company,POSTING url\n,javascript:alert(1)\n"), ImportOptions{})
	if !errors.As(err, &ie) || len(ie.Rows) != 2 || ie.Rows[0].Line != 2 || ie.Rows[1].Field != "POSTING url" {
		t.Fatalf("err = %+v", err)
	}
}

func TestParseCSVRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		file string
		line int
	}{
		"no company column":   {"Role,Status\nx,applied\n", 1},
		"empty":               {"", 1},
		"not UTF-8":           {"Company\nAcme\nCaf\xe9\n", 3},
		"ambiguous dates":     {"Company,Date applied\nA,03/04/2026\n", 2},
		"mixed orders":        {"Company,Date applied\nA,25/11/2026\nB,11/25/2026\n", 3},
		"stray quote":         {"Company,Role\nA,\"x\"y\n", 2},
		"duplicate column":    {"Company,Company name\nA,B\n", 1},
		"unknown project":     {"Company,Projects\nA,orders\n", 2},
		"huge cell":           {"Company,Notes\nA," + strings.Repeat("x", maxCellBytes+1) + "\n", 2},
		"salary min over max": {"Company,Salary min,Salary max\nA,100,50\n", 2},
	} {
		_, err := ParseCSV(strings.NewReader(tc.file), ImportOptions{})
		var ie *ImportError
		if !errors.As(err, &ie) || ie.Rows[0].Line != tc.line {
			t.Errorf("%s: err = %v; want an ImportError on line %d", name, err, tc.line)
		}
	}
	if _, err := ParseCSV(strings.NewReader("Company,Date applied\nA,03/04/2026\n"), ImportOptions{DateOrder: DateOrderMonthFirst}); err != nil {
		t.Errorf("a chosen order did not settle the ambiguity: %v", err)
	}
	rows := "Company\n" + strings.Repeat("A\n", MaxImportRows+1)
	if _, err := ParseCSV(strings.NewReader(rows), ImportOptions{}); folio.ErrorCode(err) != folio.ETOOLARGE {
		t.Errorf("%d rows: err = %v; want ETOOLARGE", MaxImportRows+1, err)
	}
	big := bytes.Repeat([]byte("x"), MaxImportBytes+1)
	if _, err := ParseCSV(bytes.NewReader(big), ImportOptions{}); folio.ErrorCode(err) != folio.ETOOLARGE {
		t.Errorf("a file over %d bytes: err = %v; want ETOOLARGE", MaxImportBytes, err)
	}
	var many strings.Builder
	many.WriteString("Company,Status\n")
	for range 500 {
		many.WriteString("A,lost\n")
	}
	var ie *ImportError
	if _, err := ParseCSV(strings.NewReader(many.String()), ImportOptions{}); !errors.As(err, &ie) || len(ie.Rows) != MaxReportedErrors || ie.Total != 500 {
		t.Errorf("500 bad rows: %v", err)
	}
}

func TestCSVRoundTripEscapesFormulas(t *testing.T) {
	apps := []*folio.Application{{
		ID: 1, Company: "=HYPERLINK(\"http://evil.example\",\"x\")", Role: "+1 engineer", PostingURL: "https://acme.example/jobs?a=1;b=2",
		AppliedOn: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Status: folio.StatusInterview, NextStep: "@mention the recruiter",
		NextStepDue: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), InterviewAt: time.Date(2026, 12, 2, 14, 30, 0, 0, time.UTC),
		Contacts: []folio.Contact{{Name: "Jo Ann", Email: "jo@acme.example", URL: "https://in.example/jo;x"}, {Email: "hr@acme.example"}},
		Notes:    "- first\n- second, \"quoted\"\n\t'tab", SalaryMin: ptr(80000), SalaryMax: ptr(95000), SalaryCurrency: "EUR",
		ProjectIDs: []int64{7, 9, 8},
	}, {ID: 2, Company: "'quoted", Status: folio.StatusWishlist, Notes: "\tleading tab", Contacts: []folio.Contact{}, ProjectIDs: []int64{}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, apps, map[int64]string{7: "orders", 9: "chat"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFFCompany,Role,") || !strings.Contains(out, "\r\n") {
		t.Fatalf("export does not start with a BOM and the header, or lacks CRLF: %q", out[:40])
	}
	for _, cell := range []string{`"'=HYPERLINK(""http://evil.example"",""x"")"`, "'+1 engineer", "'@mention", `"'- first`, "''quoted", "'\tleading"} {
		if !strings.Contains(out, cell) {
			t.Errorf("export lacks the escaped cell %q:\n%s", cell, out)
		}
	}
	ins, err := ParseCSV(&buf, ImportOptions{Projects: map[string]int64{"orders": 70, "chat": 90}})
	if err != nil {
		t.Fatal(err)
	}
	a := ins[0]
	a.Normalize()
	if *a.Company != apps[0].Company || *a.Role != apps[0].Role || *a.PostingURL != apps[0].PostingURL || *a.NextStep != apps[0].NextStep ||
		*a.Notes != apps[0].Notes || !a.AppliedOn.Equal(apps[0].AppliedOn) || !a.NextStepDue.Equal(apps[0].NextStepDue) ||
		!a.InterviewAt.Equal(apps[0].InterviewAt) || *a.Status != apps[0].Status || **a.SalaryMin != 80000 || **a.SalaryMax != 95000 ||
		*a.SalaryCurrency != "EUR" || fmt.Sprint(*a.ProjectIDs) != "[70 90]" {
		t.Fatalf("read back %+v", a)
	}
	wantContacts := []folio.Contact{{Name: "Jo Ann", Email: "jo@acme.example", URL: "https://in.example/jo%3Bx"}, {Email: "hr@acme.example"}}
	if !reflect.DeepEqual(*a.Contacts, wantContacts) {
		t.Fatalf("contacts = %+v", *a.Contacts)
	}
	if *ins[1].Company != "'quoted" || *ins[1].Notes != "\tleading tab" {
		t.Fatalf("row 2 = %q, %q", *ins[1].Company, *ins[1].Notes)
	}
}

func TestCalendarParsesWithOneEventPerDueStep(t *testing.T) {
	updated := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	apps := []*folio.Application{
		{ID: 1, Company: "Acme, Inc.", Role: "Backend; Payments", NextStep: "Send the take-home\nwith tests", Status: folio.StatusScreening,
			NextStepDue: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), InterviewAt: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), UpdatedAt: updated,
			PostingURL: "https://acme.example/jobs/" + strings.Repeat("long-", 30)},
		{ID: 2, Company: "Globex", NextStepDue: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: updated},
		{ID: 3, Company: "Initech", UpdatedAt: updated},
	}
	var buf bytes.Buffer
	opts := CalendarOptions{Host: "folio.example", Name: "Folio follow-ups", ApplicationURL: func(id int64) string {
		return fmt.Sprintf("https://folio.example/dashboard/applications/%d", id)
	}}
	if err := WriteCalendar(&buf, apps, opts); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 || strings.Contains(line, "\n") {
			t.Fatalf("line of %d octets or with a bare LF: %q", len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 3 {
		t.Fatalf("%d events; want the two due steps and the interview", len(events))
	}
	byUID := map[string]*ics.VEvent{}
	for _, e := range events {
		byUID[e.Id()] = e
		if stamp, err := e.GetDtStampTime(); err != nil || !stamp.Equal(updated) {
			t.Errorf("%s: DTSTAMP %v, %v", e.Id(), stamp, err)
		}
	}
	step := byUID["application-1-next-step@folio.example"]
	if step == nil {
		t.Fatalf("no stable UID for the next step: %v", byUID)
	}
	if got := ics.FromText(step.GetProperty(ics.ComponentPropertySummary).Value); got != "Send the take-home\nwith tests — Backend; Payments at Acme, Inc." {
		t.Fatalf("summary = %q", got)
	}
	if day, err := step.GetAllDayStartAt(); err != nil || day.Format(time.DateOnly) != "2026-11-25" {
		t.Fatalf("all-day start %v, %v", day, err)
	}
	iv := byUID["application-1-interview@folio.example"]
	if start, err := iv.GetStartAt(); err != nil || !start.Equal(apps[0].InterviewAt) {
		t.Fatalf("interview start %v, %v", start, err)
	}
	if desc := ics.FromText(iv.GetProperty(ics.ComponentPropertyDescription).Value); !strings.Contains(desc, apps[0].PostingURL) {
		t.Fatalf("the folded description lost the posting link: %q", desc)
	}
	// The same applications give the same bytes; a moved due date changes them.
	var again bytes.Buffer
	_ = WriteCalendar(&again, apps, opts)
	if again.String() != raw {
		t.Fatal("the feed is not stable for unchanged applications")
	}
}
