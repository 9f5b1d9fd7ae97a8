package postgres

import (
	"context"
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
}

type apiTokenRow struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	Name       string     `bun:"name"`
	TokenHash  []byte     `bun:"token_hash"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,default:now()"`
	LastUsedAt *time.Time `bun:"last_used_at"`
}

func (r *apiTokenRow) token() *folio.APIToken {
	return &folio.APIToken{ID: r.ID, UserID: r.UserID, Name: r.Name, TokenHash: r.TokenHash, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
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
	if _, err := s.db.NewInsert().Model(row).Returning("created_at").Exec(ctx); err != nil {
		return err
	}
	sess.CreatedAt = row.CreatedAt
	_, err := s.db.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ? AND expires_at < now()", sess.UserID).Exec(ctx)
	return err
}

// SessionByHash implements folio.CredentialService.
func (s *CredentialService) SessionByHash(ctx context.Context, hash []byte) (*folio.Session, error) {
	row := new(sessionRow)
	err := s.db.NewSelect().Model(row).Where("token_hash = ? AND expires_at > now()", hash).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "Session not found.")
	}
	return &folio.Session{TokenHash: row.TokenHash, UserID: row.UserID, CSRFToken: row.CSRFToken, CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSession implements folio.CredentialService.
func (s *CredentialService) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.db.NewDelete().Model((*sessionRow)(nil)).Where("token_hash = ?", hash).Exec(ctx)
	return err
}

// CreateAPIToken implements folio.CredentialService.
func (s *CredentialService) CreateAPIToken(ctx context.Context, t *folio.APIToken) error {
	row := &apiTokenRow{UserID: t.UserID, Name: t.Name, TokenHash: t.TokenHash}
	if _, err := s.db.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
		return err
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
		return nil, notFound(err, "Token not found.")
	}
	return row.token(), nil
}

// APITokens implements folio.CredentialService.
func (s *CredentialService) APITokens(ctx context.Context, userID int64) ([]*folio.APIToken, error) {
	var rows []apiTokenRow
	if err := s.db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("id DESC").Scan(ctx); err != nil {
		return nil, err
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
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return folio.Errorf(folio.ENOTFOUND, "Token not found.")
	}
	return nil
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
		return nil, err
	}
	row := &idempotencyRow{UserID: userID, Key: key, RequestHash: requestHash, Body: []byte{}}
	res, err := s.db.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	existing := new(idempotencyRow)
	if err := s.db.NewSelect().Model(existing).Where("user_id = ? AND key = ?", userID, key).Scan(ctx); err != nil {
		return nil, err
	}
	return &folio.IdempotencyRecord{RequestHash: existing.RequestHash, Status: existing.Status, Body: existing.Body}, nil
}

// FinishIdempotent implements folio.IdempotencyService.
func (s *IdempotencyService) FinishIdempotent(ctx context.Context, userID int64, key string, status int, body []byte) error {
	_, err := s.db.NewUpdate().Model((*idempotencyRow)(nil)).
		Set("status = ?, body = ?", status, body).Where("user_id = ? AND key = ?", userID, key).Exec(ctx)
	return err
}

// AbandonIdempotent implements folio.IdempotencyService.
func (s *IdempotencyService) AbandonIdempotent(ctx context.Context, userID int64, key string) error {
	_, err := s.db.NewDelete().Model((*idempotencyRow)(nil)).Where("user_id = ? AND key = ? AND status = 0", userID, key).Exec(ctx)
	return err
}
