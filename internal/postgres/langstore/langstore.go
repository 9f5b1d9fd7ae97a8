// Package langstore reads and writes the languages an account chose: the
// dashboard's (account_preferences) and the public pages'
// (portfolio_appearance.language, whose trigger bumps the content version
// so cached pages follow).
package langstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// Store is the languages in PostgreSQL.
type Store struct{ DB bun.IDB }

// DashboardLanguage is the language userID chose for the dashboard and
// their mail; "" when they chose none.
func (s *Store) DashboardLanguage(ctx context.Context, userID int64) (string, error) {
	var lang string
	err := s.DB.NewRaw(`SELECT language FROM account_preferences WHERE user_id = ?`, userID).Scan(ctx, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("dashboard language: %w", err)
	}
	return lang, nil
}

// SetDashboardLanguage stores userID's choice ("" follows the browser).
// The caller validates lang.
func (s *Store) SetDashboardLanguage(ctx context.Context, userID int64, lang string) error {
	_, err := s.DB.NewRaw(`INSERT INTO account_preferences (user_id, language) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET language = EXCLUDED.language, updated_at = now()`, userID, lang).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set dashboard language: %w", err)
	}
	return nil
}

// SetPageLanguage stores the language of ownerID's public pages; the
// row's trigger bumps the content version when it changes. The caller
// validates lang.
func (s *Store) SetPageLanguage(ctx context.Context, ownerID int64, lang string) error {
	_, err := s.DB.NewRaw(`INSERT INTO portfolio_appearance (owner_id, language) VALUES (?, ?)
		ON CONFLICT (owner_id) DO UPDATE SET language = EXCLUDED.language, updated_at = now()
		WHERE portfolio_appearance.language <> EXCLUDED.language`, ownerID, lang).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set page language: %w", err)
	}
	return nil
}

// RecipientLanguage is the language of the mail userID receives: the
// dashboard's if chosen, else their public pages', else "".
func (s *Store) RecipientLanguage(ctx context.Context, userID int64) (string, error) {
	var lang string
	err := s.DB.NewRaw(`SELECT coalesce(nullif((SELECT language FROM account_preferences WHERE user_id = ?), ''),
		(SELECT language FROM portfolio_appearance WHERE owner_id = ?), '')`, userID, userID).Scan(ctx, &lang)
	if err != nil {
		return "", fmt.Errorf("recipient language: %w", err)
	}
	return lang, nil
}
