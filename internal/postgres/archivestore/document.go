// Package archivestore keeps account archives in PostgreSQL: it reads an
// account into an archive.Document, records export and import jobs, and
// writes an imported archive's rows in one transaction.
package archivestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/folio"
)

// Store implements archive.Rows.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ archive.Rows = (*Store)(nil)

// storedMedia is a media row with where its original is kept.
type storedMedia struct {
	archive.Media
	ProjectID   sql.NullInt64
	OriginalKey string
}

// Document implements archive.Rows. It reads in one repeatable-read
// transaction, so that the document is one moment of the account.
func (s *Store) Document(ctx context.Context, ownerID int64) (*archive.Document, []archive.Object, error) {
	doc := &archive.Document{}
	var objects []archive.Object
	err := s.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		var avatarID sql.NullInt64
		p := &doc.Profile
		err := tx.NewRaw(`SELECT email, handle, display_name, headline, bio, location, website_url, github_url, linkedin_url, show_email, created_at, avatar_media_id
			FROM users WHERE id = ?`, ownerID).Scan(ctx, &p.Email, &p.Handle, &p.DisplayName, &p.Headline, &p.Bio, &p.Location,
			&p.WebsiteURL, &p.GitHubURL, &p.LinkedInURL, &p.ShowEmail, &p.CreatedAt, &avatarID)
		if errors.Is(err, sql.ErrNoRows) {
			return folio.Errorf(folio.ENOTFOUND, "User not found.")
		} else if err != nil {
			return fmt.Errorf("read profile: %w", err)
		}
		type ranked struct {
			ID   int64
			Rank sql.NullInt64
		}
		var ranks []ranked
		rows, err := tx.QueryContext(ctx, `SELECT id, slug, title, tagline, description, pitch_problem, pitch_approach, pitch_result,
			array_to_json(tech_tags)::text, demo_url, repository_url, visibility, created_at, featured_rank FROM projects WHERE owner_id = ? ORDER BY id`, ownerID)
		if err != nil {
			return fmt.Errorf("read projects: %w", err)
		}
		for rows.Next() {
			var pr archive.Project
			var tags string
			var rank sql.NullInt64
			if err := rows.Scan(&pr.ID, &pr.Slug, &pr.Title, &pr.Tagline, &pr.Description, &pr.PitchProblem, &pr.PitchApproach, &pr.PitchResult,
				&tags, &pr.DemoURL, &pr.RepositoryURL, &pr.Visibility, &pr.CreatedAt, &rank); err != nil {
				rows.Close()
				return fmt.Errorf("read project: %w", err)
			}
			pr.TechTags = jsonStrings(tags)
			doc.Projects = append(doc.Projects, pr)
			ranks = append(ranks, ranked{pr.ID, rank})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read projects: %w", err)
		}
		for r := int64(1); r <= 5; r++ {
			for _, x := range ranks {
				if x.Rank.Valid && x.Rank.Int64 == r {
					doc.Featured = append(doc.Featured, x.ID)
				}
			}
		}
		index := map[int64]*archive.Project{}
		for i := range doc.Projects {
			index[doc.Projects[i].ID] = &doc.Projects[i]
		}

		var media []storedMedia
		rows, err = tx.QueryContext(ctx, `SELECT id, kind, status, filename, content_type, size_bytes, project_id, original_key
			FROM media WHERE owner_id = ? ORDER BY id`, ownerID)
		if err != nil {
			return fmt.Errorf("read media: %w", err)
		}
		for rows.Next() {
			var m storedMedia
			if err := rows.Scan(&m.ID, &m.Kind, &m.Status, &m.Filename, &m.ContentType, &m.SizeBytes, &m.ProjectID, &m.OriginalKey); err != nil {
				rows.Close()
				return fmt.Errorf("read media: %w", err)
			}
			media = append(media, m)
		}
		rows.Close()
		for _, m := range media {
			// An upload that never completed has no original to keep.
			if m.Status != string(folio.MediaUploading) {
				m.Entry = fmt.Sprintf("media/%d/original", m.ID)
				objects = append(objects, archive.Object{Entry: m.Entry, Key: m.OriginalKey})
			}
			switch {
			case m.ProjectID.Valid && index[m.ProjectID.Int64] != nil:
				pr := index[m.ProjectID.Int64]
				pr.Media = append(pr.Media, m.Media)
			case avatarID.Valid && avatarID.Int64 == m.ID:
				a := m.Media
				doc.Profile.Avatar = &a
			}
		}

		var docs []struct {
			ProjectID int64
			Source    string
			Key       string
			Title     string
			Version   string
		}
		if err := tx.NewRaw(`SELECT a.project_id, a.source, coalesce(a.key, a.project_id::text) AS key, a.title, a.api_version AS version
			FROM apidocs a JOIN projects p ON p.id = a.project_id WHERE p.owner_id = ? ORDER BY a.project_id`, ownerID).Scan(ctx, &docs); err != nil {
			return fmt.Errorf("read API docs: %w", err)
		}
		for _, d := range docs {
			ad := &archive.APIDocs{Source: d.Source, Title: d.Title, Version: d.Version}
			if d.Source != string(folio.SourceRepository) {
				ad.Entry = fmt.Sprintf("apidocs/%d/source", d.ProjectID)
				objects = append(objects, archive.Object{Entry: ad.Entry, Key: folio.APIDocsSourceKey(d.Key), ContentTypeOf: &ad.ContentType})
			}
			if pr := index[d.ProjectID]; pr != nil {
				pr.APIDocs = ad
			}
		}
		return s.jobSearch(ctx, tx, ownerID, doc)
	})
	if err != nil {
		return nil, nil, err
	}
	return doc, objects, nil
}

