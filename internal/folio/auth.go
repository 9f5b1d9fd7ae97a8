package folio

import (
	"context"
	"slices"
	"time"
)

// Session is a browser login. Only the SHA-256 of its token is stored.
type Session struct {
	TokenHash  []byte
	UserID     int64
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time // last use, to the minute; zero before the first
}

// APIToken is a personal token for scripts and CI. Only its hash is stored;
// the secret is shown once, when created.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	TokenHash []byte
	// Scopes are the extra powers of the token beyond the API itself.
	Scopes     []string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// Token scopes. A token without scopes may use the whole API except what
// a scope guards; a browser session holds every scope.
const (
	// ScopeTokensWrite lets a token create more tokens. Without it a leaked
	// token cannot mint itself a successor that outlives its revocation.
	ScopeTokensWrite = "tokens:write"
)

// TokenScopes lists every scope a token may be given.
var TokenScopes = []string{ScopeTokensWrite}

// HasScope reports whether t was given scope.
func (t *APIToken) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// ValidateToken checks the label a person gives a token and that every
// scope is one of TokenScopes.
func ValidateToken(name string, scopes []string) error {
	var v Validation
	validateText(&v, "name", name, true, 100)
	for _, sc := range scopes {
		if !slices.Contains(TokenScopes, sc) {
			// One error for the field, naming the first unknown scope.
			v.Add("scopes", "%q is not a scope; the scopes are %v", sc, TokenScopes)
			break
		}
	}
	return v.Err()
}

// ValidatePassword checks a new password as registration does.
func ValidatePassword(field, p string) error {
	var v Validation
	validatePassword(&v, field, p)
	return v.Err()
}

// KnownDevice is a browser that logged in to an account before, named by
// a random cookie of which only the hash is stored.
type KnownDevice struct {
	TokenHash   []byte
	UserID      int64
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// CredentialService stores sessions and API tokens by hash.
type CredentialService interface {
	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns ENOTFOUND for an unknown or expired session.
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// ExtendSession moves the expiry of a session; an unknown session is
	// not an error.
	ExtendSession(ctx context.Context, hash []byte, expiresAt time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteSessions ends every session of userID except the one whose hash
	// is keep (nil: all of them).
	DeleteSessions(ctx context.Context, userID int64, keep []byte) error

	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokenByHash returns ENOTFOUND for an unknown token, and records its use.
	APITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	APITokens(ctx context.Context, userID int64) ([]*APIToken, error)
	// DeleteAPIToken returns ENOTFOUND unless the token is userID's.
	DeleteAPIToken(ctx context.Context, userID, id int64) error
	// DeleteAPITokens revokes every token of userID.
	DeleteAPITokens(ctx context.Context, userID int64) error

	// RememberDevice stores d, or records a new login when it is stored.
	RememberDevice(ctx context.Context, d *KnownDevice) error
	// DeviceByHash returns ENOTFOUND for a device never remembered.
	DeviceByHash(ctx context.Context, hash []byte) (*KnownDevice, error)
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
