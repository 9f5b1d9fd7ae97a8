package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/prepared"
	"github.com/foliohq/folio/internal/projectpage"
)

type projectRow struct {
	bun.BaseModel `bun:"table:projects"`

	ID            int64         `bun:"id,pk,autoincrement"`
	OwnerID       int64         `bun:"owner_id"`
	Slug          string        `bun:"slug"`
	Title         string        `bun:"title"`
	Tagline       string        `bun:"tagline"`
	Description   string        `bun:"description"`
	PitchProblem  string        `bun:"pitch_problem"`
	PitchApproach string        `bun:"pitch_approach"`
	PitchResult   string        `bun:"pitch_result"`
	TechTags      []string      `bun:"tech_tags,array"`
	DemoURL       string        `bun:"demo_url"`
	RepositoryURL string        `bun:"repository_url"`
	Visibility    string        `bun:"visibility"`
	FeaturedRank  sql.NullInt16 `bun:"featured_rank"`
	CreatedAt     time.Time     `bun:"created_at,nullzero,default:now()"`
	UpdatedAt     time.Time     `bun:"updated_at,nullzero,default:now()"`
}

func (r *projectRow) project() *folio.Project {
	tags := r.TechTags
	if tags == nil {
		tags = []string{}
	}
	return &folio.Project{
		ID: r.ID, OwnerID: r.OwnerID, Slug: r.Slug, Title: r.Title, Tagline: r.Tagline,
		Description: r.Description, PitchProblem: r.PitchProblem, PitchApproach: r.PitchApproach,
		PitchResult: r.PitchResult, TechTags: tags, DemoURL: r.DemoURL, RepositoryURL: r.RepositoryURL,
		Visibility: folio.Visibility(r.Visibility), FeaturedRank: int(r.FeaturedRank.Int16),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func projectRowOf(p *folio.Project) *projectRow {
	tags := p.TechTags
	if tags == nil {
		tags = []string{}
	}
	return &projectRow{
		ID: p.ID, OwnerID: p.OwnerID, Slug: p.Slug, Title: p.Title, Tagline: p.Tagline,
		Description: p.Description, PitchProblem: p.PitchProblem, PitchApproach: p.PitchApproach,
		PitchResult: p.PitchResult, TechTags: tags, DemoURL: p.DemoURL, RepositoryURL: p.RepositoryURL,
		Visibility: string(p.Visibility), FeaturedRank: sql.NullInt16{Int16: int16(p.FeaturedRank), Valid: p.FeaturedRank > 0},
	}
}

// ProjectService implements folio.ProjectService.
type ProjectService struct {
	db    *bun.DB
	users *UserService
}

// NewProjectService returns a ProjectService on db.
func NewProjectService(db *bun.DB) *ProjectService {
	return &ProjectService{db: db, users: NewUserService(db)}
}

var _ folio.ProjectService = (*ProjectService)(nil)

// CreateProject implements folio.ProjectService.
func (s *ProjectService) CreateProject(ctx context.Context, ownerID int64, in folio.ProjectInput) (*folio.Project, error) {
	in.Normalize()
	if err := in.Validate(true); err != nil {
		return nil, fmt.Errorf("postgres: create project: %w", err)
	}
	p := &folio.Project{OwnerID: ownerID, Visibility: folio.VisibilityDraft, TechTags: []string{}}
	in.Apply(p)
	if in.Slug != nil {
		return s.insert(ctx, p)
	}
	// A generated slug takes the first free suffix: orders-api, orders-api-2, ...
	base := folio.Slugify(p.Title)
	for n := 1; n <= 100; n++ {
		p.Slug = base
		if n > 1 {
			p.Slug = fmt.Sprintf("%s-%d", base, n)
		}
		created, err := s.insert(ctx, p)
		if folio.ErrorCode(err) == folio.ECONFLICT {
			continue
		}
		return created, err
	}
	return nil, fmt.Errorf("postgres: create project: %w", conflict("slug", "Could not find a free slug for this title; give one."))
}

func (s *ProjectService) insert(ctx context.Context, p *folio.Project) (*folio.Project, error) {
	row := projectRowOf(p)
	if _, err := s.db.NewInsert().Model(row).ExcludeColumn("id").Returning("*").Exec(ctx); err != nil {
		if name, ok := uniqueViolation(err); ok && name == "projects_owner_slug_key" {
			return nil, fmt.Errorf("postgres: create project: %w", conflict("slug", "You already have a project with this slug."))
		}
		return nil, fmt.Errorf("postgres: create project: %w", err)
	}
	return row.project(), nil
}

// Project implements folio.ProjectService.
func (s *ProjectService) Project(ctx context.Context, ownerID, id int64) (*folio.Project, error) {
	row := new(projectRow)
	if err := s.db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: project %d: %w", id, notFound(err, msgProjectNotFound))
	}
	return row.project(), nil
}

// Projects implements folio.ProjectService.
func (s *ProjectService) Projects(ctx context.Context, ownerID, cursor int64, limit int) (folio.ProjectPage, error) {
	var rows []projectRow
	q := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id DESC").Limit(int64(limit + 1))
	if cursor > 0 {
		q = q.Where("id < ?", cursor)
	}
	if err := q.Scan(ctx); err != nil {
		return folio.ProjectPage{}, fmt.Errorf("postgres: list projects: %w", err)
	}
	page := folio.ProjectPage{Projects: []*folio.Project{}}
	for i := range rows {
		if i == limit {
			page.NextCursor = rows[i-1].ID
			break
		}
		page.Projects = append(page.Projects, rows[i].project())
	}
	return page, nil
}

// UpdateProject implements folio.ProjectService.
func (s *ProjectService) UpdateProject(ctx context.Context, ownerID, id int64, in folio.ProjectInput) (*folio.Project, error) {
	in.Normalize()
	if err := in.Validate(false); err != nil {
		return nil, fmt.Errorf("postgres: update project %d: %w", id, err)
	}
	var out *folio.Project
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := new(projectRow)
		if err := tx.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID).For("UPDATE").Scan(ctx); err != nil {
			return notFound(err, msgProjectNotFound)
		}
		p := row.project()
		in.Apply(p)
		next := projectRowOf(p)
		next.UpdatedAt = time.Now()
		_, err := tx.NewUpdate().Model(next).ExcludeColumn("id", "owner_id", "created_at").WherePK().Returning("*").Exec(ctx)
		if name, ok := uniqueViolation(err); ok && name == "projects_owner_slug_key" {
			return conflict("slug", "You already have a project with this slug.")
		} else if err != nil {
			return err
		}
		out = next.project()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: update project %d: %w", id, err)
	}
	return out, nil
}

