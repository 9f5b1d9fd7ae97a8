package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

// Preferences implements folio.NotificationStore.
func (s *Store) Preferences(ctx context.Context, ownerID int64) ([]folio.NotificationPreference, error) {
	m, err := preferences(ctx, s.db, ownerID)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	out := make([]folio.NotificationPreference, 0, 2*len(folio.OwnerKinds))
	for _, k := range folio.OwnerKinds {
		for _, c := range []folio.NotificationChannel{folio.ChannelEmail, folio.ChannelWebhook} {
			out = append(out, folio.NotificationPreference{Kind: k, Channel: c, Enabled: enabled(m, k, c)})
		}
	}
	return out, nil
}

// SetPreferences implements folio.NotificationStore.
func (s *Store) SetPreferences(ctx context.Context, ownerID int64, ps []folio.NotificationPreference) error {
	v := folio.Validation{}
	for i, p := range ps {
		if !p.Kind.IsOwnerKind() {
			v.Add(fmt.Sprintf("preferences[%d].kind", i), "Not a kind of notification an owner chooses.")
		}
		if p.Channel != folio.ChannelEmail && p.Channel != folio.ChannelWebhook {
			v.Add(fmt.Sprintf("preferences[%d].channel", i), "Must be email or webhook.")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	type row struct {
		bun.BaseModel `bun:"table:notification_preferences"`
		OwnerID       int64  `bun:"owner_id"`
		Kind          string `bun:"kind"`
		Channel       string `bun:"channel"`
		Enabled       bool   `bun:"enabled"`
	}
	seen := map[prefKey]int{}
	var rows []row
	for _, p := range ps {
		k := prefKey{p.Kind, p.Channel}
		if i, ok := seen[k]; ok { // the last word counts; one row per key for the upsert
			rows[i].Enabled = p.Enabled
			continue
		}
		seen[k] = len(rows)
		rows = append(rows, row{OwnerID: ownerID, Kind: string(p.Kind), Channel: string(p.Channel), Enabled: p.Enabled})
	}
	if _, err := s.db.NewInsert().Model(&rows).On("CONFLICT (owner_id, kind, channel) DO UPDATE").
		Set("enabled = EXCLUDED.enabled").Exec(ctx); err != nil {
		return fmt.Errorf("outbox: set preferences: %w", err)
	}
	return nil
}

// EmailStatus returns the account's address and whether it is verified.
func (s *Store) EmailStatus(ctx context.Context, ownerID int64) (string, bool, error) {
	var u struct {
		Email    string       `bun:"email"`
		Verified sql.NullTime `bun:"email_verified_at"`
	}
	if err := s.db.NewRaw(`SELECT email, email_verified_at FROM users WHERE id = ?`, ownerID).Scan(ctx, &u); err != nil {
		return "", false, fmt.Errorf("outbox: email status: %w", notFound(err, "Account"))
	}
	return u.Email, u.Verified.Valid, nil
}

// Deliveries implements folio.NotificationStore.
func (s *Store) Deliveries(ctx context.Context, ownerID int64, limit int) ([]folio.Delivery, error) {
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	var rows []struct {
		ID             int64          `bun:"id"`
		NotificationID int64          `bun:"notification_id"`
		Kind           string         `bun:"kind"`
		Channel        string         `bun:"channel"`
		Target         string         `bun:"target"`
		WebhookID      sql.NullInt64  `bun:"webhook_id"`
		URL            sql.NullString `bun:"url"`
		Status         string         `bun:"status"`
		Attempts       int            `bun:"attempts"`
		NextAttemptAt  time.Time      `bun:"next_attempt_at"`
		LastError      string         `bun:"last_error"`
		CreatedAt      time.Time      `bun:"created_at"`
		SentAt         sql.NullTime   `bun:"sent_at"`
	}
	if err := s.db.NewRaw(`SELECT d.id, d.notification_id, n.kind, d.channel, d.target, d.webhook_id, w.url, d.status,
			d.attempts, d.next_attempt_at, d.last_error, d.created_at, d.sent_at
		FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
		LEFT JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.owner_id = ? ORDER BY d.id DESC LIMIT ?`, ownerID, limit).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("outbox: deliveries: %w", err)
	}
	out := make([]folio.Delivery, len(rows))
	for i, r := range rows {
		target := r.Target
		if r.URL.Valid {
			target = r.URL.String
		}
		out[i] = folio.Delivery{ID: r.ID, NotificationID: r.NotificationID, OwnerID: ownerID, Kind: folio.NotificationKind(r.Kind),
			Channel: folio.NotificationChannel(r.Channel), Target: target, WebhookID: r.WebhookID.Int64,
			Status: folio.DeliveryStatus(r.Status), Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt,
			LastError: r.LastError, CreatedAt: r.CreatedAt, SentAt: r.SentAt.Time}
	}
	return out, nil
}

type webhookRow struct {
	bun.BaseModel `bun:"table:webhooks"`

	ID           int64     `bun:"id,pk,autoincrement"`
	OwnerID      int64     `bun:"owner_id"`
	URL          string    `bun:"url"`
	Format       string    `bun:"format"`
	Description  string    `bun:"description"`
	SecretSealed []byte    `bun:"secret_sealed"`
	CreatedAt    time.Time `bun:"created_at,nullzero,default:now()"`
}

func (r *webhookRow) webhook() *folio.Webhook {
	return &folio.Webhook{ID: r.ID, OwnerID: r.OwnerID, URL: r.URL, Format: folio.WebhookFormat(r.Format),
		Description: r.Description, CreatedAt: r.CreatedAt}
}

// AddWebhook stores an endpoint (validated by the caller) with its sealed
// secret; ETOOMANY past MaxWebhooks.
func (s *Store) AddWebhook(ctx context.Context, w folio.Webhook, sealed []byte) (*folio.Webhook, error) {
	row := &webhookRow{OwnerID: w.OwnerID, URL: w.URL, Format: string(w.Format), Description: w.Description, SecretSealed: sealed}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The owner's row lock makes the count and the insert one step.
		if _, err := tx.NewRaw(`SELECT 1 FROM users WHERE id = ? FOR UPDATE`, w.OwnerID).Exec(ctx); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*webhookRow)(nil)).Where("owner_id = ?", w.OwnerID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxWebhooks {
			return folio.Errorf(folio.ETOOMANY, "An account has at most %d webhooks; delete one first.", MaxWebhooks)
		}
		_, err = tx.NewInsert().Model(row).Returning("id, created_at").Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: add webhook: %w", err)
	}
	return row.webhook(), nil
}

