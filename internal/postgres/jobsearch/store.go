// Package jobsearch keeps the owner's job search in PostgreSQL:
// applications with their timeline, tailored share links and the private
// calendar feed. Every method scopes by owner; another owner's row is
// ENOTFOUND, as everywhere.
package jobsearch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

// Messages of the ENOTFOUND errors, so every path to a missing row says the same.
const (
	msgApplicationNotFound = "Application not found."
	msgShareLinkNotFound   = "Share link not found."
	msgFeedNotFound        = "Calendar feed not found."
)

// importBatch is how many applications one INSERT of an import carries:
// large enough that 10,000 rows take a handful of round trips, small
// enough that one statement stays a few megabytes.
const importBatch = 1000

// Store implements folio.ApplicationService, folio.ShareLinkService and
// folio.CalendarFeedService.
type Store struct {
	db  *bun.DB
	now func() time.Time
}

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db, now: time.Now} }

var (
	_ folio.ApplicationService  = (*Store)(nil)
	_ folio.ShareLinkService    = (*Store)(nil)
	_ folio.CalendarFeedService = (*Store)(nil)
)

type applicationRow struct {
	bun.BaseModel `bun:"table:applications"`

	ID             int64           `bun:"id,pk,autoincrement"`
	OwnerID        int64           `bun:"owner_id"`
	Company        string          `bun:"company"`
	Role           string          `bun:"role"`
	PostingURL     string          `bun:"posting_url"`
	AppliedOn      time.Time       `bun:"applied_on,type:date,nullzero"`
	Status         string          `bun:"status"`
	NextStep       string          `bun:"next_step"`
	NextStepDue    time.Time       `bun:"next_step_due,type:date,nullzero"`
	InterviewAt    time.Time       `bun:"interview_at,nullzero"`
	Contacts       []folio.Contact `bun:"contacts,type:jsonb"`
	Notes          string          `bun:"notes"`
	SalaryMin      *int            `bun:"salary_min"`
	SalaryMax      *int            `bun:"salary_max"`
	SalaryCurrency string          `bun:"salary_currency"`
	ProjectIDs     []int64         `bun:"project_ids,array"`
	CreatedAt      time.Time       `bun:"created_at,nullzero,default:now()"`
	UpdatedAt      time.Time       `bun:"updated_at,nullzero,default:now()"`
}

func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (r *applicationRow) application() *folio.Application {
	a := &folio.Application{ID: r.ID, OwnerID: r.OwnerID, Company: r.Company, Role: r.Role, PostingURL: r.PostingURL,
		AppliedOn: day(r.AppliedOn), Status: folio.ApplicationStatus(r.Status), NextStep: r.NextStep,
		NextStepDue: day(r.NextStepDue), Contacts: r.Contacts, Notes: r.Notes, SalaryMin: r.SalaryMin,
		SalaryMax: r.SalaryMax, SalaryCurrency: r.SalaryCurrency, ProjectIDs: r.ProjectIDs,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if !r.InterviewAt.IsZero() {
		a.InterviewAt = r.InterviewAt.UTC()
	}
	if a.Contacts == nil {
		a.Contacts = []folio.Contact{}
	}
	if a.ProjectIDs == nil {
		a.ProjectIDs = []int64{}
	}
	return a
}

// apply copies the given fields of in onto r.
func (r *applicationRow) apply(in folio.ApplicationInput) {
	set := func(dst *string, p *string) {
		if p != nil {
			*dst = *p
		}
	}
	set(&r.Company, in.Company)
	set(&r.Role, in.Role)
	set(&r.PostingURL, in.PostingURL)
	set(&r.NextStep, in.NextStep)
	set(&r.Notes, in.Notes)
	set(&r.SalaryCurrency, in.SalaryCurrency)
	if in.Status != nil {
		r.Status = string(*in.Status)
	}
	if in.AppliedOn != nil {
		r.AppliedOn = day(*in.AppliedOn)
	}
	if in.NextStepDue != nil {
		r.NextStepDue = day(*in.NextStepDue)
	}
	if in.InterviewAt != nil {
		r.InterviewAt = in.InterviewAt.UTC()
	}
	if in.Contacts != nil {
		r.Contacts = slices.Clone(*in.Contacts)
	}
	if in.SalaryMin != nil {
		r.SalaryMin = *in.SalaryMin
	}
	if in.SalaryMax != nil {
		r.SalaryMax = *in.SalaryMax
	}
	if in.ProjectIDs != nil {
		r.ProjectIDs = slices.Clone(*in.ProjectIDs)
	}
	if r.Contacts == nil {
		r.Contacts = []folio.Contact{}
	}
	if r.ProjectIDs == nil {
		r.ProjectIDs = []int64{}
	}
	if r.Status == "" {
		r.Status = string(folio.StatusApplied)
	}
}

// validateMerged checks what the row will hold once a patch is applied,
// so that a patch of salary_min alone cannot pass a salary_max below it.
func (r *applicationRow) validateMerged() error {
	in := folio.ApplicationInput{SalaryMin: &r.SalaryMin, SalaryMax: &r.SalaryMax}
	return in.Validate(false)
}

func notFound(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &folio.Error{Code: folio.ENOTFOUND, Message: message}
	}
	return err
}