// DeleteProject implements folio.ProjectService.
func (s *ProjectService) DeleteProject(ctx context.Context, ownerID, id int64) error {
	res, err := s.db.NewDelete().Model((*projectRow)(nil)).Where("id = ? AND owner_id = ?", id, ownerID).Exec(ctx)
	if err := notFound(oneRow(res, err), msgProjectNotFound); err != nil {
		return fmt.Errorf("postgres: delete project %d: %w", id, err)
	}
	return nil
}

// SetFeatured implements folio.ProjectService.
func (s *ProjectService) SetFeatured(ctx context.Context, ownerID int64, ids []int64) ([]*folio.Project, error) {
	var v folio.Validation
	if len(ids) > folio.MaxFeatured {
		v.Add("project_ids", "at most %d projects can be featured (got %d)", folio.MaxFeatured, len(ids))
		return nil, fmt.Errorf("postgres: set featured: %w", v.Err())
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			v.Add(fmt.Sprintf("project_ids[%d]", i), "project %d is listed twice", id)
		}
		seen[id] = true
	}
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("postgres: set featured: %w", err)
	}
	var out []*folio.Project
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Locking the owner's projects serializes concurrent reorderings.
		var rows []projectRow
		if err := tx.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).For("UPDATE").Scan(ctx); err != nil {
			return err
		}
		public := map[int64]bool{}
		for _, r := range rows {
			public[r.ID] = r.Visibility == string(folio.VisibilityPublic)
		}
		for i, id := range ids {
			if !public[id] {
				v.Add(fmt.Sprintf("project_ids[%d]", i), "project %d is not one of your public projects", id)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*projectRow)(nil)).Set("featured_rank = NULL").
			Where("owner_id = ? AND featured_rank IS NOT NULL", ownerID).Exec(ctx); err != nil {
			return err
		}
		for i, id := range ids {
			row := new(projectRow)
			if _, err := tx.NewUpdate().Model(row).Set("featured_rank = ?, updated_at = now()", i+1).
				Where("id = ? AND owner_id = ?", id, ownerID).Returning("*").Exec(ctx); err != nil {
				return err
			}
			out = append(out, row.project())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: set featured: %w", err)
	}
	if out == nil {
		out = []*folio.Project{}
	}
	return out, nil
}

