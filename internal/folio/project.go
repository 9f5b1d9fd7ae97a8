package folio

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Visibility says who may see a project.
type Visibility string

// Visibilities: drafts only for their owner, unlisted for whoever has the
// link, public on the portfolio page.
const (
	VisibilityDraft    Visibility = "draft"
	VisibilityPublic   Visibility = "public"
	VisibilityUnlisted Visibility = "unlisted"
)

// MaxFeatured is how many projects a portfolio features at most.
const MaxFeatured = 5

// MaxMarkdown is the longest Markdown Folio stores, a project description,
// in characters.
const MaxMarkdown = maxDescription

// Limits on project fields.
const (
	maxSlug        = 60
	maxTitle       = 100
	maxTagline     = 160
	maxDescription = 20000
	maxPitchPart   = 1000
	maxTags        = 12
	maxTagLength   = 30
)

// Project is one piece of work in a portfolio.
type Project struct {
	ID            int64
	OwnerID       int64
	Slug          string
	Title         string
	Tagline       string
	Description   string // Markdown
	PitchProblem  string
	PitchApproach string
	PitchResult   string
	TechTags      []string
	DemoURL       string
	RepositoryURL string
	Visibility    Visibility
	FeaturedRank  int // 1..MaxFeatured, 0 when not featured
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ProjectInput creates a project (every field) or patches one (nil means
// unchanged).
type ProjectInput struct {
	Slug          *string
	Title         *string
	Tagline       *string
	Description   *string
	PitchProblem  *string
	PitchApproach *string
	PitchResult   *string
	TechTags      *[]string
	DemoURL       *string
	RepositoryURL *string
	Visibility    *Visibility
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Validate checks every given field. creating says whether required fields
// must be present.
func (in *ProjectInput) Validate(creating bool) error {
	var v Validation
	if in.Title != nil || creating {
		validateText(&v, "title", deref(in.Title), true, maxTitle)
	}
	if in.Slug != nil && (len(*in.Slug) > maxSlug || !slugPattern.MatchString(*in.Slug)) {
		v.Add("slug", "must be lowercase letters and digits joined by single hyphens, at most %d characters", maxSlug)
	}
	if in.Tagline != nil {
		validateText(&v, "tagline", *in.Tagline, false, maxTagline)
	}
	if in.Description != nil {
		validateText(&v, "description", *in.Description, false, maxDescription)
	}
	// A slice, not a map: errors come out in the order of the fields.
	for _, f := range []optionalField{{"pitch.problem", in.PitchProblem}, {"pitch.approach", in.PitchApproach}, {"pitch.result", in.PitchResult}} {
		if f.value != nil {
			validateText(&v, f.name, *f.value, false, maxPitchPart)
		}
	}
	if in.TechTags != nil {
		validateTags(&v, *in.TechTags)
	}
	if in.DemoURL != nil {
		validateURL(&v, "demo_url", *in.DemoURL)
	}
	if in.RepositoryURL != nil {
		validateURL(&v, "repository_url", *in.RepositoryURL)
	}
	if in.Visibility != nil {
		switch *in.Visibility {
		case VisibilityDraft, VisibilityPublic, VisibilityUnlisted:
		default:
			v.Add("visibility", "must be draft, public or unlisted")
		}
	}
	return v.Err()
}

// Normalize trims text and tidies tags so that what is stored is what the
// page shows.
func (in *ProjectInput) Normalize() {
	for _, p := range []*string{in.Slug, in.Title, in.Tagline, in.DemoURL, in.RepositoryURL} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	if in.TechTags != nil {
		seen := map[string]bool{}
		tags := []string{}
		for _, t := range *in.TechTags {
			t = strings.Join(strings.Fields(t), " ")
			if t == "" || seen[strings.ToLower(t)] {
				continue
			}
			seen[strings.ToLower(t)] = true
			tags = append(tags, t)
		}
		*in.TechTags = tags
	}
}

// Apply copies the given fields onto p.
func (in *ProjectInput) Apply(p *Project) {
	set(&p.Slug, in.Slug)
	set(&p.Title, in.Title)
	set(&p.Tagline, in.Tagline)
	set(&p.Description, in.Description)
	set(&p.PitchProblem, in.PitchProblem)
	set(&p.PitchApproach, in.PitchApproach)
	set(&p.PitchResult, in.PitchResult)
	set(&p.TechTags, in.TechTags)
	set(&p.DemoURL, in.DemoURL)
	set(&p.RepositoryURL, in.RepositoryURL)
	set(&p.Visibility, in.Visibility)
	if p.Visibility != VisibilityPublic {
		p.FeaturedRank = 0
	}
}

// optionalField is a field of a patch, nil when not given.
type optionalField struct {
	name  string
	value *string
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func validateTags(v *Validation, tags []string) {
	if len(tags) > maxTags {
		v.Add("tech_tags", "must have at most %d tags", maxTags)
	}
	for _, t := range tags {
		if utf8.RuneCountInString(t) > maxTagLength || strings.ContainsFunc(t, unicode.IsControl) {
			v.Add("tech_tags", "each tag must be at most %d characters of text", maxTagLength)
			return
		}
	}
}

// validateURL accepts an empty string (no link) or an absolute http(s) URL;
// anything else (javascript:, data:, relative paths) could turn a link on a
// public page into an attack.
func validateURL(v *Validation, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > maxURL || u.User != nil {
		v.Add(field, "must be an absolute http or https URL")
	}
}

// Slugify turns a title into a slug: "Café Orders API!" → "cafe-orders-api".
func Slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: drop it, keep the letter
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			hyphen = false
		default:
			if !hyphen && b.Len() > 0 {
				b.WriteByte('-')
				hyphen = true
			}
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > maxSlug {
		s = strings.Trim(s[:maxSlug], "-")
	}
	if s == "" {
		s = "project"
	}
	return s
}

// ProjectPage is one page of a cursor-paginated list.
type ProjectPage struct {
	Projects   []*Project
	NextCursor int64 // the id to continue below; 0 at the end
}

// Portfolio is the public view of an owner: their profile, the featured
// public projects in order, then the other public projects.
type Portfolio struct {
	Owner    *User
	Featured []*Project
	Others   []*Project
	// AvatarKey is the public key of the owner's avatar media when it is
	// ready, else "".
	AvatarKey string
}

// ProjectService stores projects. Every method scopes by owner: another
// owner's project answers ENOTFOUND, never EFORBIDDEN, so ids leak nothing.
type ProjectService interface {
	// CreateProject validates in, generates a slug from the title when none
	// is given, and stores the project. ECONFLICT when the given slug is taken.
	CreateProject(ctx context.Context, ownerID int64, in ProjectInput) (*Project, error)
	// Project returns ENOTFOUND unless the project exists and is ownerID's.
	Project(ctx context.Context, ownerID, id int64) (*Project, error)
	// RepositoryURL returns any project's repository URL, for the worker.
	RepositoryURL(ctx context.Context, projectID int64) (string, error)
	// ProjectBySlug returns ownerID's project with that slug, or ENOTFOUND.
	ProjectBySlug(ctx context.Context, ownerID int64, slug string) (*Project, error)
	// Projects lists ownerID's projects newest first, below the cursor id
	// (0 for the first page). Inserts never shift later pages.
	Projects(ctx context.Context, ownerID, cursor int64, limit int) (ProjectPage, error)
	// UpdateProject validates and applies in. ENOTFOUND as for Project.
	UpdateProject(ctx context.Context, ownerID, id int64, in ProjectInput) (*Project, error)
	// DeleteProject removes the project. ENOTFOUND as for Project.
	DeleteProject(ctx context.Context, ownerID, id int64) error
	// SetFeatured makes ids, in order, the owner's featured projects and
	// unfeatures the rest, atomically. EINVALID names each id that is not
	// one of the owner's public projects, and rejects more than MaxFeatured.
	SetFeatured(ctx context.Context, ownerID int64, ids []int64) ([]*Project, error)
	// Portfolio returns the public portfolio of handle; ENOTFOUND when no
	// user has it. Drafts and unlisted projects are never included.
	Portfolio(ctx context.Context, handle string) (*Portfolio, error)
}

// ExploreEntry is one portfolio in the directory.
type ExploreEntry struct {
	UserID      int64
	Handle      string
	DisplayName string
	Headline    string
	Tags        []string
}

// Directory lists public portfolios.
type Directory interface {
	// Explore returns portfolios with at least one public project matching
	// the text (profile or projects) and tag, newest first, below cursor.
	Explore(ctx context.Context, text, tag string, cursor int64, limit int) (entries []ExploreEntry, next int64, err error)
	// SitemapCounts lists every public portfolio by user id, ascending,
	// with how many sitemap URLs it has (itself and its public projects),
	// so the sitemap can be split into files by URL count.
	SitemapCounts(ctx context.Context) ([]SitemapCount, error)
	// SitemapEntries lists the public portfolios with user ids in
	// [from, to) (to 0: no upper bound) by user id, each with its public
	// project slugs sorted.
	SitemapEntries(ctx context.Context, from, to int64) ([]SitemapEntry, error)
}

// SitemapCount is how many sitemap URLs a public portfolio has.
type SitemapCount struct {
	UserID int64
	URLs   int
}

// SitemapEntry is a public portfolio in the sitemap.
type SitemapEntry struct {
	Handle   string
	Slugs    []string
	Modified time.Time
}
