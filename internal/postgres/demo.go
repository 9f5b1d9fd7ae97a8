package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/postgres/prepared"
)

type demoCheckRow struct {
	bun.BaseModel `bun:"table:demo_checks"`

	ID         int64     `bun:"id,pk,autoincrement"`
	ProjectID  int64     `bun:"project_id"`
	CheckedAt  time.Time `bun:"checked_at"`
	Up         bool      `bun:"up"`
	StatusCode int       `bun:"status_code"`
	LatencyMS  int       `bun:"latency_ms"`
	FinalURL   string    `bun:"final_url"`
	ErrorClass string    `bun:"error_class"`
	Error      string    `bun:"error"`
}

func (r *demoCheckRow) check() folio.DemoCheck {
	return folio.DemoCheck{ProjectID: r.ProjectID, CheckedAt: r.CheckedAt, Up: r.Up, StatusCode: r.StatusCode,
		Latency: time.Duration(r.LatencyMS) * time.Millisecond, FinalURL: r.FinalURL, ErrorClass: r.ErrorClass, Error: r.Error}
}

type demoStatusRow struct {
	bun.BaseModel `bun:"table:demo_status"`

	// The JSON names are to_jsonb's, for a status read along with its
	// project (ProjectPage).
	ProjectID        int64     `bun:"project_id,pk" json:"project_id"`
	State            string    `bun:"state" json:"state"`
	Since            time.Time `bun:"since" json:"since"`
	LastCheckedAt    time.Time `bun:"last_checked_at" json:"last_checked_at"`
	ConsecutiveFails int       `bun:"consecutive_fails" json:"consecutive_fails"`
	LastError        string    `bun:"last_error" json:"last_error"`
}

// state is the status as the pages show it.
func (r *demoStatusRow) state() folio.DemoSummary {
	return folio.DemoSummary{State: folio.DemoState(r.State), Since: r.Since, LastCheckedAt: r.LastCheckedAt}
}