// foreignProjects returns the ids among ids that are not ownerID's
// projects (with shareable: not public or unlisted ones either).
func foreignProjects(ctx context.Context, db bun.IDB, ownerID int64, ids []int64, shareable bool) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := `SELECT id FROM projects WHERE owner_id = ? AND id = ANY(?)`
	if shareable {
		q += ` AND visibility IN ('public', 'unlisted')`
	}
	var found []int64
	if err := db.NewRaw(q, ownerID, bunArray(ids)).Scan(ctx, &found); err != nil {
		return nil, fmt.Errorf("check projects: %w", err)
	}
	var bad []int64
	for _, id := range ids {
		if !slices.Contains(found, id) && !slices.Contains(bad, id) {
			bad = append(bad, id)
		}
	}
	return bad, nil
}

func badProjects(field string, bad []int64, shareable bool) error {
	ids := make([]string, len(bad))
	for i, id := range bad {
		ids[i] = strconv.FormatInt(id, 10)
	}
	what := "your projects"
	if shareable {
		what = "your public or unlisted projects"
	}
	var v folio.Validation
	v.Add(field, "must name only %s; not: %s", what, strings.Join(ids, ", "))
	return v.Err()
}

// CreateApplication implements folio.ApplicationService.
func (s *Store) CreateApplication(ctx context.Context, ownerID int64, in folio.ApplicationInput) (*folio.Application, error) {
	in.Normalize()
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	row := &applicationRow{OwnerID: ownerID}
	row.apply(in)
	if err := row.validateMerged(); err != nil {
		return nil, err
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		bad, err := foreignProjects(ctx, tx, ownerID, row.ProjectIDs, false)
		if err != nil {
			return err
		} else if len(bad) > 0 {
			return badProjects("project_ids", bad, false)
		}
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("id", "created_at", "updated_at").Returning("*").Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewRaw(`INSERT INTO application_events (application_id, occurred_at, kind, to_status) VALUES (?, ?, 'created', ?)`,
			row.ID, row.CreatedAt, row.Status).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: create application: %w", err)
	}
	return row.application(), nil
}

// ImportApplications implements folio.ApplicationService. Every input is
// validated first and the first bad one is reported by index (field
// "rows[i].name"); then all rows go in with batched multi-row INSERTs,
// each with its "created" timeline entry, in one transaction.
func (s *Store) ImportApplications(ctx context.Context, ownerID int64, ins []folio.ApplicationInput) (int, error) {
	rows := make([]applicationRow, len(ins))
	var projectIDs []int64
	var v folio.Validation
	for i := range ins {
		in := ins[i]
		in.Normalize()
		err := in.Validate(true)
		if err == nil {
			rows[i] = applicationRow{OwnerID: ownerID}
			rows[i].apply(in)
			err = rows[i].validateMerged()
		}
		var fe *folio.Error
		if errors.As(err, &fe) {
			for _, f := range fe.Fields {
				v.Add(fmt.Sprintf("rows[%d].%s", i, f.Field), "%s", f.Message)
			}
		} else if err != nil {
			return 0, err
		}
		for _, id := range rows[i].ProjectIDs {
			if !slices.Contains(projectIDs, id) {
				projectIDs = append(projectIDs, id)
			}
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		bad, err := foreignProjects(ctx, tx, ownerID, projectIDs, false)
		if err != nil {
			return err
		} else if len(bad) > 0 {
			return badProjects("project_ids", bad, false)
		}
		for start := 0; start < len(rows); start += importBatch {
			batch := rows[start:min(start+importBatch, len(rows))]
			var ids []int64
			if err := tx.NewRaw(`WITH ins AS (?) INSERT INTO application_events (application_id, occurred_at, kind, to_status)
				SELECT id, created_at, 'created', status FROM ins RETURNING application_id`,
				tx.NewInsert().Model(&batch).ExcludeColumn("id", "created_at", "updated_at").Returning("id, created_at, status"),
			).Scan(ctx, &ids); err != nil {
				return err
			}
			if len(ids) != len(batch) {
				return fmt.Errorf("inserted %d of %d", len(ids), len(batch))
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: import %d applications: %w", len(rows), err)
	}
	return len(rows), nil
}

// Application implements folio.ApplicationService.
func (s *Store) Application(ctx context.Context, ownerID, id int64) (*folio.Application, error) {
	row, err := s.applicationRow(ctx, s.db, ownerID, id, false)
	if err != nil {
		return nil, fmt.Errorf("postgres: application %d: %w", id, err)
	}
	return row.application(), nil
}

func (s *Store) applicationRow(ctx context.Context, db bun.IDB, ownerID, id int64, forUpdate bool) (*applicationRow, error) {
	row := new(applicationRow)
	q := db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID)
	if forUpdate {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, notFound(err, msgApplicationNotFound)
	}
	return row, nil
}

// Applications implements folio.ApplicationService. A limit outside
// 1..MaxApplicationsPage gives the default page size or the maximum.
func (s *Store) Applications(ctx context.Context, ownerID int64, f folio.ApplicationFilter) (folio.ApplicationPage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = folio.DefaultApplicationsPage
	}
	limit = min(limit, folio.MaxApplicationsPage)
	var rows []applicationRow
	q := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id DESC").Limit(int64(limit + 1))
	if f.Cursor > 0 {
		q = q.Where("id < ?", f.Cursor)
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, 0, len(f.Statuses))
		for _, st := range f.Statuses {
			if !st.Valid() {
				var v folio.Validation
				v.Add("status", "must be one of wishlist, applied, screening, interview, offer, accepted, rejected, withdrawn")
				return folio.ApplicationPage{}, v.Err()
			}
			statuses = append(statuses, string(st))
		}
		q = q.Where("status IN (?)", bun.In(statuses))
	}
	if err := q.Scan(ctx); err != nil {
		return folio.ApplicationPage{}, fmt.Errorf("postgres: list applications: %w", err)
	}
	page := folio.ApplicationPage{Applications: []*folio.Application{}}
	for i := range rows {
		if i == limit {
			page.NextCursor = rows[i-1].ID
			break
		}
		page.Applications = append(page.Applications, rows[i].application())
	}
	return page, nil
}

