package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type sessionRow struct {
	bun.BaseModel `bun:"table:sessions"`

	TokenHash []byte    `bun:"token_hash,pk"`
	UserID    int64     `bun:"user_id"`
	CSRFToken string    `bun:"csrf_token"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
	ExpiresAt time.Time `bun:"expires_at"`
	LastSeen  time.Time `bun:"last_seen_at,nullzero"`
	AuthAt    time.Time `bun:"authenticated_at,nullzero,default:now()"`
}

type apiTokenRow struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	Name       string     `bun:"name"`
	TokenHash  []byte     `bun:"token_hash"`
	Scopes     []string   `bun:"scopes,array"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,default:now()"`
	LastUsedAt *time.Time `bun:"last_used_at"`
}

func (r *apiTokenRow) token() *folio.APIToken {
	return &folio.APIToken{ID: r.ID, UserID: r.UserID, Name: r.Name, TokenHash: r.TokenHash, Scopes: r.Scopes, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
}

// CredentialService implements folio.CredentialService.
type CredentialService struct{ db *bun.DB }

// NewCredentialService returns a CredentialService on db.
func NewCredentialService(db *bun.DB) *CredentialService { return &CredentialService{db: db} }

var _ folio.CredentialService = (*CredentialService)(nil)

// CreateSession implements folio.CredentialService. It also prunes the
// user's expired sessions, so the table does not grow with every login.
func (s *CredentialService) CreateSession(ctx context.Context, sess *folio.Session) error {
	row := &sessionRow{TokenHash: sess.TokenHash, UserID: sess.UserID, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt}
	if _, err := s.db.NewInsert().Model(row).Returning("created_at, authenticated_at").Exec(ctx); err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	sess.CreatedAt, sess.AuthenticatedAt = row.CreatedAt, row.AuthAt
	if _, err := s.db.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ? AND expires_at < now()", sess.UserID).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: prune expired sessions: %w", err)
	}
	return nil
}

// SessionByHash implements folio.CredentialService.
func (s *CredentialService) SessionByHash(ctx context.Context, hash []byte) (*folio.Session, error) {
	row := new(sessionRow)
	err := s.db.NewSelect().Model(row).Where("token_hash = ? AND expires_at > now()", hash).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: session by hash: %w", notFound(err, msgSessionNotFound))
	}
	return &folio.Session{TokenHash: row.TokenHash, UserID: row.UserID, CSRFToken: row.CSRFToken, CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt, LastSeenAt: row.LastSeen,
		AuthenticatedAt: row.AuthAt}, nil
}

// ExtendSession implements folio.CredentialService.
func (s *CredentialService) ExtendSession(ctx context.Context, hash []byte, expiresAt time.Time) error {
	if _, err := s.db.NewUpdate().Model((*sessionRow)(nil)).Set("expires_at = ?", expiresAt).Where("token_hash = ?", hash).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: extend session: %w", err)
	}
	return nil
}

// DeleteSession implements folio.CredentialService.
func (s *CredentialService) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.db.NewDelete().Model((*sessionRow)(nil)).Where("token_hash = ?", hash).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// DeleteSessions implements folio.CredentialService.
func (s *CredentialService) DeleteSessions(ctx context.Context, userID int64, keep []byte) error {
	q := s.db.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", userID)
	if keep != nil {
		q = q.Where("token_hash <> ?", keep)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("postgres: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// CreateAPIToken implements folio.CredentialService.
func (s *CredentialService) CreateAPIToken(ctx context.Context, t *folio.APIToken) error {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	row := &apiTokenRow{UserID: t.UserID, Name: t.Name, TokenHash: t.TokenHash, Scopes: scopes}
	if _, err := s.db.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
		return fmt.Errorf("postgres: create api token: %w", err)
	}
	*t = *row.token()
	return nil
}

// APITokenByHash implements folio.CredentialService.
func (s *CredentialService) APITokenByHash(ctx context.Context, hash []byte) (*folio.APIToken, error) {
	row := new(apiTokenRow)
	// Recording the use in the same statement keeps lookups one round trip.
	err := s.db.NewUpdate().Model(row).Set("last_used_at = now()").Where("token_hash = ?", hash).Returning("*").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: api token by hash: %w", notFound(err, msgTokenNotFound))
	}
	return row.token(), nil
}

// APITokens implements folio.CredentialService.
func (s *CredentialService) APITokens(ctx context.Context, userID int64) ([]*folio.APIToken, error) {
	var rows []apiTokenRow
	if err := s.db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: api tokens of user %d: %w", userID, err)
	}
	out := make([]*folio.APIToken, len(rows))
	for i := range rows {
		out[i] = rows[i].token()
	}
	return out, nil
}

// DeleteAPIToken implements folio.CredentialService.
func (s *CredentialService) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res, err := s.db.NewDelete().Model((*apiTokenRow)(nil)).Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	if err := notFound(oneRow(res, err), msgTokenNotFound); err != nil {
		return fmt.Errorf("postgres: delete api token %d: %w", id, err)
	}
	return nil
}