type demoEventRow struct {
	bun.BaseModel `bun:"table:demo_events"`

	ID        int64     `bun:"id,pk,autoincrement"`
	ProjectID int64     `bun:"project_id"`
	Kind      string    `bun:"kind"`
	Message   string    `bun:"message"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

// DemoService implements folio.DemoService.
type DemoService struct{ db *bun.DB }

// NewDemoService returns a DemoService on db.
func NewDemoService(db *bun.DB) *DemoService { return &DemoService{db: db} }

var _ folio.DemoService = (*DemoService)(nil)

// RecordCheck implements folio.DemoService.
func (s *DemoService) RecordCheck(ctx context.Context, c folio.DemoCheck) (*folio.DemoEvent, error) {
	var event *folio.DemoEvent
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := &demoCheckRow{ProjectID: c.ProjectID, CheckedAt: c.CheckedAt, Up: c.Up, StatusCode: c.StatusCode,
			LatencyMS: int(c.Latency.Milliseconds()), FinalURL: c.FinalURL, ErrorClass: c.ErrorClass, Error: c.Error}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("insert demo check: %w", err)
		}
		st := new(demoStatusRow)
		err := tx.NewSelect().Model(st).Where("project_id = ?", c.ProjectID).For("UPDATE").Scan(ctx)
		state := string(folio.DemoDown)
		if c.Up {
			state = string(folio.DemoUp)
		}
		if errors.Is(err, sql.ErrNoRows) {
			st = &demoStatusRow{ProjectID: c.ProjectID, State: state, Since: c.CheckedAt}
		} else if err != nil {
			return fmt.Errorf("demo status: %w", err)
		}
		wasDown := st.ConsecutiveFails >= folio.DownAfter
		if st.State != state {
			st.State, st.Since = state, c.CheckedAt
		}
		st.LastCheckedAt = c.CheckedAt
		if c.Up {
			st.ConsecutiveFails, st.LastError = 0, ""
			if wasDown {
				event = &folio.DemoEvent{ProjectID: c.ProjectID, Kind: "recovered", Message: "The demo answers again."}
			}
		} else {
			st.ConsecutiveFails++
			st.LastError = c.Error
			if st.ConsecutiveFails == folio.DownAfter {
				event = &folio.DemoEvent{ProjectID: c.ProjectID, Kind: "down", Message: c.Error}
			}
		}
		if _, err := tx.NewInsert().Model(st).On("CONFLICT (project_id) DO UPDATE").
			Set("state = EXCLUDED.state, since = EXCLUDED.since, last_checked_at = EXCLUDED.last_checked_at").
			Set("consecutive_fails = EXCLUDED.consecutive_fails, last_error = EXCLUDED.last_error").Exec(ctx); err != nil {
			return fmt.Errorf("save demo status: %w", err)
		}
		if event != nil {
			ev := &demoEventRow{ProjectID: event.ProjectID, Kind: event.Kind, Message: event.Message}
			if _, err := tx.NewInsert().Model(ev).Returning("created_at").Exec(ctx); err != nil {
				return fmt.Errorf("insert demo event: %w", err)
			}
			event.CreatedAt = ev.CreatedAt
			// The owner hears of it exactly when the state change commits.
			if err := notifyDemo(ctx, tx, event, st.Since, c.CheckedAt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: record check of project %d: %w", c.ProjectID, err)
	}
	return event, nil
}

func (s *DemoService) uptime(ctx context.Context, projectID int64, window time.Duration) (*float64, error) {
	var ratio sql.NullFloat64
	err := s.db.NewSelect().Table("demo_checks").ColumnExpr("avg(up::int)").
		Where("project_id = ? AND checked_at > ?", projectID, time.Now().Add(-window)).Scan(ctx, &ratio)
	if err != nil {
		return nil, fmt.Errorf("uptime: %w", err)
	} else if !ratio.Valid {
		return nil, nil
	}
	return &ratio.Float64, nil
}

// DemoSummary implements folio.DemoService.
func (s *DemoService) DemoSummary(ctx context.Context, projectID int64, recent int) (folio.DemoSummary, error) {
	sum := folio.DemoSummary{State: folio.DemoUnknown, Recent: []folio.DemoCheck{}, Events: []folio.DemoEvent{}}
	st := new(demoStatusRow)
	if err := s.db.NewSelect().Model(st).Where("project_id = ?", projectID).Scan(ctx); err == nil {
		sum.State, sum.Since, sum.LastCheckedAt = folio.DemoState(st.State), st.Since, st.LastCheckedAt
	} else if !errors.Is(err, sql.ErrNoRows) { // no row yet: unknown
		return sum, fmt.Errorf("postgres: demo summary of project %d: %w", projectID, err)
	}
	var err error
	if sum.Uptime24h, err = s.uptime(ctx, projectID, 24*time.Hour); err != nil {
		return sum, fmt.Errorf("postgres: demo summary of project %d: %w", projectID, err)
	}
	if sum.Uptime7d, err = s.uptime(ctx, projectID, 7*24*time.Hour); err != nil {
		return sum, fmt.Errorf("postgres: demo summary of project %d: %w", projectID, err)
	}
	var rows []demoCheckRow
	if err := s.db.NewSelect().Model(&rows).Where("project_id = ?", projectID).Order("checked_at DESC").Limit(int64(recent)).Scan(ctx); err != nil {
		return sum, fmt.Errorf("postgres: demo summary of project %d: checks: %w", projectID, err)
	}
	for i := range rows {
		sum.Recent = append(sum.Recent, rows[i].check())
	}
	if len(sum.Recent) > 0 {
		last := sum.Recent[0]
		sum.LastCheck = &last
	}
	var events []demoEventRow
	if err := s.db.NewSelect().Model(&events).Where("project_id = ?", projectID).Order("id DESC").Limit(10).Scan(ctx); err != nil {
		return sum, fmt.Errorf("postgres: demo summary of project %d: events: %w", projectID, err)
	}
	for _, e := range events {
		sum.Events = append(sum.Events, folio.DemoEvent{ProjectID: e.ProjectID, Kind: e.Kind, Message: e.Message, CreatedAt: e.CreatedAt})
	}
	return sum, nil
}

// demoStatesQuery reads the demo states of projects: it is on every
// portfolio page render.
var demoStatesQuery = prepared.New(`SELECT project_id, state, since, last_checked_at, consecutive_fails, last_error
	FROM demo_status WHERE project_id = ANY(?)`)

// DemoStates implements folio.DemoService (demoStatesQuery).
func (s *DemoService) DemoStates(ctx context.Context, projectIDs []int64) (map[int64]folio.DemoSummary, error) {
	out := map[int64]folio.DemoSummary{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var rows []demoStatusRow
	if err := demoStatesQuery.All(ctx, s.db, &rows, projectIDs); err != nil {
		return nil, fmt.Errorf("postgres: demo states: %w", err)
	}
	for _, r := range rows {
		out[r.ProjectID] = r.state()
	}
	return out, nil
}

// DemoTargets implements folio.DemoService.
func (s *DemoService) DemoTargets(ctx context.Context, after int64, limit int) ([]folio.DemoTarget, error) {
	var rows []struct {
		ID      int64  `bun:"id"`
		DemoURL string `bun:"demo_url"`
	}
	if err := s.db.NewSelect().Table("projects").Column("id", "demo_url").
		Where("visibility = 'public' AND demo_url <> '' AND id > ?", after).Order("id").Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("postgres: demo targets: %w", err)
	}
	out := make([]folio.DemoTarget, len(rows))
	for i, r := range rows {
		out[i] = folio.DemoTarget{ProjectID: r.ID, URL: r.DemoURL}
	}
	return out, nil
}

// DemoTarget implements folio.DemoService.
func (s *DemoService) DemoTarget(ctx context.Context, projectID int64) (folio.DemoTarget, bool, error) {
	ts, err := s.DemoTargets(ctx, projectID-1, 1)
	if err != nil || len(ts) == 0 || ts[0].ProjectID != projectID {
		return folio.DemoTarget{}, false, err
	}
	return ts[0], true, nil
}

// PruneDemoChecks implements folio.DemoService.
func (s *DemoService) PruneDemoChecks(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.NewDelete().Model((*demoCheckRow)(nil)).Where("checked_at < ?", before).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: prune demo checks: %w", err)
	}
	return res.RowsAffected()
}

// notifyDemo writes the demo_down or demo_recovered notification of event
// to the outbox, in the check's transaction. The check's time names the
// cause, so a check recorded twice notifies once.
func notifyDemo(ctx context.Context, tx bun.Tx, event *folio.DemoEvent, since, checkedAt time.Time) error {
	var p struct {
		OwnerID int64  `bun:"owner_id"`
		Title   string `bun:"title"`
		DemoURL string `bun:"demo_url"`
	}
	if err := tx.NewRaw(`SELECT owner_id, title, demo_url FROM projects WHERE id = ?`, event.ProjectID).Scan(ctx, &p); err != nil {
		return fmt.Errorf("project of demo event: %w", err)
	}
	kind, data := folio.NotifyDemoDown, map[string]string{"error": event.Message}
	if event.Kind == "recovered" {
		kind, data = folio.NotifyDemoRecovered, map[string]string{}
	}
	data["project"], data["project_id"], data["demo_url"] = p.Title, fmt.Sprint(event.ProjectID), p.DemoURL
	data["since"] = since.UTC().Format("2 Jan 2006 15:04 UTC")
	data["url"] = fmt.Sprintf("/dashboard/projects/%d", event.ProjectID)
	_, err := outbox.Add(ctx, tx, folio.Notification{OwnerID: p.OwnerID, Kind: kind, Data: data,
		DedupeKey: fmt.Sprintf("%s:%d:%s", kind, event.ProjectID, checkedAt.UTC().Format(time.RFC3339Nano))})
	return err
}
