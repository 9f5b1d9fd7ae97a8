package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/cardview"
	"github.com/foliohq/folio/internal/site/sitelang"
)

var dashboardScripts = []string{"/static/dashboard.js", "/static/passkey.js"}

func (s *Site) privatePage(title string, c *fiber.Ctx) pageBase {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return pageBase{Viewer: request.Viewer(c), Scripts: dashboardScripts, Meta: pageMeta{Title: sitelang.T(c, title) + " · Folio", NoIndex: true}}
}

type dashboardView struct {
	pageBase
	User     *folio.User
	Projects []*folio.Project
	Account  accountBanner
	// PageLanguage is the public page's language, which a form changes.
	PageLanguage string
}

// dashboardPage is the owner's home: projects, featured order, profile.
func (s *Site) dashboardPage(c *fiber.Ctx) error {
	u := request.Viewer(c)
	if u == nil {
		return c.Redirect("/login")
	}
	page, err := s.opts.Projects.Projects(c.UserContext(), u.ID, 0, 100)
	if err != nil {
		return err
	}
	banner, err := s.accountBanner(c, u)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "dashboard", dashboardView{pageBase: s.privatePage("title.dashboard", c), User: u, Projects: page.Projects, Account: banner, PageLanguage: i18n.For(u.Look.Language).Lang()})
}

type eventView struct{ Kind, When, Message string }

type projectEditView struct {
	pageBase
	User         *folio.User
	Project      *folio.Project
	Visibility   string
	Visibilities []string
	Tags         string
	Media        []*folio.Media
	Badge        *badgeView
	Uptime       string
	LastError    string
	Spark        template.HTML
	SparkCount   int
	Events       []eventView
	Docs         *folio.APIDocs
}

// projectEditPage edits one project, its media and shows its demo health.
func (s *Site) projectEditPage(c *fiber.Ctx) error {
	u := request.Viewer(c)
	if u == nil {
		return c.Redirect("/login")
	}
	id, err := request.PathID(c)
	if err != nil {
		return s.renderNotFound(c)
	}
	ctx := c.UserContext()
	p, err := s.opts.Projects.Project(ctx, u.ID, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return s.renderNotFound(c)
	} else if err != nil {
		return err
	}
	media, err := s.opts.Media.ProjectMedia(ctx, p.ID)
	if err != nil {
		return err
	}
	v := projectEditView{pageBase: s.privatePage(p.Title, c), User: u, Project: p, Visibility: string(p.Visibility),
		Visibilities: []string{"draft", "public", "unlisted"}, Tags: strings.Join(p.TechTags, ", "), Media: media}
	if s.opts.APIDocs != nil {
		if d, err := s.opts.APIDocs.APIDocs(ctx, p.ID); err == nil {
			v.Docs = d
		}
	}
	if p.DemoURL != "" && s.opts.Demos != nil {
		sum, err := s.opts.Demos.DemoSummary(ctx, p.ID, 48)
		if err != nil {
			return err
		}
		v.Badge = cardview.BadgeIn(sitelang.L(c), p, map[int64]folio.DemoSummary{})
		if sum.State != folio.DemoUnknown {
			v.Badge = cardview.BadgeIn(sitelang.L(c), p, map[int64]folio.DemoSummary{p.ID: sum})
		}
		if sum.Uptime24h != nil {
			v.Uptime = fmt.Sprintf("%.1f%%", *sum.Uptime24h*100)
		}
		if sum.LastCheck != nil && !sum.LastCheck.Up {
			v.LastError = cardview.DemoFailure(sitelang.L(c), sum.LastCheck)
		}
		v.Spark, v.SparkCount = sparkline(sitelang.L(c), sum.Recent)
		for _, e := range sum.Events {
			kind, msg := cardview.DemoEvent(sitelang.L(c), e)
			v.Events = append(v.Events, eventView{Kind: kind, When: cardview.RelTimeIn(sitelang.L(c), e.CreatedAt), Message: msg})
		}
	}
	return s.render(c, fiber.StatusOK, "project_edit", v)
}

// sparkline draws recent checks as bars, oldest left: the height is the
// latency, the colour up or down. Only numbers go into the markup.
func sparkline(loc *i18n.Localizer, checks []folio.DemoCheck) (template.HTML, int) {
	if len(checks) == 0 {
		return "", 0
	}
	var maxMS int64 = 1
	for _, c := range checks {
		maxMS = max(maxMS, c.Latency.Milliseconds())
	}
	const w, h, bar = 240, 40, 5
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d">`,
		template.HTMLEscapeString(loc.N("sitego.spark_label", len(checks))), w, h, w, h)
	for i := range checks {
		c := checks[len(checks)-1-i]
		height := int64(h)
		class := "down"
		if c.Up {
			class = "up"
			height = max(4, c.Latency.Milliseconds()*int64(h)/maxMS)
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d"></rect>`, class, i*bar, int64(h)-height, bar-1, height)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), len(checks) //nolint:gosec // numbers and our catalog's words, escaped
}