// DueApplications implements folio.ApplicationService. limit is capped at
// folio.MaxApplicationsPage*10 (the calendar feed's bound).
func (s *Store) DueApplications(ctx context.Context, ownerID int64, d time.Time, limit int) ([]*folio.Application, error) {
	limit = max(1, min(limit, folio.MaxApplicationsPage*10))
	d = day(d)
	var rows []applicationRow
	err := s.db.NewSelect().Model(&rows).
		Where("owner_id = ?", ownerID).
		// Closed applications nag no more; an interview is due on its day.
		Where("status NOT IN ('accepted', 'rejected', 'withdrawn')").
		Where("(next_step_due <= ?::date OR (interview_at >= ? AND interview_at < ?))", d.Format(time.DateOnly), d, d.AddDate(0, 0, 1)).
		OrderExpr("least(next_step_due, (interview_at AT TIME ZONE 'UTC')::date), id").
		Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: due applications: %w", err)
	}
	out := make([]*folio.Application, len(rows))
	for i := range rows {
		out[i] = rows[i].application()
	}
	return out, nil
}

// ScheduledApplications implements folio.ApplicationService.
func (s *Store) ScheduledApplications(ctx context.Context, ownerID int64, limit int) ([]*folio.Application, error) {
	limit = max(1, min(limit, folio.MaxScheduled))
	var rows []applicationRow
	err := s.db.NewSelect().Model(&rows).
		Where("owner_id = ? AND (next_step_due IS NOT NULL OR interview_at IS NOT NULL)", ownerID).
		Order("id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: scheduled applications: %w", err)
	}
	out := make([]*folio.Application, len(rows))
	for i := range rows {
		out[i] = rows[i].application()
	}
	return out, nil
}

// UpdateApplication implements folio.ApplicationService. The status change
// and its timeline entry are written in one transaction.
func (s *Store) UpdateApplication(ctx context.Context, ownerID, id int64, in folio.ApplicationInput) (*folio.Application, error) {
	in.Normalize()
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	var row *applicationRow
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if row, err = s.applicationRow(ctx, tx, ownerID, id, true); err != nil {
			return err
		}
		from := row.Status
		row.apply(in)
		if err := row.validateMerged(); err != nil {
			return err
		}
		if in.ProjectIDs != nil {
			bad, err := foreignProjects(ctx, tx, ownerID, row.ProjectIDs, false)
			if err != nil {
				return err
			} else if len(bad) > 0 {
				return badProjects("project_ids", bad, false)
			}
		}
		row.UpdatedAt = s.now()
		if _, err := tx.NewUpdate().Model(row).ExcludeColumn("id", "owner_id", "created_at").WherePK().Exec(ctx); err != nil {
			return err
		}
		if from != row.Status {
			_, err = tx.NewRaw(`INSERT INTO application_events (application_id, occurred_at, kind, from_status, to_status) VALUES (?, ?, 'status', ?, ?)`,
				row.ID, row.UpdatedAt, from, row.Status).Exec(ctx)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: update application %d: %w", id, err)
	}
	return row.application(), nil
}

// DeleteApplication implements folio.ApplicationService. Timeline and
// share links go with it (ON DELETE CASCADE); analytics events keep
// counting in the owner's totals, unattributed.
func (s *Store) DeleteApplication(ctx context.Context, ownerID, id int64) error {
	res, err := s.db.NewDelete().Model((*applicationRow)(nil)).Where("id = ? AND owner_id = ?", id, ownerID).Exec(ctx)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = sql.ErrNoRows
		}
	}
	if err != nil {
		return fmt.Errorf("postgres: delete application %d: %w", id, notFound(err, msgApplicationNotFound))
	}
	return nil
}
