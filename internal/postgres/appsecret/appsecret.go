// Package appsecret keeps the installation's own keys in PostgreSQL, for
// when FOLIO_SECRET_KEY is not set: each is 32 random bytes, made the
// first time it is asked for by name, and the same for every process.
package appsecret

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/uptrace/bun"
)

// Get returns the key named name, making it first if there is none. Two
// processes making it at once agree: the first insert wins and both read
// it back.
func Get(ctx context.Context, db bun.IDB, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := db.NewRaw(`INSERT INTO app_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, fresh).Exec(ctx); err != nil {
		return nil, fmt.Errorf("app secret %s: %w", name, err)
	}
	var key []byte
	if err := db.NewRaw(`SELECT value FROM app_secrets WHERE name = ?`, name).Scan(ctx, &key); err != nil {
		return nil, fmt.Errorf("app secret %s: %w", name, err)
	}
	return key, nil
}