// projectJSON is a project as to_jsonb writes it, for queries that bring an
// owner's projects along in one row.
type projectJSON struct {
	ID            int64     `json:"id"`
	OwnerID       int64     `json:"owner_id"`
	Slug          string    `json:"slug"`
	Title         string    `json:"title"`
	Tagline       string    `json:"tagline"`
	Description   string    `json:"description"`
	PitchProblem  string    `json:"pitch_problem"`
	PitchApproach string    `json:"pitch_approach"`
	PitchResult   string    `json:"pitch_result"`
	TechTags      []string  `json:"tech_tags"`
	DemoURL       string    `json:"demo_url"`
	RepositoryURL string    `json:"repository_url"`
	Visibility    string    `json:"visibility"`
	FeaturedRank  *int16    `json:"featured_rank"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func (j projectJSON) project() *folio.Project {
	r := projectRow{ID: j.ID, OwnerID: j.OwnerID, Slug: j.Slug, Title: j.Title, Tagline: j.Tagline, Description: j.Description,
		PitchProblem: j.PitchProblem, PitchApproach: j.PitchApproach, PitchResult: j.PitchResult, TechTags: j.TechTags,
		DemoURL: j.DemoURL, RepositoryURL: j.RepositoryURL, Visibility: j.Visibility, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	if j.FeaturedRank != nil {
		r.FeaturedRank = sql.NullInt16{Int16: *j.FeaturedRank, Valid: true}
	}
	return r.project()
}

// portfolioQuery reads the owner, their public projects in page order and
// their ready avatar in one query: a page render is a few round trips,
// not one per piece.
var portfolioQuery = prepared.New(`SELECT u.*, ` + lookColumn + `,
	coalesce((SELECT jsonb_agg(to_jsonb(p) - 'search' ORDER BY p.featured_rank ASC NULLS LAST, p.updated_at DESC, p.id DESC)
		FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public'), '[]') AS projects,
	coalesce((SELECT m.public_key FROM media m WHERE m.id = u.avatar_media_id AND m.status = 'ready'), '') AS avatar_key
	FROM users u WHERE lower(u.handle) = lower(?) AND u.suspended_at IS NULL`)

// Portfolio implements folio.ProjectService (portfolioQuery).
func (s *ProjectService) Portfolio(ctx context.Context, handle string) (*folio.Portfolio, error) {
	var row struct {
		userRow   `bun:",extend"`
		Projects  []projectJSON `bun:"projects,type:jsonb"`
		AvatarKey string        `bun:"avatar_key"`
	}
	err := portfolioQuery.One(ctx, s.db, &row, handle)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = &folio.Error{Code: folio.ENOTFOUND, Message: fmt.Sprintf("No portfolio has the handle %q.", handle)}
		}
		return nil, fmt.Errorf("postgres: portfolio %q: %w", handle, err)
	}
	pf := &folio.Portfolio{Owner: row.user(), Featured: []*folio.Project{}, Others: []*folio.Project{}, AvatarKey: row.AvatarKey}
	for _, j := range row.Projects {
		p := j.project()
		if p.FeaturedRank > 0 {
			pf.Featured = append(pf.Featured, p)
		} else {
			pf.Others = append(pf.Others, p)
		}
	}
	return pf, nil
}

var _ projectpage.Reader = (*ProjectService)(nil)

// projectPageQuery reads the owner, the project, its demo's status and
// its API docs in one query, as portfolioQuery reads a portfolio page's.
var projectPageQuery = prepared.New(`SELECT u.*, ` + lookColumn + `, to_jsonb(p) - 'search' AS project, to_jsonb(d) AS demo, to_jsonb(a) AS docs
	FROM users u
	LEFT JOIN projects p ON p.owner_id = u.id AND p.slug = ?
	LEFT JOIN demo_status d ON d.project_id = p.id
	LEFT JOIN apidocs a ON a.project_id = p.id
	WHERE lower(u.handle) = lower(?) AND u.suspended_at IS NULL`)

// ProjectPage implements projectpage.Reader (projectPageQuery).
func (s *ProjectService) ProjectPage(ctx context.Context, handle, slug string) (*projectpage.Page, error) {
	var row struct {
		userRow `bun:",extend"`
		Project *projectJSON   `bun:"project,type:jsonb"`
		Demo    *demoStatusRow `bun:"demo,type:jsonb"`
		Docs    *apiDocsRow    `bun:"docs,type:jsonb"`
	}
	err := projectPageQuery.One(ctx, s.db, &row, slug, handle)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && row.Project == nil) {
		err = &folio.Error{Code: folio.ENOTFOUND, Message: msgProjectNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: project page %q/%q: %w", handle, slug, err)
	}
	pg := &projectpage.Page{Owner: row.user(), Project: row.Project.project()}
	if row.Demo != nil {
		state := row.Demo.state()
		pg.Demo = &state
	}
	if row.Docs != nil {
		pg.Docs = row.Docs.docs()
	}
	return pg, nil
}

// ProjectBySlug implements folio.ProjectService.
func (s *ProjectService) ProjectBySlug(ctx context.Context, ownerID int64, slug string) (*folio.Project, error) {
	row := new(projectRow)
	if err := s.db.NewSelect().Model(row).Where("owner_id = ? AND slug = ?", ownerID, slug).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: project %q: %w", slug, notFound(err, msgProjectNotFound))
	}
	return row.project(), nil
}

// RepositoryURL implements folio.ProjectService.
func (s *ProjectService) RepositoryURL(ctx context.Context, projectID int64) (string, error) {
	var u string
	if err := s.db.NewSelect().Table("projects").Column("repository_url").Where("id = ?", projectID).Scan(ctx, &u); err != nil {
		return "", fmt.Errorf("postgres: repository url of project %d: %w", projectID, notFound(err, msgProjectNotFound))
	}
	return u, nil
}
