// Package eventstore keeps analytics events in PostgreSQL: raw events in
// monthly partitions, the daily salts, and the daily rollups that reports
// read (with today's raw rows).
package eventstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type analyticsEventRow struct {
	bun.BaseModel `bun:"table:analytics_events"`

	OccurredAt time.Time `bun:"occurred_at"`
	OwnerID    int64     `bun:"owner_id"`
	ProjectID  int64     `bun:"project_id,nullzero"`
	Kind       string    `bun:"kind"`
	VisitorID  int64     `bun:"visitor_id,nullzero"`
	Referrer   string    `bun:"referrer"`
	Source     string    `bun:"source"`
	Device     string    `bun:"device"`
	Progress   int       `bun:"progress"`
	// ShareLinkID is 0 (NULL) for the public pages.
	ShareLinkID int64 `bun:"share_link_id,nullzero"`
}

// Store implements folio.EventStore, folio.AnalyticsReader and
// folio.ShareActivityReader.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

// InsertEvents stores a batch in one multi-row INSERT. Events of projects
// or owners deleted since they were recorded are skipped, not an error:
// the batch must not fail for one stale row; an event of a share link
// deleted since is kept, unattributed. A batch holding views through
// share links also writes, in the same transaction, the "share link
// opened" notification of each link opened for the first time.
func (s *Store) InsertEvents(ctx context.Context, events []folio.Event) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]analyticsEventRow, len(events))
	var opened map[int64]time.Time // share link → its first view in this batch
	for i, e := range events {
		rows[i] = analyticsEventRow{OccurredAt: e.At.UTC(), OwnerID: e.OwnerID, ProjectID: e.ProjectID, Kind: string(e.Kind),
			VisitorID: e.VisitorID, Referrer: e.Referrer, Source: e.Source, Device: string(e.Device), Progress: e.Progress,
			ShareLinkID: e.ShareLinkID}
		if e.ShareLinkID != 0 && e.Kind == folio.EventView {
			if opened == nil {
				opened = map[int64]time.Time{}
			}
			if at, ok := opened[e.ShareLinkID]; !ok || e.At.Before(at) {
				opened[e.ShareLinkID] = e.At.UTC()
			}
		}
	}
	if len(opened) == 0 {
		return insertExisting(ctx, s.db, rows)
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := insertExisting(ctx, tx, rows); err != nil {
			return err
		}
		return notifyOpened(ctx, tx, opened)
	})
}

// insertExisting inserts the rows whose owner and project still exist,
// keeping a share link only while it exists and is the owner's.
func insertExisting(ctx context.Context, db bun.IDB, rows []analyticsEventRow) error {
	_, err := db.NewRaw(`
		INSERT INTO analytics_events (occurred_at, owner_id, project_id, kind, visitor_id, referrer, source, device, progress, share_link_id)
		SELECT v.occurred_at::timestamptz, v.owner_id::bigint, v.project_id::bigint, v.kind::text, v.visitor_id::bigint,
		       v.referrer::text, v.source::text, v.device::text, v.progress::smallint,
		       (SELECT l.id FROM share_links l WHERE l.id = v.share_link_id::bigint AND l.owner_id = v.owner_id::bigint)
		FROM (?) AS v (occurred_at, owner_id, project_id, kind, visitor_id, referrer, source, device, progress, share_link_id)
		WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = v.owner_id::bigint)
		  AND (v.project_id IS NULL OR EXISTS (SELECT 1 FROM projects p WHERE p.id = v.project_id::bigint))`,
		db.NewValues(&rows)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("postgres: insert %d analytics events: %w", len(rows), err)
	}
	return nil
}

// DailySalt returns day's salt, creating it once for every replica.
func (s *Store) DailySalt(ctx context.Context, day time.Time) ([]byte, error) {
	d := day.UTC().Format(time.DateOnly)
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	var got []byte
	err := s.db.NewRaw(`
		WITH ins AS (
			INSERT INTO analytics_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING RETURNING salt)
		SELECT salt FROM ins UNION ALL SELECT salt FROM analytics_salts WHERE day = ? LIMIT 1`, d, salt, d).Scan(ctx, &got)
	if err != nil {
		return nil, fmt.Errorf("postgres: daily salt: %w", err)
	}
	return got, nil
}