// Webhooks lists the owner's endpoints, oldest first.
func (s *Store) Webhooks(ctx context.Context, ownerID int64) ([]*folio.Webhook, error) {
	var rows []webhookRow
	if err := s.db.NewSelect().Model(&rows).Where("owner_id = ?", ownerID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("outbox: webhooks: %w", err)
	}
	out := make([]*folio.Webhook, len(rows))
	for i := range rows {
		out[i] = rows[i].webhook()
	}
	return out, nil
}

// Webhook returns one of the owner's endpoints and its sealed secret;
// ENOTFOUND for another owner's.
func (s *Store) Webhook(ctx context.Context, ownerID, id int64) (*folio.Webhook, []byte, error) {
	row := new(webhookRow)
	if err := s.db.NewSelect().Model(row).Where("id = ? AND owner_id = ?", id, ownerID).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("outbox: webhook: %w", notFound(err, "Webhook"))
	}
	return row.webhook(), row.SecretSealed, nil
}

// DeleteWebhook removes one of the owner's endpoints with its deliveries;
// ENOTFOUND for another owner's.
func (s *Store) DeleteWebhook(ctx context.Context, ownerID, id int64) error {
	res, err := s.db.NewDelete().Model((*webhookRow)(nil)).Where("id = ? AND owner_id = ?", id, ownerID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("outbox: delete webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "Webhook not found.")
	}
	return nil
}
