// Package cardstore records which social cards of an owner are stored
// (users.cards_for), so that pages learn it with the owner's row.
package cardstore

import (
	"context"

	"github.com/uptrace/bun"
)

// Store writes users.cards_for.
type Store struct{ DB bun.IDB }

// MarkCards notes that userID's cards named tag are all stored. Tags sort
// as versions do, so a slower worker finishing an older version never
// takes the mark back.
func (s Store) MarkCards(ctx context.Context, userID int64, tag string) error {
	_, err := s.DB.NewUpdate().Table("users").Set("cards_for = ?", tag).
		Where("id = ?", userID).Where("cards_for < ?", tag).Exec(ctx)
	return err
}
