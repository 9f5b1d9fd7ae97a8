package eventstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

// shareOpenedKey is the outbox dedupe key of a link's first open: one
// notification per link, ever.
func shareOpenedKey(linkID int64) string {
	return "share_link_opened:" + strconv.FormatInt(linkID, 10)
}

type openedLinkRow struct {
	ID            int64  `bun:"id"`
	OwnerID       int64  `bun:"owner_id"`
	ApplicationID int64  `bun:"application_id"`
	Label         string `bun:"label"`
	Company       string `bun:"company"`
	Role          string `bun:"role"`
	Email         string `bun:"email"`
}

// notifyOpened writes a "share link opened" notification for each link
// of opened (link → its first view in the batch) that has none yet and
// whose view was stored. The dedupe key is checked first so that later
// views cost one indexed look-up, not an insert; outbox.Add still skips
// a race between two replicas.
func notifyOpened(ctx context.Context, tx bun.IDB, opened map[int64]time.Time) error {
	ids := make([]int64, 0, len(opened))
	for id := range opened {
		ids = append(ids, id)
	}
	var links []openedLinkRow
	err := tx.NewRaw(`
		SELECT l.id, l.owner_id, l.application_id, l.label, a.company, a.role, u.email
		FROM share_links l
		JOIN applications a ON a.id = l.application_id
		JOIN users u ON u.id = l.owner_id
		WHERE l.id IN (?)
		  AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = 'share_link_opened:' || l.id)
		  AND EXISTS (SELECT 1 FROM analytics_events e WHERE e.share_link_id = l.id AND e.kind = 'view')`,
		bun.In(ids)).Scan(ctx, &links)
	if err != nil {
		return fmt.Errorf("postgres: share links opened: %w", err)
	}
	if len(links) == 0 {
		return nil
	}
	ns := make([]folio.Notification, len(links))
	for i, l := range links {
		ns[i] = folio.Notification{OwnerID: l.OwnerID, Kind: folio.NotifyShareLinkOpened, Channel: folio.ChannelEmail,
			Target: l.Email, DedupeKey: shareOpenedKey(l.ID), Data: map[string]string{
				"application_id": strconv.FormatInt(l.ApplicationID, 10),
				"share_link_id":  strconv.FormatInt(l.ID, 10),
				"company":        l.Company,
				"role":           l.Role,
				"label":          l.Label,
				"opened_at":      opened[l.ID].UTC().Format(time.RFC3339),
			}}
	}
	if _, err := outbox.Add(ctx, tx, ns...); err != nil {
		return err
	}
	return nil
}

// maxShareActivity bounds the rows of one application's activity: 50
// links × 90 days × 11 pages × 5 kinds is far more than any real one has.
const maxShareActivity = 10000

type shareActivityRow struct {
	ShareLinkID int64     `bun:"share_link_id"`
	Day         time.Time `bun:"day"`
	ProjectID   int64     `bun:"project_id"`
	Kind        string    `bun:"kind"`
	Events      int64     `bun:"events"`
	Visitors    int64     `bun:"visitors"`
	MaxProgress int       `bun:"max_progress"`
	First       time.Time `bun:"first"`
	Last        time.Time `bun:"last"`
}

// ShareActivity implements folio.ShareActivityReader: raw events through
// the application's links, grouped by link, day (UTC), page and kind.
// Another owner's application has no activity.
func (s *Store) ShareActivity(ctx context.Context, ownerID, applicationID int64) ([]folio.ShareActivity, error) {
	var rows []shareActivityRow
	err := s.db.NewRaw(`
		SELECT e.share_link_id, (e.occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(e.project_id, 0) AS project_id,
		       e.kind, count(*) AS events, count(DISTINCT e.visitor_id) AS visitors,
		       coalesce(max(e.progress) FILTER (WHERE e.kind = 'play'), 0) AS max_progress,
		       min(e.occurred_at) AS first, max(e.occurred_at) AS last
		FROM share_links l
		JOIN analytics_events e ON e.share_link_id = l.id AND e.owner_id = l.owner_id
		WHERE l.owner_id = ? AND l.application_id = ?
		GROUP BY 1, 2, 3, 4
		ORDER BY first, 1, 3, 4
		LIMIT ?`, ownerID, applicationID, maxShareActivity).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: share activity of application %d: %w", applicationID, err)
	}
	out := make([]folio.ShareActivity, len(rows))
	for i, r := range rows {
		out[i] = folio.ShareActivity{ShareLinkID: r.ShareLinkID, Day: r.Day.UTC(), ProjectID: r.ProjectID,
			Kind: folio.EventKind(r.Kind), Events: r.Events, Visitors: r.Visitors, MaxProgress: r.MaxProgress,
			First: r.First.UTC(), Last: r.Last.UTC()}
	}
	return out, nil
}

var _ folio.ShareActivityReader = (*Store)(nil)