// ForgetSaltsBefore destroys old salts, so old visitor ids can never be
// recomputed.
func (s *Store) ForgetSaltsBefore(ctx context.Context, day time.Time) (int64, error) {
	res, err := s.db.NewRaw(`DELETE FROM analytics_salts WHERE day < ?`, day.UTC().Format(time.DateOnly)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: forget salts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("postgres: forget salts: %w", err)
	}
	return n, nil
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func partitionName(month time.Time) string { return "analytics_events_" + month.Format("200601") }

var partitionPattern = regexp.MustCompile(`^analytics_events_(\d{6})$`)

// EnsurePartitions creates the partitions of months from.. from+months.
func (s *Store) EnsurePartitions(ctx context.Context, from time.Time, months int) error {
	m := monthStart(from)
	for i := 0; i <= months; i++ {
		start, end := m.AddDate(0, i, 0), m.AddDate(0, i+1, 0)
		_, err := s.db.ExecContext(ctx, fmt.Sprintf(
			`CREATE TABLE IF NOT EXISTS %s PARTITION OF analytics_events FOR VALUES FROM ('%s') TO ('%s')`,
			partitionName(start), start.Format(time.DateOnly), end.Format(time.DateOnly)))
		if err != nil {
			return fmt.Errorf("postgres: create partition %s: %w", partitionName(start), err)
		}
	}
	return nil
}

// DropPartitionsBefore drops every partition whose month ends on or
// before cutoff: retention by DROP TABLE, never by deleting rows.
func (s *Store) DropPartitionsBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	var names []string
	err := s.db.NewRaw(`
		SELECT c.relname FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid
		JOIN pg_class p ON p.oid = i.inhparent
		WHERE p.relname = 'analytics_events'`).Scan(ctx, &names)
	if err != nil {
		return nil, fmt.Errorf("postgres: list partitions: %w", err)
	}
	var dropped []string
	for _, name := range names {
		m := partitionPattern.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		month, err := time.Parse("200601", m[1])
		if err != nil || month.AddDate(0, 1, 0).After(cutoff.UTC()) {
			continue
		}
		if _, err := s.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
			return dropped, fmt.Errorf("postgres: drop partition %s: %w", name, err)
		}
		dropped = append(dropped, name)
	}
	return dropped, nil
}

// rollupSelect aggregates raw events of [from, to) into analytics_daily's
// shape, in one pass (GROUPING SETS): per page (project_id 0 is the
// portfolio page) the totals and how far plays got; over all pages
// (project_id -1) the totals, so that a visitor who saw three pages counts
// once, and the breakdowns by referrer, source and device; plus
// the per-visitor funnel portfolio view → project view → demo click. The
// owner filter is optional (0: every owner). Arguments: day, from, to,
// owner, owner, then the same five again for the funnel.
const rollupSelect = `
	SELECT owner_id, ?::date AS day,
	       CASE WHEN GROUPING(project_id) = 1 THEN -1 ELSE coalesce(project_id, 0) END AS project_id, kind,
	       CASE WHEN GROUPING(referrer) = 0 THEN 'referrer'
	            WHEN GROUPING(source) = 0 THEN 'source'
	            WHEN GROUPING(device) = 0 THEN 'device'
	            WHEN GROUPING(progress) = 0 THEN 'progress'
	            ELSE '' END AS dimension,
	       coalesce(CASE WHEN GROUPING(referrer) = 0 THEN referrer
	                     WHEN GROUPING(source) = 0 THEN source
	                     WHEN GROUPING(device) = 0 THEN device
	                     WHEN GROUPING(progress) = 0 THEN progress::text END, '') AS value,
	       count(*) AS events, count(DISTINCT visitor_id) AS visitors
	FROM analytics_events
	WHERE occurred_at >= ? AND occurred_at < ? AND (?::bigint = 0 OR owner_id = ?::bigint)
	GROUP BY GROUPING SETS (
		(owner_id, project_id, kind),
		(owner_id, project_id, kind, progress),
		(owner_id, kind),
		(owner_id, kind, referrer),
		(owner_id, kind, source),
		(owner_id, kind, device))
	UNION ALL
	SELECT owner_id, ?::date, 0, 'funnel', 'step', step, n, n
	FROM (
		SELECT owner_id,
		       count(*) FILTER (WHERE portfolio) AS s1,
		       count(*) FILTER (WHERE portfolio AND project) AS s2,
		       count(*) FILTER (WHERE portfolio AND project AND demo) AS s3
		FROM (
			SELECT owner_id, visitor_id,
			       bool_or(kind = 'view' AND project_id IS NULL) AS portfolio,
			       bool_or(kind = 'view' AND project_id IS NOT NULL) AS project,
			       bool_or(kind = 'demo_click') AS demo
			FROM analytics_events
			WHERE occurred_at >= ? AND occurred_at < ? AND visitor_id IS NOT NULL AND (?::bigint = 0 OR owner_id = ?::bigint)
			GROUP BY owner_id, visitor_id) per_visitor
		GROUP BY owner_id) f,
	LATERAL (VALUES ('1', s1), ('2', s2), ('3', s3)) AS steps (step, n)`

func dayBounds(day time.Time) (string, time.Time, time.Time) {
	day = day.UTC()
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return from.Format(time.DateOnly), from, from.AddDate(0, 0, 1)
}

func rollupArgs(day time.Time, ownerID int64) []any {
	d, from, to := dayBounds(day)
	return []any{d, from, to, ownerID, ownerID, d, from, to, ownerID, ownerID}
}

// RollUp replaces day's rollups with counts from the raw events, in one
// transaction, so a rerun (or a late event) converges.
func (s *Store) RollUp(ctx context.Context, day time.Time) error {
	d, _, _ := dayBounds(day)
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`DELETE FROM analytics_daily WHERE day = ?`, d).Exec(ctx); err != nil {
			return fmt.Errorf("postgres: roll up %s: %w", d, err)
		}
		_, err := tx.NewRaw(`INSERT INTO analytics_daily (owner_id, day, project_id, kind, dimension, value, events, visitors) `+
			rollupSelect, rollupArgs(day, 0)...).Exec(ctx)
		if err != nil {
			return fmt.Errorf("postgres: roll up %s: %w", d, err)
		}
		return nil
	})
}

var _ folio.EventStore = (*Store)(nil)
