package jobsearch

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type eventRow struct {
	bun.BaseModel `bun:"table:application_events"`

	ID            int64     `bun:"id,pk,autoincrement"`
	ApplicationID int64     `bun:"application_id"`
	OccurredAt    time.Time `bun:"occurred_at,nullzero,default:now()"`
	Kind          string    `bun:"kind"`
	FromStatus    string    `bun:"from_status"`
	ToStatus      string    `bun:"to_status"`
	Body          string    `bun:"body"`
}

func (r *eventRow) event() folio.ApplicationEvent {
	return folio.ApplicationEvent{ID: r.ID, ApplicationID: r.ApplicationID, At: r.OccurredAt, Kind: folio.ApplicationEventKind(r.Kind),
		FromStatus: folio.ApplicationStatus(r.FromStatus), ToStatus: folio.ApplicationStatus(r.ToStatus), Body: r.Body}
}

// AddApplicationNote implements folio.ApplicationService.
func (s *Store) AddApplicationNote(ctx context.Context, ownerID, id int64, markdown string) (*folio.ApplicationEvent, error) {
	markdown = strings.TrimSpace(markdown)
	if err := folio.ValidateNote(markdown); err != nil {
		return nil, err
	}
	row := &eventRow{ApplicationID: id, Kind: string(folio.AppEventNote), Body: markdown}
	// The insert selects the application by owner, so another owner's id
	// inserts nothing and answers ENOTFOUND.
	err := s.db.NewRaw(`INSERT INTO application_events (application_id, kind, body)
		SELECT id, 'note', ? FROM applications WHERE id = ? AND owner_id = ?
		RETURNING id, occurred_at`, markdown, id, ownerID).Scan(ctx, &row.ID, &row.OccurredAt)
	if err != nil {
		return nil, fmt.Errorf("postgres: note on application %d: %w", id, notFound(err, msgApplicationNotFound))
	}
	ev := row.event()
	return &ev, nil
}

// maxTimeline bounds the entries one timeline read returns (the newest).
const maxTimeline = 1000

// ApplicationEvents implements folio.ApplicationService: at most the
// newest 1,000 entries, oldest first.
func (s *Store) ApplicationEvents(ctx context.Context, ownerID, id int64) ([]folio.ApplicationEvent, error) {
	if _, err := s.applicationRow(ctx, s.db, ownerID, id, false); err != nil {
		return nil, fmt.Errorf("postgres: timeline of application %d: %w", id, err)
	}
	var rows []eventRow
	if err := s.db.NewSelect().Model(&rows).Where("application_id = ?", id).
		OrderExpr("occurred_at DESC, id DESC").Limit(maxTimeline).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: timeline of application %d: %w", id, err)
	}
	out := make([]folio.ApplicationEvent, len(rows))
	for i := range rows {
		out[len(rows)-1-i] = rows[i].event()
	}
	return out, nil
}
