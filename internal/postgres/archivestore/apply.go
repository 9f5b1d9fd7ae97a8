package archivestore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/folio"
)

// ApplyImport implements archive.Jobs: in one transaction, the profile,
// the new projects with their media (uploaded, for the worker to
// process) and API docs requests, the record of which project each
// became, the featured order, and the import's outcome. Nothing of it
// stays when any of it fails.
func (s *Store) ApplyImport(ctx context.Context, importID int64, plan *archive.Plan) (*archive.Applied, error) {
	out := &archive.Applied{}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewSelect().Table("users").Column("id").Where("id = ?", plan.OwnerID).For("UPDATE").Exec(ctx); err != nil {
			return fmt.Errorf("lock user: %w", err)
		}
		p := plan.Profile
		if _, err := tx.NewRaw(`UPDATE users SET display_name = ?, headline = ?, bio = ?, location = ?, website_url = ?, github_url = ?,
			linkedin_url = ?, show_email = ?, updated_at = now() WHERE id = ?`, p.DisplayName, p.Headline, p.Bio, p.Location,
			p.WebsiteURL, p.GitHubURL, p.LinkedInURL, p.ShowEmail, plan.OwnerID).Exec(ctx); err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		media := 0
		if a := plan.Avatar; a != nil {
			id, err := insertMedia(ctx, tx, plan.OwnerID, 0, a)
			if err != nil {
				return err
			}
			out.Media = append(out.Media, archive.AppliedMedia{ID: id, PublicKey: a.PublicKey})
			if _, err := tx.NewRaw(`UPDATE users SET avatar_media_id = ? WHERE id = ?`, id, plan.OwnerID).Exec(ctx); err != nil {
				return fmt.Errorf("set avatar: %w", err)
			}
			media++
		}
		for _, pp := range plan.Projects {
			id, err := insertProject(ctx, tx, plan.OwnerID, pp.Source)
			if err != nil {
				return err
			}
			// The primary key refuses a second import of the same project
			// racing this one.
			if _, err := tx.NewRaw(`INSERT INTO archive_import_projects (owner_id, archive_id, source_project_id, project_id) VALUES (?, ?, ?, ?)`,
				plan.OwnerID, plan.ArchiveID, pp.Source.ID, id).Exec(ctx); err != nil {
				return fmt.Errorf("record imported project: %w", err)
			}
			for i := range pp.Media {
				mid, err := insertMedia(ctx, tx, plan.OwnerID, id, &pp.Media[i])
				if err != nil {
					return err
				}
				out.Media = append(out.Media, archive.AppliedMedia{ID: mid, PublicKey: pp.Media[i].PublicKey})
				media++
			}
			if d := pp.Source.APIDocs; d != nil && (pp.DocsKey != "" || d.Source == string(folio.SourceRepository)) {
				key := pp.DocsKey
				if key == "" {
					key = folio.NewPublicKey()
				}
				if _, err := tx.NewRaw(`INSERT INTO apidocs (project_id, key, source, status) VALUES (?, ?, ?, 'pending')`, id, key, d.Source).Exec(ctx); err != nil {
					return fmt.Errorf("request API docs: %w", err)
				}
				out.Docs = append(out.Docs, archive.AppliedDocs{ProjectID: id, Key: key})
			}
		}
		if err := feature(ctx, tx, plan); err != nil {
			return err
		}
		_, err := tx.NewRaw(`UPDATE archive_imports SET status = 'done', archive_id = ?, projects = ?, media = ?, error = '', finished_at = now() WHERE id = ?`,
			plan.ArchiveID, len(plan.Projects), media, importID).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archivestore: apply import: %w", err)
	}
	return out, nil
}

// insertProject creates the project under its slug, or the first free
// slug-2, slug-3... when the account has the slug already.
func insertProject(ctx context.Context, tx bun.Tx, ownerID int64, p archive.Project) (int64, error) {
	var id int64
	err := tx.NewRaw(`INSERT INTO projects (owner_id, slug, title, tagline, description, pitch_problem, pitch_approach, pitch_result,
			tech_tags, demo_url, repository_url, visibility)
		SELECT ?, s.slug, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?
		FROM (SELECT CASE WHEN n = 1 THEN ?::text ELSE left(?::text, 60) || '-' || n END AS slug, n FROM generate_series(1, 1000) n) s
		WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.owner_id = ? AND p.slug = s.slug)
		ORDER BY s.n LIMIT 1
		RETURNING id`,
		ownerID, p.Title, p.Tagline, p.Description, p.PitchProblem, p.PitchApproach, p.PitchResult, pgdialect.Array(p.TechTags),
		p.DemoURL, p.RepositoryURL, p.Visibility, p.Slug, p.Slug, ownerID).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("create project %q: %w", p.Slug, err)
	}
	return id, nil
}

func insertMedia(ctx context.Context, tx bun.Tx, ownerID, projectID int64, m *archive.PlannedMedia) (int64, error) {
	var id int64
	kind := m.Source.Kind
	project := sql.NullInt64{Int64: projectID, Valid: projectID != 0}
	if projectID == 0 {
		kind = string(folio.MediaAvatar)
	}
	err := tx.NewRaw(`INSERT INTO media (owner_id, project_id, kind, status, filename, content_type, size_bytes, original_key, public_key)
		VALUES (?, ?, ?, 'uploaded', ?, ?, ?, ?, ?) RETURNING id`,
		ownerID, project, kind, m.Source.Filename, m.Source.ContentType, m.Source.SizeBytes, folio.OriginalKey(m.PublicKey), m.PublicKey).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("create media: %w", err)
	}
	return id, nil
}

// feature sets the featured order of the archive on the projects it
// became, when any is public; the account's earlier order gives way.
func feature(ctx context.Context, tx bun.Tx, plan *archive.Plan) error {
	if len(plan.Featured) == 0 {
		return nil
	}
	var ids []int64
	for _, src := range plan.Featured {
		var id int64
		err := tx.NewRaw(`SELECT p.id FROM archive_import_projects m JOIN projects p ON p.id = m.project_id
			WHERE m.owner_id = ? AND m.archive_id = ? AND m.source_project_id = ? AND p.visibility = 'public'`,
			plan.OwnerID, plan.ArchiveID, src).Scan(ctx, &id)
		if err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return fmt.Errorf("find featured project: %w", err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.NewRaw(`UPDATE projects SET featured_rank = NULL WHERE owner_id = ? AND featured_rank IS NOT NULL`, plan.OwnerID).Exec(ctx); err != nil {
		return fmt.Errorf("clear featured: %w", err)
	}
	for i, id := range ids {
		if _, err := tx.NewRaw(`UPDATE projects SET featured_rank = ? WHERE id = ?`, i+1, id).Exec(ctx); err != nil {
			return fmt.Errorf("feature project: %w", err)
		}
	}
	return nil
}
