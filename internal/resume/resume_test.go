package resume_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/resume"
	"github.com/foliohq/folio/internal/testenv"
)

var base = &url.URL{Scheme: "https", Host: "folio.example"}

func portfolio() *folio.Portfolio {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	owner := &folio.User{ID: 7, Email: "zoe@example.com", UpdatedAt: t0, Profile: folio.Profile{
		Handle: "zoe", DisplayName: "Zoë Łukasiewicz", Headline: "Backend engineer", Bio: "I build **reliable** backends.",
		Location: "Kraków, Poland", GitHubURL: "https://github.com/zoel", LinkedInURL: "https://www.linkedin.com/in/zoe-l/", ShowEmail: true}}
	return &folio.Portfolio{Owner: owner, AvatarKey: "k3y",
		Featured: []*folio.Project{{ID: 1, Slug: "orders-api", Title: "Orders API", Tagline: "Never loses an order.",
			PitchProblem: "Orders were lost.", PitchApproach: "An outbox.", PitchResult: "None lost in a year.",
			TechTags: []string{"Go", "PostgreSQL"}, DemoURL: "https://orders.example.com", UpdatedAt: t0.Add(time.Hour)}},
		Others: []*folio.Project{{ID: 2, Slug: "dasha", Title: "Дарья's search", TechTags: []string{"go", "Bleve"}, UpdatedAt: t0}},
	}
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestExportValidatesAgainstSchema: the export of a portfolio is valid
// JSON Resume by the vendored official schema, says what the portfolio
// says, and an import of it maps it back.
func TestExportValidatesAgainstSchema(t *testing.T) {
	r := resume.Export(portfolio(), base)
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := resume.Validate(decode(t, raw)); err != nil {
		t.Fatalf("export is not valid JSON Resume: %v (%+v)\n%s", err, err, raw)
	}
	if r.Basics.Name != "Zoë Łukasiewicz" || r.Basics.Label != "Backend engineer" || r.Basics.Email != "zoe@example.com" {
		t.Errorf("basics = %+v", r.Basics)
	}
	if r.Basics.Location == nil || r.Basics.Location.City != "Kraków" || r.Basics.Location.Region != "Poland" {
		t.Errorf("location = %+v", r.Basics.Location)
	}
	if r.Basics.Image != "https://folio.example/media/k3y/thumbnail" || r.Basics.URL != "https://folio.example/zoe" {
		t.Errorf("image %q, url %q", r.Basics.Image, r.Basics.URL)
	}
	var networks []string
	for _, p := range r.Basics.Profiles {
		networks = append(networks, p.Network+"="+p.Username)
	}
	if want := []string{"Folio=zoe", "GitHub=zoel", "LinkedIn=zoe-l"}; !slices.Equal(networks, want) {
		t.Errorf("profiles %v, want %v", networks, want)
	}
	if len(r.Projects) != 2 || r.Projects[0].Name != "Orders API" || r.Projects[1].Name != "Дарья's search" {
		t.Fatalf("projects = %+v", r.Projects)
	}
	if got := r.Projects[0].Highlights; !slices.Equal(got, []string{"Orders were lost.", "An outbox.", "None lost in a year."}) {
		t.Errorf("highlights = %q", got)
	}
	if r.Projects[0].URL != "https://folio.example/zoe/orders-api" || r.Projects[0].Description != "Never loses an order." {
		t.Errorf("project 0 = %+v", r.Projects[0])
	}
	// Skills are the tech tags, case aside, the most used first.
	var skills []string
	for _, s := range r.Skills {
		skills = append(skills, s.Name+":"+strings.Join(s.Keywords, "+"))
	}
	if want := []string{"Go:Orders API+Дарья's search", "PostgreSQL:Orders API", "Bleve:Дарья's search"}; !slices.Equal(skills, want) {
		t.Errorf("skills %q, want %q", skills, want)
	}
	if r.Meta.LastModified != "2026-11-01T10:00:00" || r.Meta.Canonical != "https://folio.example/zoe/resume.json" {
		t.Errorf("meta = %+v", r.Meta)
	}

	plan, err := resume.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Projects) != 2 {
		t.Fatalf("round trip: %d projects", len(plan.Projects))
	}
	p := plan.Projects[0]
	if *p.Title != "Orders API" || *p.Tagline != "Never loses an order." || *p.PitchProblem != "Orders were lost." ||
		*p.PitchApproach != "An outbox." || *p.PitchResult != "None lost in a year." || !slices.Equal(*p.TechTags, []string{"Go", "PostgreSQL"}) {
		t.Errorf("round trip project = %+v", p)
	}
	if *plan.Profile.DisplayName != "Zoë Łukasiewicz" || *plan.Profile.Location != "Kraków, Poland" || *plan.Profile.Bio != "I build **reliable** backends." {
		t.Errorf("round trip profile = %+v", plan.Profile)
	}
}

