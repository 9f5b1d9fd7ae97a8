package site

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/markdown"
	"github.com/foliohq/folio/internal/projectpage"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/appearancepages"
	"github.com/foliohq/folio/internal/site/cardview"
	"github.com/foliohq/folio/internal/site/hostroute"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/web"
)

// pageBase and pageMeta are what the layout reads (web.Page); every page
// template gets them.
type (
	pageBase = web.Page
	pageMeta = web.PageMeta
)

// badgeView and shotView are in internal/site/cardview.
type (
	badgeView = cardview.Badge
	shotView  = cardview.Shot
)

type cardView struct {
	Slug, Title, Tagline, URL, DemoURL, RepoURL, Poster, Video string
	// DemoLink and CodeLink go through Folio's counting redirect, so a
	// click counts without JavaScript.
	DemoLink, CodeLink string
	Tags               []string
	Draft              bool
	Demo               *badgeView
	Eager              bool // the first card: its poster is fetched first
}

// renderBuffers hold pages being rendered (10–40 KB: a fresh buffer grew,
// and zeroed, nine times per render).
var renderBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

// render executes a page template into the response.
func (s *Site) render(c *fiber.Ctx, status int, name string, data any) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer renderBuffers.Put(buf)
	buf.Reset()
	if err := s.pages.Page(sitelang.Of(c), name).ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// The navigation differs for signed-in visitors.
	c.Vary(fiber.HeaderCookie)
	if request.Viewer(c) != nil {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	c.Response().SetBody(buf.Bytes()) // a copy: Send would keep buf
	return nil
}

// notFound ends the routes: a GET anywhere but under /api/ gets the 404
// page, anything else a problem+json 404.
func (s *Site) notFound(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") || c.Method() != fiber.MethodGet {
		return fiber.ErrNotFound
	}
	return s.renderNotFound(c)
}

// renderNotFound answers a real 404 page.
func (s *Site) renderNotFound(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusNotFound, "notfound", pageBase{Meta: pageMeta{Title: sitelang.T(c, "title.not_found") + " · Folio", NoIndex: true}, Viewer: request.Viewer(c)})
}

// absolute is the URL of a path on this installation.
func (s *Site) absolute(parts ...string) string { return s.opts.BaseURL.JoinPath(parts...).String() }

// cards shows projects as cards whose links start with base: the
// portfolio's path, or a share link's. It returns the ready media it read
// for them too, by project id.
func (s *Site) cards(ctx context.Context, loc *i18n.Localizer, base string, ps []*folio.Project) ([]cardView, map[int64][]*folio.Media, error) {
	states := map[int64]folio.DemoSummary{}
	if s.opts.Demos != nil {
		var err error
		if states, err = s.opts.Demos.DemoStates(ctx, projectIDs(ps)); err != nil {
			return nil, nil, err
		}
	}
	return s.cardsWith(ctx, loc, base, ps, states)
}

