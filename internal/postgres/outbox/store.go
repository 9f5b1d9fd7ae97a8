package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/appsecret"
)

// Store is the worker's and the settings' view of the outbox.
type Store struct{ db *bun.DB }

// New returns a Store on db.
func New(db *bun.DB) *Store { return &Store{db: db} }

var _ folio.NotificationStore = (*Store)(nil)

// MaxWebhooks is how many endpoints an owner may add.
const MaxWebhooks = 10

type deliveryRow struct {
	bun.BaseModel `bun:"table:notification_deliveries"`

	ID             int64     `bun:"id,pk,autoincrement"`
	NotificationID int64     `bun:"notification_id"`
	OwnerID        int64     `bun:"owner_id"`
	Channel        string    `bun:"channel"`
	Target         string    `bun:"target"`
	WebhookID      *int64    `bun:"webhook_id"`
	Status         string    `bun:"status"`
	LastError      string    `bun:"last_error"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
}

type pendingRow struct {
	ID      int64  `bun:"id"`
	OwnerID int64  `bun:"owner_id"`
	Kind    string `bun:"kind"`
	Channel string `bun:"channel"`
	Target  string `bun:"target"`
}

// ErrUnverified is the reason written on an email delivery that was not
// sent because the account's address is not verified.
const ErrUnverified = "Not sent: the account's email address is not verified yet."

// FanOut writes the deliveries of up to limit notifications not yet fanned
// out and returns how many it handled. Preferences and webhooks are read
// now, so a kind turned off before the worker got to it is not sent.
func (s *Store) FanOut(ctx context.Context, limit int) (int, error) {
	handled := 0
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var pending []pendingRow
		if err := tx.NewRaw(`SELECT id, owner_id, kind, channel, target FROM notifications
			WHERE fanned_out_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`, limit).Scan(ctx, &pending); err != nil {
			return fmt.Errorf("pending notifications: %w", err)
		}
		if len(pending) == 0 {
			return nil
		}
		var rows []deliveryRow
		ids := make([]int64, len(pending))
		for i, n := range pending {
			ids[i] = n.ID
			ds, err := fanOut(ctx, tx, n)
			if err != nil {
				return err
			}
			rows = append(rows, ds...)
		}
		if len(rows) > 0 {
			if _, err := tx.NewInsert().Model(&rows).
				On("CONFLICT (notification_id, channel, target, coalesce(webhook_id, 0)) DO NOTHING").Exec(ctx); err != nil {
				return fmt.Errorf("insert deliveries: %w", err)
			}
		}
		if _, err := tx.NewRaw(`UPDATE notifications SET fanned_out_at = now() WHERE id IN (?)`, bun.In(ids)).Exec(ctx); err != nil {
			return fmt.Errorf("mark fanned out: %w", err)
		}
		handled = len(pending)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: fan out: %w", err)
	}
	return handled, nil
}

func fanOut(ctx context.Context, tx bun.Tx, n pendingRow) ([]deliveryRow, error) {
	var user struct {
		Email    string       `bun:"email"`
		Verified sql.NullTime `bun:"email_verified_at"`
	}
	if err := tx.NewRaw(`SELECT email, email_verified_at FROM users WHERE id = ?`, n.OwnerID).Scan(ctx, &user); err != nil {
		return nil, fmt.Errorf("owner %d: %w", n.OwnerID, err)
	}
	if n.Channel == string(folio.ChannelEmail) {
		// Account mail: to the given address, whatever the preferences and
		// the verification (it may be the verification).
		to := n.Target
		if to == "" {
			to = user.Email
		}
		return []deliveryRow{{NotificationID: n.ID, OwnerID: n.OwnerID, Channel: "email", Target: to, Status: "pending"}}, nil
	}
	prefs, err := preferences(ctx, tx, n.OwnerID)
	if err != nil {
		return nil, err
	}
	kind := folio.NotificationKind(n.Kind)
	var out []deliveryRow
	if enabled(prefs, kind, folio.ChannelEmail) {
		d := deliveryRow{NotificationID: n.ID, OwnerID: n.OwnerID, Channel: "email", Target: user.Email, Status: "pending"}
		if !user.Verified.Valid {
			d.Status, d.LastError = "skipped", ErrUnverified
		}
		out = append(out, d)
	}
	if enabled(prefs, kind, folio.ChannelWebhook) {
		var hooks []int64
		if err := tx.NewRaw(`SELECT id FROM webhooks WHERE owner_id = ? ORDER BY id`, n.OwnerID).Scan(ctx, &hooks); err != nil {
			return nil, fmt.Errorf("webhooks of %d: %w", n.OwnerID, err)
		}
		for _, id := range hooks {
			out = append(out, deliveryRow{NotificationID: n.ID, OwnerID: n.OwnerID, Channel: "webhook", WebhookID: &id, Status: "pending"})
		}
	}
	return out, nil
}

type prefKey struct {
	kind    folio.NotificationKind
	channel folio.NotificationChannel
}

func preferences(ctx context.Context, db bun.IDB, ownerID int64) (map[prefKey]bool, error) {
	var rows []struct {
		Kind    string `bun:"kind"`
		Channel string `bun:"channel"`
		Enabled bool   `bun:"enabled"`
	}
	if err := db.NewRaw(`SELECT kind, channel, enabled FROM notification_preferences WHERE owner_id = ?`, ownerID).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("preferences of %d: %w", ownerID, err)
	}
	m := make(map[prefKey]bool, len(rows))
	for _, r := range rows {
		m[prefKey{folio.NotificationKind(r.Kind), folio.NotificationChannel(r.Channel)}] = r.Enabled
	}
	return m, nil
}

func enabled(m map[prefKey]bool, k folio.NotificationKind, c folio.NotificationChannel) bool {
	if v, ok := m[prefKey{k, c}]; ok {
		return v
	}
	return k.DefaultEnabled()
}

// Job is a claimed delivery with what it takes to send it.
type Job struct {
	folio.Delivery
	Data          map[string]string `bun:"-"`
	OwnerName     string
	OwnerHandle   string
	WebhookURL    string
	WebhookFormat folio.WebhookFormat
	SecretSealed  []byte
}

type jobRow struct {
	ID             int64             `bun:"id"`
	NotificationID int64             `bun:"notification_id"`
	OwnerID        int64             `bun:"owner_id"`
	Channel        string            `bun:"channel"`
	Target         string            `bun:"target"`
	WebhookID      sql.NullInt64     `bun:"webhook_id"`
	Attempts       int               `bun:"attempts"`
	Kind           string            `bun:"kind"`
	Payload        map[string]string `bun:"payload,type:jsonb"`
	CreatedAt      time.Time         `bun:"created_at"`
	DisplayName    string            `bun:"display_name"`
	Handle         string            `bun:"handle"`
	URL            sql.NullString    `bun:"url"`
	Format         sql.NullString    `bun:"format"`
	SecretSealed   []byte            `bun:"secret_sealed"`
}

// Claim takes up to limit due deliveries: each gets an attempt counted
// and is hidden from other workers for lease, so that two workers never
// send the same one, and one that dies mid-send hands it back when the
// lease ends.
func (s *Store) Claim(ctx context.Context, limit int, lease time.Duration) ([]Job, error) {
	var ids []int64
	if err := s.db.NewRaw(`WITH due AS (
			SELECT id FROM notification_deliveries
			WHERE status = 'pending' AND next_attempt_at <= now()
			ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
		UPDATE notification_deliveries d SET attempts = d.attempts + 1,
			next_attempt_at = now() + make_interval(secs => ?)
		FROM due WHERE d.id = due.id RETURNING d.id`, limit, lease.Seconds()).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("outbox: claim: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []jobRow
	if err := s.db.NewRaw(`SELECT d.id, d.notification_id, d.owner_id, d.channel, d.target, d.webhook_id, d.attempts,
			n.kind, n.payload, n.created_at, u.display_name, u.handle, w.url, w.format, w.secret_sealed
		FROM notification_deliveries d
		JOIN notifications n ON n.id = d.notification_id
		JOIN users u ON u.id = d.owner_id
		LEFT JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.id IN (?) ORDER BY d.id`, bun.In(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("outbox: claimed jobs: %w", err)
	}
	jobs := make([]Job, len(rows))
	for i, r := range rows {
		jobs[i] = Job{
			Delivery: folio.Delivery{ID: r.ID, NotificationID: r.NotificationID, OwnerID: r.OwnerID,
				Kind: folio.NotificationKind(r.Kind), Channel: folio.NotificationChannel(r.Channel), Target: r.Target,
				WebhookID: r.WebhookID.Int64, Attempts: r.Attempts, CreatedAt: r.CreatedAt},
			Data: r.Payload, OwnerName: r.DisplayName, OwnerHandle: r.Handle,
			WebhookURL: r.URL.String, WebhookFormat: folio.WebhookFormat(r.Format.String), SecretSealed: r.SecretSealed,
		}
	}
	return jobs, nil
}

// Sent marks a delivery done.
func (s *Store) Sent(ctx context.Context, id int64) error {
	_, err := s.db.NewRaw(`UPDATE notification_deliveries SET status = 'sent', sent_at = now(), last_error = ''
		WHERE id = ? AND status = 'pending'`, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("outbox: mark %d sent: %w", id, err)
	}
	return nil
}

// Retry records a failed attempt: tried again after wait, or, when final,
// marked failed for good with reason.
func (s *Store) Retry(ctx context.Context, id int64, reason string, wait time.Duration, final bool) error {
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	status := "pending"
	if final {
		status = "failed"
	}
	_, err := s.db.NewRaw(`UPDATE notification_deliveries SET status = ?, last_error = ?,
		next_attempt_at = now() + make_interval(secs => ?) WHERE id = ? AND status = 'pending'`,
		status, reason, wait.Seconds(), id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("outbox: record attempt of %d: %w", id, err)
	}
	return nil
}

// Secret returns the key named name kept in the database, made (32
// random bytes) the first time it is asked for.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	return appsecret.Get(ctx, s.db, name)
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return folio.Errorf(folio.ENOTFOUND, "%s not found.", what)
	}
	return err
}

// Skip marks a delivery that cannot be sent at all, with the reason.
func (s *Store) Skip(ctx context.Context, id int64, reason string) error {
	_, err := s.db.NewRaw(`UPDATE notification_deliveries SET status = 'skipped', last_error = ?
		WHERE id = ? AND status = 'pending'`, reason, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("outbox: skip %d: %w", id, err)
	}
	return nil
}

// Scrub empties the data of a notification once its deliveries are done
// with it: account mail carries single-use links that should not outlive
// the message in the database.
func (s *Store) Scrub(ctx context.Context, notificationID int64) error {
	_, err := s.db.NewRaw(`UPDATE notifications SET payload = '{}' WHERE id = ? AND NOT EXISTS (
		SELECT 1 FROM notification_deliveries WHERE notification_id = ? AND status = 'pending')`, notificationID, notificationID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("outbox: scrub %d: %w", notificationID, err)
	}
	return nil
}

// Prune deletes notifications (with their deliveries) created before
// before whose deliveries are all done, and returns how many.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.NewRaw(`DELETE FROM notifications n WHERE n.created_at < ? AND n.fanned_out_at IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status = 'pending')`, before).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("outbox: prune: %w", err)
	}
	return res.RowsAffected()
}