// TestValidateRefusesWithReasons: the validator's reason comes with the
// field it is about.
func TestValidateRefusesWithReasons(t *testing.T) {
	err := resume.Validate(decode(t, []byte(`{"basics":{"email":"not an address","url":"::"},"work":[{"startDate":"last May"}],"projects":{}}`)))
	fields := fieldsOf(t, err)
	for _, f := range []string{"/basics/email", "/work/0/startDate", "/projects"} {
		if fields[f] == "" {
			t.Errorf("no reason for %s in %v", f, fields)
		}
	}
	if !strings.Contains(fields["/basics/email"], "email") {
		t.Errorf("reason for the email: %q", fields["/basics/email"])
	}
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var fe *folio.Error
	if !errors.As(err, &fe) || fe.Code != folio.EINVALID {
		t.Fatalf("error %v (%T), want EINVALID", err, err)
	}
	out := map[string]string{}
	for _, f := range fe.Fields {
		out[f.Field] = f.Message
	}
	return out
}

// TestParseSampleMapsAndListsSkipped: the sample file has every section
// of JSON Resume. What Folio has a place for is mapped; every other field
// of the file is listed as skipped, with a reason, and nothing is both.
func TestParseSampleMapsAndListsSkipped(t *testing.T) {
	raw, err := os.ReadFile("testdata/full.resume.json")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := resume.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	pr := plan.Profile
	checks := map[string][2]string{
		"display_name":   {deref(pr.DisplayName), "Zoë Łukasiewicz"},
		"headline":       {deref(pr.Headline), "Backend engineer: payments and queues"},
		"bio":            {deref(pr.Bio), "I build **boring**, reliable backends.\n\nTen years of Go and PostgreSQL."},
		"links.website":  {deref(pr.WebsiteURL), "https://zoe.example.com"},
		"location":       {deref(pr.Location), "Kraków, Lesser Poland, PL"},
		"links.github":   {deref(pr.GitHubURL), "https://github.com/zoel"},
		"links.linkedin": {deref(pr.LinkedInURL), "https://www.linkedin.com/in/zoe-l"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
		if !slices.Contains(plan.ProfileFields, name) {
			t.Errorf("ProfileFields %v lacks %s", plan.ProfileFields, name)
		}
	}
	if len(plan.Projects) != 2 {
		t.Fatalf("%d projects, want 2", len(plan.Projects))
	}
	orders, search := plan.Projects[0], plan.Projects[1]
	if *orders.Visibility != folio.VisibilityDraft || *search.Visibility != folio.VisibilityDraft {
		t.Error("imported projects must be drafts")
	}
	if *orders.Title != "Orders API" || *orders.Tagline != "An order service that never loses an order." ||
		*orders.PitchProblem != "Orders were lost when the broker restarted." || *orders.PitchResult != "Zero lost orders in a year; p99 80 ms." ||
		*orders.RepositoryURL != "https://github.com/zoel/orders" || orders.DemoURL != nil ||
		!slices.Equal(*orders.TechTags, []string{"Go", "PostgreSQL", "Redis"}) ||
		!strings.Contains(deref(orders.Description), "- Open-sourced the outbox library.") {
		t.Errorf("orders = %+v (description %q)", orders, deref(orders.Description))
	}
	// A long description is the description, not the tagline; a url off
	// the code hosts is the demo.
	if search.Tagline != nil || !strings.HasPrefix(deref(search.Description), "Full-text search") || *search.DemoURL != "https://search.example.com" {
		t.Errorf("search = %+v", search)
	}

	mapped := []string{"basics.name", "basics.label", "basics.summary", "basics.url", "basics.location.city", "basics.location.region",
		"basics.location.countryCode", "basics.profiles[0].network", "basics.profiles[0].url", "basics.profiles[0].username",
		"basics.profiles[1].network", "basics.profiles[1].username", "$schema"}
	for i, n := range []int{4, 1} {
		for _, f := range []string{"name", "description", "keywords[0]", "keywords[1]", "url"} {
			mapped = append(mapped, fmt.Sprintf("projects[%d].%s", i, f))
		}
		for h := range n {
			mapped = append(mapped, fmt.Sprintf("projects[%d].highlights[%d]", i, h))
		}
	}
	mapped = append(mapped, "projects[0].keywords[2]")
	skipped := map[string]string{}
	for _, s := range plan.Skipped {
		if s.Reason == "" {
			t.Errorf("%s skipped without a reason", s.Field)
		}
		skipped[s.Field] = s.Reason
	}
	for _, f := range mapped {
		if r, ok := skipped[f]; ok && f != "basics.profiles[0].username" {
			t.Errorf("%s is mapped but listed as skipped (%s)", f, r)
		}
	}
	// Every leaf of the file is mapped or skipped.
	var leaves []string
	walk("", decode(t, raw), &leaves)
	for _, l := range leaves {
		if _, ok := skipped[l]; !ok && !slices.Contains(mapped, l) {
			t.Errorf("%s is neither mapped nor listed as skipped", l)
		}
	}
	for _, f := range []string{"basics.email", "basics.phone", "basics.image", "basics.location.address", "basics.location.postalCode",
		"basics.profiles[2].network", "work[0].highlights[1]", "education[0].courses[0]", "skills[0].level", "references[0].name",
		"volunteer[0].organization", "awards[0].awarder", "certificates[0].issuer", "publications[0].url", "languages[1].fluency",
		"interests[0].keywords[0]", "meta.canonical", "projects[0].startDate", "projects[0].roles[0]", "projects[0].entity", "projects[0].type"} {
		if skipped[f] == "" {
			t.Errorf("%s not listed as skipped", f)
		}
	}
	if !strings.Contains(skipped["basics.email"], "sign in") || !strings.Contains(skipped["work[0].name"], "work history") {
		t.Errorf("reasons: email %q, work %q", skipped["basics.email"], skipped["work[0].name"])
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// walk lists the leaf paths of a decoded document, as the report names them.
func walk(path string, v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walk(p, v[k], out)
		}
	case []any:
		for i, e := range v {
			walk(path+"["+strconv.Itoa(i)+"]", e, out)
		}
	default:
		*out = append(*out, path)
	}
}

// TestParseRefuses: what is not a JSON Resume, or is too big, is refused
// with a reason and nothing mapped.
func TestParseRefuses(t *testing.T) {
	many := `{"projects":[` + strings.TrimSuffix(strings.Repeat(`{"name":"p"},`, resume.MaxImportProjects+1), ",") + `]}`
	huge := `{"basics":{"summary":"` + strings.Repeat("a", resume.MaxImportBytes) + `"}}`
	tests := []struct {
		name, body, code, field string
	}{
		{"not JSON", `{"basics": `, folio.EINVALID, ""},
		{"not UTF-8", "{\"basics\":{\"name\":\"\xff\"}}", folio.EINVALID, ""},
		{"an array", `[]`, folio.EINVALID, "/"},
		{"bad email", `{"basics":{"email":"zoe at example"}}`, folio.EINVALID, "/basics/email"},
		{"bad date", `{"work":[{"name":"x","startDate":"May 2020"}]}`, folio.EINVALID, "/work/0/startDate"},
		{"name not text", `{"basics":{"name":42}}`, folio.EINVALID, "/basics/name"},
		{"too many projects", many, folio.EINVALID, "/projects"},
		{"too large", huge, folio.ETOOLARGE, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := resume.Parse(strings.NewReader(tt.body))
			if plan != nil || folio.ErrorCode(err) != tt.code {
				t.Fatalf("plan %v, error %v; want code %s", plan, err, tt.code)
			}
			if tt.field != "" {
				if fields := fieldsOf(t, err); fields[tt.field] == "" {
					t.Errorf("no reason for %s: %v", tt.field, fields)
				}
			}
		})
	}
}