func projectIDs(ps []*folio.Project) []int64 {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// cardsWith is cards with the projects' demo states given, by project id.
func (s *Site) cardsWith(ctx context.Context, loc *i18n.Localizer, base string, ps []*folio.Project, states map[int64]folio.DemoSummary) ([]cardView, map[int64][]*folio.Media, error) {
	media, err := s.opts.Media.ReadyMedia(ctx, projectIDs(ps))
	if err != nil {
		return nil, nil, err
	}
	out := make([]cardView, len(ps))
	for i, p := range ps {
		poster, video, _ := cardview.MediaURLs(media[p.ID])
		url := base + "/" + p.Slug
		out[i] = cardView{Slug: p.Slug, Title: p.Title, Tagline: p.Tagline, URL: url,
			DemoURL: p.DemoURL, RepoURL: p.RepositoryURL, Poster: poster, Video: video, Tags: p.TechTags,
			Draft: p.Visibility != folio.VisibilityPublic, Demo: cardview.BadgeIn(loc, p, states)}
		if p.DemoURL != "" {
			out[i].DemoLink = url + "/go/demo"
		}
		if p.RepositoryURL != "" {
			out[i].CodeLink = url + "/go/code"
		}
	}
	return out, media, nil
}

type portfolioView struct {
	pageBase
	Owner            *folio.User
	Avatar           string
	Bio              template.HTML
	Featured, Others []cardView
	Draft            bool
	// Note is a share link's note to its reader, at the top; Heading
	// titles the featured projects.
	Note, Heading string
	// Preview: the owner previews an unsaved appearance.
	Preview bool
}

// portfolioPage is /{handle}. A render reads the owner, projects and
// avatar in one query, then the projects' media and demo states: three.
func (s *Site) portfolioPage(c *fiber.Ctx) error {
	pf, err := s.opts.Projects.Portfolio(c.UserContext(), c.Params("handle"))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return s.renderNotFound(c)
	} else if err != nil {
		return err
	}
	owner := pf.Owner
	path := "/" + owner.Handle
	if c.Path() != path {
		return redirectCanonical(c, path)
	}
	c.Locals(pageRefKey, pageRef{ownerID: owner.ID})
	return s.cached(c, owner, hostroute.Key(c, path), func() (string, any, error) {
		ctx := c.UserContext()
		others := pf.Others
		isOwner := request.Viewer(c) != nil && request.Viewer(c).ID == owner.ID
		if isOwner {
			// The owner also sees drafts and unlisted projects, marked.
			page, err := s.opts.Projects.Projects(ctx, owner.ID, 0, 100)
			if err != nil {
				return "", nil, err
			}
			for _, p := range page.Projects {
				if p.Visibility != folio.VisibilityPublic {
					others = append(others, p)
				}
			}
		}
		v, err := s.portfolioView(c, owner, hostroute.Base(c, path), pf.AvatarKey, pf.Featured, others)
		if err != nil {
			return "", nil, err
		}
		v.Draft = isOwner && len(others) > len(pf.Others)
		if card := s.opts.Cards.ImageURL(ctx, s.absolute(owner.Handle), owner, nil); card != "" {
			v.Meta.Image = card
		}
		s.withBeacon(&v.pageBase, owner.Handle)
		return "portfolio", v, nil
	})
}

// previewPortfolio renders the signed-in owner's portfolio page (its
// public projects) in look, for the appearance page's preview: never
// cached, never indexed.
func (s *Site) previewPortfolio(c *fiber.Ctx, look web.Look) error {
	pf, err := s.opts.Projects.Portfolio(c.UserContext(), request.Viewer(c).Handle)
	if err != nil {
		return err
	}
	v, err := s.portfolioView(c, pf.Owner, "/"+pf.Owner.Handle, pf.AvatarKey, pf.Featured, pf.Others)
	if err != nil {
		return err
	}
	v.Look, v.Meta.NoIndex, v.Preview = look, true, true
	v.Scripts = append(v.Scripts, "/static/player.js")
	return s.render(c, fiber.StatusOK, "portfolio", v)
}

