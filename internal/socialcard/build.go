package socialcard

import (
	"context"
	"fmt"
	"image"
	"slices"

	"github.com/foliohq/folio/internal/folio"
)

// Build renders userID's cards as the portfolio is now (the portfolio's
// and each public project's, up to MaxProjectCards), stores them under
// the version they show, then removes older versions. requested is the
// version the asker saw: when the cards are stored at it or newer, there
// is nothing to do. A user who is gone is no error.
func (s *Service) Build(ctx context.Context, userID, requested int64) error {
	u, err := s.Users.UserByID(ctx, userID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if v, err := s.newest(ctx, u); err != nil {
		return err
	} else if v >= max(requested, u.ContentVersion) {
		// Stored already; marked too, unless they were stored by a
		// release before the mark (or the mark failed).
		if s.Marks != nil && u.CardsFor < Tag(v) {
			return s.Marks.MarkCards(ctx, u.ID, Tag(v))
		}
		return nil
	}
	// The owner row and the projects come from one query, so the version
	// stored is the one the cards show.
	pf, err := s.Projects.Portfolio(ctx, u.Handle)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	owner := pf.Owner
	projects := append(append([]*folio.Project{}, pf.Featured...), pf.Others...)
	projects = projects[:min(len(projects), MaxProjectCards)]
	ids := make([]int64, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
	}
	media, err := s.Media.ReadyMedia(ctx, ids)
	if err != nil {
		return err
	}
	palette := PaletteFor(owner.Look) // read with the owner
	name := owner.DisplayName
	if name == "" {
		name = owner.Handle
	}
	var first image.Image // the portfolio's poster: the first project's that has one
	for _, p := range projects {
		poster := s.poster(ctx, media[p.ID])
		if first == nil {
			first = poster
		}
		c := Card{Label: name, Title: p.Title, Fallback: p.Slug, Subtitle: projectLine(p), Tags: p.TechTags,
			Footer: s.footer(owner.Handle, p.Slug), Poster: poster, Palette: palette}
		if err := s.put(ctx, ProjectKey(owner, owner.ContentVersion, p.ID), c); err != nil {
			return err
		}
	}
	c := Card{Label: "Portfolio", Title: name, Fallback: owner.Handle, Subtitle: owner.Headline,
		Tags: portfolioTags(projects), Footer: s.footer(owner.Handle), Poster: first, Palette: palette}
	if err := s.put(ctx, PortfolioKey(owner, owner.ContentVersion), c); err != nil {
		return err
	}
	if s.Marks != nil {
		if err := s.Marks.MarkCards(ctx, owner.ID, Tag(owner.ContentVersion)); err != nil {
			return err
		}
	}
	s.removeOlder(ctx, owner)
	if s.Pages != nil {
		if err := s.Pages.Forget(ctx, owner.ID); err != nil {
			s.logger().Warn("pages not refreshed after their cards", "user_id", owner.ID, "error", err)
		}
	}
	return nil
}

// newest is the newest complete version of owner's cards; -1 for none.
func (s *Service) newest(ctx context.Context, owner *folio.User) (int64, error) {
	keys, err := s.Store.Keys(ctx, Prefix(owner))
	if err != nil {
		return 0, fmt.Errorf("socialcard: list: %w", err)
	}
	return newestIn(owner, keys), nil
}

// newestIn is the newest complete version among owner's keys; -1 for none.
func newestIn(owner *folio.User, keys []string) int64 {
	best := int64(-1)
	for _, k := range keys {
		if v := versionOf(owner, k); v > best && k == PortfolioKey(owner, v) {
			best = v
		}
	}
	return best
}

// removeOlder removes owner's cards older than the newest complete
// version, and those of other layouts. The newest is this build's, or a
// newer one that a build running alongside stored first: then this
// build's own cards go too, rather than stay behind for good. A failure
// is logged: the next build tries again.
func (s *Service) removeOlder(ctx context.Context, owner *folio.User) {
	keys, err := s.Store.Keys(ctx, Prefix(owner))
	if err != nil {
		s.logger().Warn("old cards not listed", "user_id", owner.ID, "error", err)
		return
	}
	newest := newestIn(owner, keys)
	for _, k := range keys {
		if versionOf(owner, k) < newest {
			if err := s.Store.Remove(ctx, k); err != nil {
				s.logger().Warn("old card not removed", "key", k, "error", err)
			}
		}
	}
}

func (s *Service) put(ctx context.Context, key string, c Card) error {
	buf, err := render(c)
	if err != nil {
		return err
	}
	if _, err := s.Store.PutStream(ctx, key, buf, "image/png"); err != nil {
		return fmt.Errorf("socialcard: store %s: %w", key, err)
	}
	return nil
}

// footer names a page by host and path, as a reader would type it.
func (s *Service) footer(parts ...string) string {
	if s.BaseURL == nil {
		return ""
	}
	u := s.BaseURL.JoinPath(parts...)
	return u.Host + u.Path
}

// projectLine is a project's tagline, else the first line of its pitch.
func projectLine(p *folio.Project) string {
	for _, s := range []string{p.Tagline, p.PitchResult, p.PitchProblem} {
		if s != "" {
			return s
		}
	}
	return ""
}

// portfolioTags are the projects' tags, most used first (ties in order
// of appearance), at most maxTags.
func portfolioTags(ps []*folio.Project) []string {
	count := map[string]int{}
	var order []string
	for _, p := range ps {
		for _, t := range p.TechTags {
			if count[t] == 0 {
				order = append(order, t)
			}
			count[t]++
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return count[b] - count[a] })
	return order[:min(len(order), maxTags)]
}