// jobSearch reads the applications with their timelines and share links,
// the rollups, the notification preferences and the webhooks.
func (s *Store) jobSearch(ctx context.Context, tx bun.Tx, ownerID int64, doc *archive.Document) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, company, role, posting_url, applied_on::text, status, next_step, next_step_due::text,
		interview_at, contacts::text, notes, salary_min, salary_max, salary_currency, array_to_json(project_ids)::text, created_at
		FROM applications WHERE owner_id = ? ORDER BY id`, ownerID)
	if err != nil {
		return fmt.Errorf("read applications: %w", err)
	}
	for rows.Next() {
		var a archive.Application
		var contacts, ids string
		var interview sql.NullTime
		if err := rows.Scan(&a.ID, &a.Company, &a.Role, &a.PostingURL, &a.AppliedOn, &a.Status, &a.NextStep, &a.NextStepDue,
			&interview, &contacts, &a.Notes, &a.SalaryMin, &a.SalaryMax, &a.SalaryCurrency, &ids, &a.CreatedAt); err != nil {
			rows.Close()
			return fmt.Errorf("read application: %w", err)
		}
		if interview.Valid {
			a.InterviewAt = &interview.Time
		}
		a.Contacts, a.ProjectIDs = []byte(contacts), jsonInts(ids)
		a.Events, a.ShareLinks = []archive.ApplicationStep{}, []archive.ShareLink{}
		doc.Applications = append(doc.Applications, a)
	}
	rows.Close()
	for i := range doc.Applications {
		a := &doc.Applications[i]
		if err := tx.NewRaw(`SELECT occurred_at, kind, from_status, to_status, body FROM application_events WHERE application_id = ? ORDER BY occurred_at, id`, a.ID).
			Scan(ctx, &a.Events); err != nil {
			return fmt.Errorf("read timeline: %w", err)
		}
		lr, err := tx.QueryContext(ctx, `SELECT label, note, array_to_json(project_ids)::text, expires_at, revoked_at, created_at FROM share_links WHERE application_id = ? ORDER BY id`, a.ID)
		if err != nil {
			return fmt.Errorf("read share links: %w", err)
		}
		for lr.Next() {
			var l archive.ShareLink
			var ids string
			var exp, rev sql.NullTime
			if err := lr.Scan(&l.Label, &l.Note, &ids, &exp, &rev, &l.CreatedAt); err != nil {
				lr.Close()
				return fmt.Errorf("read share link: %w", err)
			}
			l.ProjectIDs, l.ExpiresAt, l.RevokedAt = jsonInts(ids), timePtr(exp), timePtr(rev)
			a.ShareLinks = append(a.ShareLinks, l)
		}
		lr.Close()
	}
	if err := tx.NewRaw(`SELECT day::text AS day, project_id, kind, dimension, value, events, visitors FROM analytics_daily WHERE owner_id = ? ORDER BY day, project_id, kind, dimension, value`, ownerID).
		Scan(ctx, &doc.Analytics); err != nil {
		return fmt.Errorf("read rollups: %w", err)
	}
	if err := tx.NewRaw(`SELECT kind, channel, enabled FROM notification_preferences WHERE owner_id = ? ORDER BY kind, channel`, ownerID).
		Scan(ctx, &doc.Notifications); err != nil {
		return fmt.Errorf("read preferences: %w", err)
	}
	if err := tx.NewRaw(`SELECT url, format, description, created_at FROM webhooks WHERE owner_id = ? ORDER BY id`, ownerID).
		Scan(ctx, &doc.Webhooks); err != nil {
		return fmt.Errorf("read webhooks: %w", err)
	}
	return nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}
