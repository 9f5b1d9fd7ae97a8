// Package resume maps Folio portfolios to and from JSON Resume
// (https://jsonresume.org/schema), the open résumé format applicant
// tracking systems and résumé builders read. Export follows the vendored
// official schema (schema/schema.json); Import refuses a file the schema
// refuses, with the validator's reasons, maps what Folio has a place for
// (profile fields, projects as drafts) and lists every field it skipped.
package resume

import (
	"net/url"
	"slices"
	"strings"

	"github.com/foliohq/folio/internal/folio"
)

// SchemaRef is the schema URL an exported document names, as the
// official samples do.
const SchemaRef = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"

// Resume is the part of a JSON Resume document Folio writes.
type Resume struct {
	Schema   string    `json:"$schema"`
	Basics   Basics    `json:"basics"`
	Projects []Project `json:"projects"`
	Skills   []Skill   `json:"skills"`
	Meta     Meta      `json:"meta"`
}

// Basics is who the résumé is about.
type Basics struct {
	Name     string    `json:"name"`
	Label    string    `json:"label,omitempty"`
	Image    string    `json:"image,omitempty"`
	Email    string    `json:"email,omitempty"`
	URL      string    `json:"url,omitempty"`
	Summary  string    `json:"summary,omitempty"`
	Location *Location `json:"location,omitempty"`
	Profiles []Profile `json:"profiles"`
}

// Location is where the owner is; Folio keeps it as one line of text,
// written here as the city and what follows the first comma as region.
type Location struct {
	City   string `json:"city,omitempty"`
	Region string `json:"region,omitempty"`
}

// Profile is an account elsewhere.
type Profile struct {
	Network  string `json:"network"`
	Username string `json:"username,omitempty"`
	URL      string `json:"url"`
}

// Project is one of the owner's public projects.
type Project struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Highlights are the pitch: problem, approach, result.
	Highlights []string `json:"highlights"`
	Keywords   []string `json:"keywords"`
	// URL is the project's page on Folio, which links its demo, code,
	// screencast and API docs.
	URL string `json:"url"`
}

// Skill is a tech tag of the owner's projects; Keywords name the
// projects that use it.
type Skill struct {
	Name     string   `json:"name"`
	Keywords []string `json:"keywords"`
}

// Meta describes the document.
type Meta struct {
	Canonical    string `json:"canonical"`
	Version      string `json:"version"`
	LastModified string `json:"lastModified"`
}

// Export is the JSON Resume of a public portfolio: the featured projects
// first, then the other public ones (never drafts or unlisted projects),
// with absolute URLs on base. The summary is the bio's Markdown source,
// which reads as plain text and comes back whole on import.
func Export(pf *folio.Portfolio, base *url.URL) Resume {
	owner := pf.Owner
	page := base.JoinPath(owner.Handle).String()
	r := Resume{Schema: SchemaRef, Projects: []Project{}, Skills: []Skill{},
		Basics: Basics{Name: owner.DisplayName, Label: owner.Headline, Summary: owner.Bio, URL: owner.WebsiteURL, Profiles: []Profile{}},
		Meta:   Meta{Canonical: base.JoinPath(owner.Handle, "resume.json").String(), Version: "v1.0.0"}}
	if r.Basics.URL == "" {
		r.Basics.URL = page
	}
	if owner.ShowEmail {
		r.Basics.Email = owner.Email
	}
	if pf.AvatarKey != "" {
		r.Basics.Image = base.JoinPath("media", pf.AvatarKey, "thumbnail").String()
	}
	if loc := strings.TrimSpace(owner.Location); loc != "" {
		city, region, _ := strings.Cut(loc, ",")
		r.Basics.Location = &Location{City: strings.TrimSpace(city), Region: strings.TrimSpace(region)}
	}
	r.Basics.Profiles = append(r.Basics.Profiles, Profile{Network: "Folio", Username: owner.Handle, URL: page})
	for _, p := range []struct{ network, url string }{{"GitHub", owner.GitHubURL}, {"LinkedIn", owner.LinkedInURL}} {
		if p.url != "" {
			r.Basics.Profiles = append(r.Basics.Profiles, Profile{Network: p.network, Username: lastSegment(p.url), URL: p.url})
		}
	}
	modified := owner.UpdatedAt
	skills := map[string]int{} // lower-cased tag → index in r.Skills
	for _, p := range slices.Concat(pf.Featured, pf.Others) {
		rp := Project{Name: p.Title, Description: p.Tagline, Highlights: []string{}, Keywords: p.TechTags,
			URL: base.JoinPath(owner.Handle, p.Slug).String()}
		if rp.Keywords == nil {
			rp.Keywords = []string{}
		}
		for _, h := range []string{p.PitchProblem, p.PitchApproach, p.PitchResult} {
			if h = strings.TrimSpace(h); h != "" {
				rp.Highlights = append(rp.Highlights, h)
			}
		}
		r.Projects = append(r.Projects, rp)
		for _, tag := range p.TechTags {
			i, ok := skills[strings.ToLower(tag)]
			if !ok {
				i = len(r.Skills)
				skills[strings.ToLower(tag)] = i
				r.Skills = append(r.Skills, Skill{Name: tag})
			}
			r.Skills[i].Keywords = append(r.Skills[i].Keywords, p.Title)
		}
		if p.UpdatedAt.After(modified) {
			modified = p.UpdatedAt
		}
	}
	// The most used skills first; ties keep the order of the projects.
	slices.SortStableFunc(r.Skills, func(a, b Skill) int { return len(b.Keywords) - len(a.Keywords) })
	r.Meta.LastModified = modified.UTC().Format("2006-01-02T15:04:05")
	return r
}

// lastSegment is the last path segment of a profile URL: the username on
// GitHub (github.com/ada) and LinkedIn (linkedin.com/in/ada).
func lastSegment(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	return parts[len(parts)-1]
}