// TestImportCreatesDraftsOnce imports the sample into a real account: the
// profile takes its fields, its projects are drafts, and importing it
// again adds no project twice.
func TestImportCreatesDraftsOnce(t *testing.T) {
	ctx := context.Background()
	db := testenv.Postgres(t)
	users, projects := postgres.NewUserService(db), postgres.NewProjectService(db)
	u := &folio.User{Email: "zoe@example.com", PasswordHash: "x", Profile: folio.Profile{Handle: "zoe", DisplayName: "Z"}}
	if err := users.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	im := &resume.Importer{Users: users, Projects: projects}
	open := func() *os.File {
		f, err := os.Open("testdata/full.resume.json")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	rep, err := im.Import(ctx, u.ID, open())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Projects) != 2 || len(rep.Profile) != 7 {
		t.Fatalf("report: %d projects, profile %v", len(rep.Projects), rep.Profile)
	}
	got, err := users.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Zoë Łukasiewicz" || got.Location != "Kraków, Lesser Poland, PL" || got.Email != "zoe@example.com" {
		t.Errorf("profile after import: %+v", got.Profile)
	}
	page, err := projects.Projects(ctx, u.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Projects) != 2 {
		t.Fatalf("%d projects stored", len(page.Projects))
	}
	for _, p := range page.Projects {
		if p.Visibility != folio.VisibilityDraft {
			t.Errorf("%s is %s, want a draft", p.Title, p.Visibility)
		}
	}
	pf, err := projects.Portfolio(ctx, "zoe")
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Featured)+len(pf.Others) != 0 {
		t.Error("an import published projects")
	}

	again, err := im.Import(ctx, u.ID, open())
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Projects) != 0 {
		t.Errorf("second import created %d projects", len(again.Projects))
	}
	var dup int
	for _, s := range again.Skipped {
		if strings.Contains(s.Reason, "already have a project") {
			dup++
		}
	}
	if dup != 2 {
		t.Errorf("second import reported %d duplicates, want 2: %+v", dup, again.Skipped)
	}
}

