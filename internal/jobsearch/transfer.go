package jobsearch

import (
	"context"
	"io"

	"github.com/foliohq/folio/internal/folio"
)

// maxProjectPages bounds the pages of projects read to name them by slug.
const maxProjectPages = 100

// Transfer is the CSV workflow the API and the dashboard share: a file in
// (all or nothing) and out, naming the owner's projects by slug.
type Transfer struct {
	Applications folio.ApplicationService
	Projects     folio.ProjectService
}

// ProjectSlugs maps the owner's projects' ids to slugs and back.
func (t *Transfer) ProjectSlugs(ctx context.Context, ownerID int64) (map[int64]string, map[string]int64, error) {
	byID, bySlug := map[int64]string{}, map[string]int64{}
	var cursor int64
	for range maxProjectPages {
		page, err := t.Projects.Projects(ctx, ownerID, cursor, 100)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range page.Projects {
			byID[p.ID], bySlug[p.Slug] = p.Slug, p.ID
		}
		if cursor = page.NextCursor; cursor == 0 {
			break
		}
	}
	return byID, bySlug, nil
}

// Import reads a spreadsheet's CSV and stores every row, or none: a file
// with bad rows returns an *ImportError listing them by line.
func (t *Transfer) Import(ctx context.Context, ownerID int64, r io.Reader, order DateOrder) (int, error) {
	_, bySlug, err := t.ProjectSlugs(ctx, ownerID)
	if err != nil {
		return 0, err
	}
	ins, err := ParseCSV(r, ImportOptions{DateOrder: order, Projects: bySlug})
	if err != nil {
		return 0, err
	}
	return t.Applications.ImportApplications(ctx, ownerID, ins)
}
