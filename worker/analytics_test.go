package worker_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/eventstore"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

func TestAnalyticsMaintenance(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	ctx := context.Background()
	u := &folio.User{Email: "ada@example.com", PasswordHash: "-", Profile: folio.Profile{Handle: "ada", DisplayName: "Ada"}}
	if err := postgres.NewUserService(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	events := eventstore.New(db)
	now := time.Now().UTC()
	yesterday := now.AddDate(0, 0, -1)
	if _, err := events.DailySalt(ctx, yesterday); err != nil {
		t.Fatal(err)
	}
	if err := events.InsertEvents(ctx, []folio.Event{{At: yesterday, OwnerID: u.ID, Kind: folio.EventView, VisitorID: 3}}); err != nil {
		t.Fatal(err)
	}
	h := &worker.AnalyticsHandlers{Events: events, Retention: 90 * 24 * time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return now }}
	if err := h.HandleAnalyticsMaintain(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var rolled, salts, ahead int
	_ = db.NewRaw("SELECT coalesce(sum(events), 0) FROM analytics_daily WHERE day = ?::date AND project_id = 0 AND dimension = ''", yesterday.Format(time.DateOnly)).Scan(ctx, &rolled)
	_ = db.NewRaw("SELECT count(*) FROM analytics_salts").Scan(ctx, &salts)
	_ = db.NewRaw("SELECT count(*) FROM pg_class WHERE relname = ?", "analytics_events_"+now.AddDate(0, 3, 0).Format("200601")).Scan(ctx, &ahead)
	if rolled != 1 || salts != 0 || ahead != 1 {
		t.Errorf("after maintenance: %d events rolled up for yesterday (want 1), %d salts left (want 0), partition 3 months ahead: %d (want 1)", rolled, salts, ahead)
	}
}