// portfolioView shows owner's profile with featured and other projects,
// whose pages are under base; avatarKey is the public key of the owner's
// ready avatar ("": none).
func (s *Site) portfolioView(c *fiber.Ctx, owner *folio.User, base, avatarKey string, featuredProjects, otherProjects []*folio.Project) (portfolioView, error) {
	ctx := c.UserContext()
	// One read of media and demo states for all the cards.
	all, _, err := s.cards(ctx, sitelang.L(c), base, append(append([]*folio.Project{}, featuredProjects...), otherProjects...))
	if err != nil {
		return portfolioView{}, err
	}
	if len(all) > 0 {
		all[0].Eager = true // the first card's poster is on the first screen
	}
	featured, rest := all[:len(featuredProjects):len(featuredProjects)], all[len(featuredProjects):]
	bio, err := s.renderMarkdown(ctx, owner.Bio)
	if err != nil {
		return portfolioView{}, err
	}
	v := portfolioView{Owner: owner, Bio: bio, Featured: featured, Others: rest, Heading: sitelang.T(c, "sitego.portfolio.featured")}
	if avatarKey != "" {
		v.Avatar = "/media/" + avatarKey + "/thumbnail"
	}
	desc := owner.Headline
	if desc == "" {
		desc = markdown.Plain(bio, 160)
	}
	if desc == "" {
		desc = owner.DisplayName + "'s portfolio on Folio."
	}
	image := ""
	for _, cv := range append(featured, rest...) {
		if cv.Poster != "" && !cv.Draft {
			image = s.absolute(cv.Poster)
			break
		}
	}
	var works []map[string]any
	for _, cv := range append(featured, rest...) {
		if cv.Draft {
			continue
		}
		w := map[string]any{"@type": "SoftwareSourceCode", "name": cv.Title, "url": hostroute.URL(c, s.opts.BaseURL, owner.Handle, cv.Slug)}
		if cv.Tagline != "" {
			w["description"] = cv.Tagline
		}
		if cv.RepoURL != "" {
			w["codeRepository"] = cv.RepoURL
		}
		works = append(works, w)
	}
	person := map[string]any{"@context": "https://schema.org", "@type": "Person", "name": owner.DisplayName,
		"url": hostroute.URL(c, s.opts.BaseURL, owner.Handle), "description": desc}
	if owner.Headline != "" {
		person["jobTitle"] = owner.Headline
	}
	if v.Avatar != "" {
		person["image"] = s.absolute(v.Avatar)
	}
	var sameAs []string
	for _, l := range []string{owner.WebsiteURL, owner.GitHubURL, owner.LinkedInURL} {
		if l != "" {
			sameAs = append(sameAs, l)
		}
	}
	if len(sameAs) > 0 {
		person["sameAs"] = sameAs
	}
	if len(works) > 0 {
		person["workExample"] = works
	}
	v.pageBase = pageBase{Viewer: request.Viewer(c), Meta: pageMeta{
		Title: owner.DisplayName + " · Folio", Description: desc, Canonical: hostroute.URL(c, s.opts.BaseURL, owner.Handle),
		Image: image, OGType: "profile", JSONLD: person,
	}, Look: appearancepages.Look(owner)}
	return v, nil
}

type projectView struct {
	pageBase
	Owner       *folio.User
	OwnerURL    string
	Project     cardView
	Pitch       pitchView
	Description template.HTML
	Screenshots []shotView
	Docs        *docsView
}

type docsView struct {
	SpecURL, Title, Version string
	Operations              int
}

// errNoPage means the page is not there for this visitor; the caller
// answers the 404 page.
var errNoPage = errors.New("site: no such page")

// visibleProject reads the page of /{handle}/{project}: a draft's only
// for its owner. It answers errNoPage when there is none for this visitor.
func (s *Site) visibleProject(c *fiber.Ctx) (pg *projectpage.Page, isOwner bool, err error) {
	// Slugs are stored in lower case; another case redirects.
	pg, err = s.opts.ProjectPages.ProjectPage(c.UserContext(), c.Params("handle"), strings.ToLower(c.Params("project")))
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil, false, errNoPage
	} else if err != nil {
		return nil, false, err
	}
	isOwner = request.Viewer(c) != nil && request.Viewer(c).ID == pg.Owner.ID
	if pg.Project.Visibility == folio.VisibilityDraft && !isOwner {
		return nil, false, errNoPage
	}
	return pg, isOwner, nil
}

// projectPage is /{handle}/{project}. A render reads the owner, the
// project, its demo state and API docs in one query, then its media: two.
func (s *Site) projectPage(c *fiber.Ctx) error {
	pg, _, err := s.visibleProject(c)
	if errors.Is(err, errNoPage) {
		return s.renderNotFound(c)
	} else if err != nil {
		return err
	}
	owner, p := pg.Owner, pg.Project
	path := "/" + owner.Handle + "/" + p.Slug
	if c.Path() != path {
		return redirectCanonical(c, path)
	}
	c.Locals(pageRefKey, pageRef{ownerID: owner.ID, projectID: p.ID})
	return s.cached(c, owner, hostroute.Key(c, path), func() (string, any, error) {
		v, err := s.pageView(c, hostroute.Base(c, "/"+owner.Handle), pg)
		if err != nil {
			return "", nil, err
		}
		if card := s.opts.Cards.ImageURL(c.UserContext(), s.absolute(owner.Handle, p.Slug), owner, p); card != "" {
			v.Meta.Image = card
		}
		s.withBeacon(&v.pageBase, owner.Handle+"/"+p.Slug)
		return "project", v, nil
	})
}