// TestSkipsNameTheirReason: every skipped field carries the code of its
// reason (a page says it in its reader's language by the code), and the
// English reason the API answers is that code's.
func TestSkipsNameTheirReason(t *testing.T) {
	raw, err := os.ReadFile("testdata/full.resume.json")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := resume.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, s := range plan.Skipped {
		reason, ok := resume.Reasons[s.Code]
		if !ok {
			t.Errorf("%s skipped with code %q, which has no reason", s.Field, s.Code)
			continue
		}
		if !strings.Contains(reason, "%") && s.Reason != reason {
			t.Errorf("%s: reason %q, want %q", s.Field, s.Reason, reason)
		}
		codes[s.Code] = true
	}
	for _, c := range []string{"work", "skills", "email", "phone", "image", "street_address", "other_network", "dates", "roles"} {
		if !codes[c] {
			t.Errorf("no field of the sample skipped for %q", c)
		}
	}
	b, err := json.Marshal(plan.Skipped[0])
	if err != nil || strings.Contains(string(b), "code") || strings.Contains(string(b), "Value") {
		t.Errorf("a skip's JSON is %s (%v): the code stays out of the API", b, err)
	}
}

// TestRefusalsKeepTheAPIError: a refused file is still the application
// error the API answers (code, English message, fields), and names its
// reason for the dashboard.
func TestRefusalsKeepTheAPIError(t *testing.T) {
	for _, c := range []struct {
		file, reason, code, message string
	}{
		{"\xff\xfe", "not_utf8", folio.EINVALID, "The file is not UTF-8 text."},
		{`[1]`, "invalid", folio.EINVALID, "This file is not a valid JSON Resume: see each field's reason."},
		{`{"basics":{"email":"nope"}}`, "invalid", folio.EINVALID, "This file is not a valid JSON Resume: see each field's reason."},
		{strings.Repeat(" ", resume.MaxImportBytes+1), "too_large", folio.ETOOLARGE, "A JSON Resume file may be at most 1024 KiB."},
	} {
		_, err := resume.Parse(strings.NewReader(c.file))
		var ref *resume.Refusal
		if !errors.As(err, &ref) || ref.Reason != c.reason {
			t.Errorf("%.20q: %v, want refusal %s", c.file, err, c.reason)
			continue
		}
		if folio.ErrorCode(err) != c.code || folio.ErrorMessage(err) != c.message {
			t.Errorf("%.20q: %s %q, want %s %q", c.file, folio.ErrorCode(err), folio.ErrorMessage(err), c.code, c.message)
		}
	}
}
