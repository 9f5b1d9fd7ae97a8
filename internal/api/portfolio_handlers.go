package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// PublicProject is a project as a visitor sees it.
type PublicProject struct {
	Slug          string     `json:"slug"`
	Title         string     `json:"title"`
	Tagline       string     `json:"tagline"`
	Description   string     `json:"description"`
	Pitch         Pitch      `json:"pitch"`
	TechTags      []string   `json:"tech_tags"`
	DemoURL       string     `json:"demo_url"`
	RepositoryURL string     `json:"repository_url"`
	URL           string     `json:"url" example:"https://folio.example.com/ada/orders-api"`
	Demo          *DemoBadge `json:"demo,omitempty"`
}

// DemoBadge is what a visitor sees next to a Live demo link.
type DemoBadge struct {
	State     string     `json:"state" enums:"up,down,unknown"`
	CheckedAt *time.Time `json:"checked_at,omitempty"`
}

// PortfolioResponse is a public portfolio.
type PortfolioResponse struct {
	Profile  UserResponse    `json:"profile"`
	URL      string          `json:"url" example:"https://folio.example.com/ada"`
	Featured []PublicProject `json:"featured"`
	Projects []PublicProject `json:"projects"`
}

func (s *API) publicProjects(handle string, ps []*folio.Project, states map[int64]folio.DemoSummary) []PublicProject {
	out := make([]PublicProject, len(ps))
	for i, p := range ps {
		var badge *DemoBadge
		if p.DemoURL != "" {
			badge = &DemoBadge{State: string(folio.DemoUnknown)}
			if st, ok := states[p.ID]; ok {
				at := st.LastCheckedAt
				badge.State, badge.CheckedAt = string(st.State), &at
			}
		}
		out[i] = PublicProject{
			Slug: p.Slug, Title: p.Title, Tagline: p.Tagline, Description: p.Description,
			Pitch:    Pitch{Problem: p.PitchProblem, Approach: p.PitchApproach, Result: p.PitchResult},
			TechTags: p.TechTags, DemoURL: p.DemoURL, RepositoryURL: p.RepositoryURL,
			URL:  s.opts.BaseURL.JoinPath(handle, p.Slug).String(),
			Demo: badge,
		}
	}
	return out
}

// getPortfolio returns a public portfolio.
//
//	@Summary		A public portfolio
//	@Description	No authentication. The profile, the featured public projects in the owner's order, then the other public projects. Drafts and unlisted projects never appear.
//	@Tags			portfolios
//	@Produce		json
//	@Param			handle	path		string	true	"the owner's handle"
//	@Success		200		{object}	PortfolioResponse
//	@Success		304		"not modified (If-None-Match)"
//	@Failure		404		{object}	Problem	"unknown handle"
//	@Router			/api/v1/portfolios/{handle} [get]
func (s *API) getPortfolio(c *fiber.Ctx) error {
	pf, err := s.opts.Projects.Portfolio(c.UserContext(), c.Params("handle"))
	if err != nil {
		return err
	}
	handle := pf.Owner.Handle
	profile := userResponse(pf.Owner, false)
	states := map[int64]folio.DemoSummary{}
	if s.opts.Demos != nil {
		var ids []int64
		for _, p := range append(append([]*folio.Project{}, pf.Featured...), pf.Others...) {
			ids = append(ids, p.ID)
		}
		if states, err = s.opts.Demos.DemoStates(c.UserContext(), ids); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	return c.JSON(PortfolioResponse{
		Profile:  profile,
		URL:      s.opts.BaseURL.JoinPath(handle).String(),
		Featured: s.publicProjects(handle, pf.Featured, states),
		Projects: s.publicProjects(handle, pf.Others, states),
	})
}