// projectView shows one of owner's projects, as a page under base (a
// share link's), with the demo state and API docs it reads.
func (s *Site) projectView(c *fiber.Ctx, owner *folio.User, base string, p *folio.Project) (projectView, error) {
	ctx := c.UserContext()
	pg := &projectpage.Page{Owner: owner, Project: p}
	if s.opts.Demos != nil {
		states, err := s.opts.Demos.DemoStates(ctx, []int64{p.ID})
		if err != nil {
			return projectView{}, err
		}
		if st, ok := states[p.ID]; ok {
			pg.Demo = &st
		}
	}
	if s.opts.APIDocs != nil {
		if d, err := s.opts.APIDocs.APIDocs(ctx, p.ID); err == nil {
			pg.Docs = d
		}
	}
	return s.pageView(c, base, pg)
}

// pageView shows pg's project as a page under base.
func (s *Site) pageView(c *fiber.Ctx, base string, pg *projectpage.Page) (projectView, error) {
	ctx := c.UserContext()
	owner, p := pg.Owner, pg.Project
	states := map[int64]folio.DemoSummary{}
	if s.opts.Demos != nil && pg.Demo != nil {
		states[p.ID] = *pg.Demo
	}
	cards, media, err := s.cardsWith(ctx, sitelang.L(c), base, []*folio.Project{p}, states)
	if err != nil {
		return projectView{}, err
	}
	_, _, shots := cardview.MediaURLs(media[p.ID])
	card := cards[0]
	card.Draft = p.Visibility == folio.VisibilityDraft
	description, err := s.renderMarkdown(ctx, p.Description)
	if err != nil {
		return projectView{}, err
	}
	desc := p.Tagline
	if desc == "" {
		desc = markdown.Plain(description, 160)
	}
	if desc == "" {
		desc = p.Title + " by " + owner.DisplayName + "."
	}
	work := map[string]any{"@context": "https://schema.org", "@type": "SoftwareSourceCode", "name": p.Title,
		"description": desc, "url": hostroute.URL(c, s.opts.BaseURL, owner.Handle, p.Slug),
		"author": map[string]any{"@type": "Person", "name": owner.DisplayName, "url": hostroute.URL(c, s.opts.BaseURL, owner.Handle)}}
	if p.RepositoryURL != "" {
		work["codeRepository"] = p.RepositoryURL
	}
	if len(p.TechTags) > 0 {
		work["keywords"] = p.TechTags
	}
	image := ""
	if card.Poster != "" {
		image = s.absolute(card.Poster)
	}
	v := projectView{
		pageBase: pageBase{Viewer: request.Viewer(c), Meta: pageMeta{
			Title: p.Title + " · " + owner.DisplayName + " · Folio", Description: desc,
			Canonical: hostroute.URL(c, s.opts.BaseURL, owner.Handle, p.Slug), Image: image, OGType: "article", JSONLD: work,
			NoIndex: p.Visibility != folio.VisibilityPublic,
		}, Look: appearancepages.Look(owner)},
		Owner: owner, OwnerURL: cmp.Or(base, "/"), Project: card,
		Pitch:       pitchView{Problem: p.PitchProblem, Approach: p.PitchApproach, Result: p.PitchResult},
		Description: description, Screenshots: shots,
	}
	if d := pg.Docs; s.opts.APIDocs != nil && d != nil && d.Status == "ready" {
		// The document is the public project's; its URL names no share link.
		v.Docs = &docsView{SpecURL: base + "/" + p.Slug + "/openapi.json", Title: d.Title, Version: d.Version, Operations: d.Operations}
		// Swagger UI loads when the visitor opens the docs (apidocs.js).
		v.Scripts = []string{"/static/apidocs.js"}
	}
	return v, nil
}

// pitchView is the 60-90 second story of a project.
type pitchView struct{ Problem, Approach, Result string }
