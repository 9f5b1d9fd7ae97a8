package folio

import (
	"context"
	"time"
)

// Session is a browser login. Only the SHA-256 of its token is stored.
type Session struct {
	TokenHash []byte
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a personal token for scripts and CI. Only its hash is stored;
// the secret is shown once, when created.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  []byte
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// ValidateTokenName checks the label a person gives a token.
func ValidateTokenName(name string) error {
	var v Validation
	validateText(&v, "name", name, true, 100)
	return v.Err()
}

// CredentialService stores sessions and API tokens by hash.
type CredentialService interface {
	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns ENOTFOUND for an unknown or expired session.
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	DeleteSession(ctx context.Context, hash []byte) error

	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokenByHash returns ENOTFOUND for an unknown token, and records its use.
	APITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	APITokens(ctx context.Context, userID int64) ([]*APIToken, error)
	// DeleteAPIToken returns ENOTFOUND unless the token is userID's.
	DeleteAPIToken(ctx context.Context, userID, id int64) error
}

// IdempotencyRecord is the stored response to a POST with an Idempotency-Key.
type IdempotencyRecord struct {
	RequestHash []byte
	Status      int // 0 while the first request is still running
	Body        []byte
}

// IdempotencyService remembers responses to POSTs that create.
type IdempotencyService interface {
	// BeginIdempotent claims key for userID. It returns nil when the caller
	// is first and must run the request, or the existing record.
	BeginIdempotent(ctx context.Context, userID int64, key string, requestHash []byte) (*IdempotencyRecord, error)
	// FinishIdempotent stores the response of a claimed key.
	FinishIdempotent(ctx context.Context, userID int64, key string, status int, body []byte) error
	// AbandonIdempotent releases a claim whose request failed, so a retry runs.
	AbandonIdempotent(ctx context.Context, userID int64, key string) error
}
