package resume

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/foliohq/folio/internal/folio"
)

// Field limits of folio.ProjectInput that the mapping routes text by.
const (
	maxTagline   = 160
	maxPitchPart = 1000
	maxTitle     = 100
)

// codeHosts are where a project's url is its code rather than its demo.
var codeHosts = map[string]bool{"github.com": true, "gitlab.com": true, "bitbucket.org": true, "codeberg.org": true, "sr.ht": true, "git.sr.ht": true}

// mapProjects makes each project a draft: name → title; a short
// description → tagline, a long one → description; the first three
// highlights → the pitch's problem, approach and result (as Folio's
// export writes them), more → a list in the description; keywords →
// tech tags; url → the code link on a code host, else the live demo.
func (p *Plan) mapProjects(top map[string]any) {
	ps, ok := top["projects"].([]any)
	if !ok {
		return
	}
	delete(top, "projects")
	for i, e := range ps {
		path := fmt.Sprintf("projects[%d]", i)
		m, ok := e.(map[string]any)
		if !ok {
			p.skipAll(path, e, "not_project")
			continue
		}
		title := take(m, "name")
		if title == "" {
			p.skipAll(path, m, "unnamed")
			continue
		}
		if utf8.RuneCountInString(title) > maxTitle {
			p.skipAll(path+".name", title, "title_too_long", strconv.Itoa(maxTitle))
			p.skipAll(path, m, "not_imported")
			continue
		}
		draft := folio.VisibilityDraft
		in := folio.ProjectInput{Title: &title, Visibility: &draft}
		var description []string
		if d := take(m, "description"); utf8.RuneCountInString(d) > maxTagline {
			description = append(description, d)
		} else if d != "" {
			in.Tagline = &d
		}
		if hs, ok := m["highlights"].([]any); ok {
			delete(m, "highlights")
			var extra []string
			parts := []**string{&in.PitchProblem, &in.PitchApproach, &in.PitchResult}
			for _, h := range hs {
				s, _ := h.(string)
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				if len(parts) > 0 && utf8.RuneCountInString(s) <= maxPitchPart {
					*parts[0] = &s
					parts = parts[1:]
				} else {
					extra = append(extra, "- "+strings.ReplaceAll(s, "\n", " "))
				}
			}
			if len(extra) > 0 {
				description = append(description, "Highlights:\n\n"+strings.Join(extra, "\n"))
			}
		}
		if len(description) > 0 {
			d := strings.Join(description, "\n\n")
			in.Description = &d
		}
		if ks, ok := m["keywords"].([]any); ok {
			delete(m, "keywords")
			p.mapKeywords(path, ks, &in)
		}
		if link := take(m, "url"); link != "" {
			if u, err := url.Parse(link); err == nil && codeHosts[strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")] {
				in.RepositoryURL = &link
			} else {
				in.DemoURL = &link
			}
		}
		p.checkProject(path, &in)
		codes := map[string]string{"startDate": "dates", "endDate": "dates", "roles": "roles", "entity": "entity", "type": "type"}
		for _, k := range sortedKeys(m) {
			code, ok := codes[k]
			if !ok {
				code = "project_field"
			}
			p.skipAll(path+"."+k, m[k], code)
		}
		p.Projects = append(p.Projects, in)
		p.ProjectFields = append(p.ProjectFields, path)
	}
}

// mapKeywords keeps the keywords Folio's tags allow, and skips the rest.
func (p *Plan) mapKeywords(path string, ks []any, in *folio.ProjectInput) {
	var tags []string
	for j, k := range ks {
		s, _ := k.(string)
		s = strings.TrimSpace(s)
		field := fmt.Sprintf("%s.keywords[%d]", path, j)
		switch {
		case s == "":
		case len(tags) >= 12:
			p.skip(field, "too_many_tags")
		case utf8.RuneCountInString(s) > 30:
			p.skip(field, "tag_too_long")
		default:
			tags = append(tags, s)
		}
	}
	if len(tags) > 0 {
		in.TechTags = &tags
	}
}

// checkProject drops each field Folio's validation refuses (a link that
// is not http or https, say), skipping it with the reason.
func (p *Plan) checkProject(path string, in *folio.ProjectInput) {
	in.Normalize()
	err := in.Validate(true)
	var fe *folio.Error
	if err == nil || !errors.As(err, &fe) {
		return
	}
	fields := map[string]struct {
		ptr  **string
		from string
	}{
		"tagline": {&in.Tagline, "description"}, "description": {&in.Description, "description"},
		"pitch.problem": {&in.PitchProblem, "highlights[0]"}, "pitch.approach": {&in.PitchApproach, "highlights[1]"},
		"pitch.result": {&in.PitchResult, "highlights[2]"},
		"demo_url":     {&in.DemoURL, "url"}, "repository_url": {&in.RepositoryURL, "url"},
	}
	for _, f := range fe.Fields {
		if g, ok := fields[f.Field]; ok {
			*g.ptr = nil
			p.skip(path+"."+g.from, "invalid", f.Message)
		} else if f.Field == "tech_tags" {
			in.TechTags = nil
			p.skip(path+".keywords", "invalid", f.Message)
		}
	}
}

// Report is what an import did.
type Report struct {
	// Profile names the profile fields it set.
	Profile []string `json:"profile"`
	// Projects are the drafts it created.
	Projects []*folio.Project `json:"-"`
	// Skipped lists every field of the file it did not map, and why.
	Skipped []Skip `json:"skipped"`
}

// Importer brings a JSON Resume file into an account.
type Importer struct {
	Users    folio.UserService
	Projects folio.ProjectService
}

// Import maps the file (see Parse) into userID's account: it sets the
// profile fields the file gives and creates its projects as drafts,
// nothing published. A project whose title the owner already has is
// skipped, so importing a file twice adds nothing the second time. Every
// field is checked before anything is written; errors as Parse's.
func (im *Importer) Import(ctx context.Context, userID int64, file io.Reader) (*Report, error) {
	plan, err := Parse(file)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for cursor, n := int64(0), 0; n < maxExisting; n++ {
		page, err := im.Projects.Projects(ctx, userID, cursor, 100)
		if err != nil {
			return nil, err
		}
		for _, pr := range page.Projects {
			have[strings.ToLower(pr.Title)] = true
		}
		if cursor = page.NextCursor; cursor == 0 {
			break
		}
	}
	rep := &Report{Profile: plan.ProfileFields, Projects: []*folio.Project{}, Skipped: plan.Skipped}
	if rep.Profile == nil {
		rep.Profile = []string{}
	}
	if len(plan.ProfileFields) > 0 {
		if _, err := im.Users.UpdateProfile(ctx, userID, plan.Profile); err != nil {
			return nil, err
		}
	}
	for i, in := range plan.Projects {
		key := strings.ToLower(*in.Title)
		if have[key] {
			rep.Skipped = append(rep.Skipped, newSkip(plan.ProjectFields[i], "project_exists", *in.Title))
			continue
		}
		have[key] = true
		created, err := im.Projects.CreateProject(ctx, userID, in)
		if err != nil {
			return nil, fmt.Errorf("resume: import %s: %w", plan.ProjectFields[i], err)
		}
		rep.Projects = append(rep.Projects, created)
	}
	return rep, nil
}