// DeleteAPITokens implements folio.CredentialService.
func (s *CredentialService) DeleteAPITokens(ctx context.Context, userID int64) error {
	if _, err := s.db.NewDelete().Model((*apiTokenRow)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: delete api tokens of user %d: %w", userID, err)
	}
	return nil
}

type knownDeviceRow struct {
	bun.BaseModel `bun:"table:known_devices"`

	TokenHash   []byte    `bun:"token_hash,pk"`
	UserID      int64     `bun:"user_id"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
	LastLoginAt time.Time `bun:"last_login_at,nullzero,default:now()"`
}

// knownDeviceTTL is how long a device not used to log in is remembered.
const knownDeviceTTL = 365 * 24 * time.Hour

// RememberDevice implements folio.CredentialService. It also forgets the
// user's devices unused for a year.
func (s *CredentialService) RememberDevice(ctx context.Context, d *folio.KnownDevice) error {
	row := &knownDeviceRow{TokenHash: d.TokenHash, UserID: d.UserID}
	if _, err := s.db.NewInsert().Model(row).
		On("CONFLICT (token_hash) DO UPDATE").Set("last_login_at = now()").
		Returning("*").Exec(ctx); err != nil {
		return fmt.Errorf("postgres: remember device: %w", err)
	}
	d.CreatedAt, d.LastLoginAt = row.CreatedAt, row.LastLoginAt
	if _, err := s.db.NewDelete().Model((*knownDeviceRow)(nil)).
		Where("user_id = ? AND last_login_at < ?", d.UserID, time.Now().Add(-knownDeviceTTL)).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: forget old devices: %w", err)
	}
	return nil
}

// DeviceByHash implements folio.CredentialService.
func (s *CredentialService) DeviceByHash(ctx context.Context, hash []byte) (*folio.KnownDevice, error) {
	row := new(knownDeviceRow)
	if err := s.db.NewSelect().Model(row).Where("token_hash = ?", hash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: device by hash: %w", notFound(err, msgDeviceNotFound))
	}
	return &folio.KnownDevice{TokenHash: row.TokenHash, UserID: row.UserID, CreatedAt: row.CreatedAt, LastLoginAt: row.LastLoginAt}, nil
}

type idempotencyRow struct {
	bun.BaseModel `bun:"table:idempotency_keys"`

	UserID      int64     `bun:"user_id,pk"`
	Key         string    `bun:"key,pk"`
	RequestHash []byte    `bun:"request_hash"`
	Status      int       `bun:"status"`
	Body        []byte    `bun:"body"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

// IdempotencyService implements folio.IdempotencyService.
type IdempotencyService struct{ db *bun.DB }

// NewIdempotencyService returns an IdempotencyService on db.
func NewIdempotencyService(db *bun.DB) *IdempotencyService { return &IdempotencyService{db: db} }

var _ folio.IdempotencyService = (*IdempotencyService)(nil)

// idempotencyTTL is how long a key is remembered, as most APIs with
// Idempotency-Key do; a client retrying later creates anew.
const idempotencyTTL = 24 * time.Hour

// BeginIdempotent implements folio.IdempotencyService.
func (s *IdempotencyService) BeginIdempotent(ctx context.Context, userID int64, key string, requestHash []byte) (*folio.IdempotencyRecord, error) {
	// Forget an expired record first, so the key can be claimed again.
	if _, err := s.db.NewDelete().Model((*idempotencyRow)(nil)).
		Where("user_id = ? AND key = ? AND created_at < ?", userID, key, time.Now().Add(-idempotencyTTL)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("postgres: forget expired idempotency key: %w", err)
	}
	row := &idempotencyRow{UserID: userID, Key: key, RequestHash: requestHash, Body: []byte{}}
	res, err := s.db.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	existing := new(idempotencyRow)
	if err := s.db.NewSelect().Model(existing).Where("user_id = ? AND key = ?", userID, key).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: idempotency record: %w", err)
	}
	return &folio.IdempotencyRecord{RequestHash: existing.RequestHash, Status: existing.Status, Body: existing.Body}, nil
}

// FinishIdempotent implements folio.IdempotencyService.
func (s *IdempotencyService) FinishIdempotent(ctx context.Context, userID int64, key string, status int, body []byte) error {
	if _, err := s.db.NewUpdate().Model((*idempotencyRow)(nil)).
		Set("status = ?, body = ?", status, body).Where("user_id = ? AND key = ?", userID, key).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: finish idempotency key: %w", err)
	}
	return nil
}

// AbandonIdempotent implements folio.IdempotencyService.
func (s *IdempotencyService) AbandonIdempotent(ctx context.Context, userID int64, key string) error {
	if _, err := s.db.NewDelete().Model((*idempotencyRow)(nil)).Where("user_id = ? AND key = ? AND status = 0", userID, key).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: abandon idempotency key: %w", err)
	}
	return nil
}
