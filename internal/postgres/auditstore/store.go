// Package auditstore keeps the audit log (internal/audit) in PostgreSQL,
// table audit_events (migration 20261125000020).
package auditstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/audit"
)

// row is one audit_events row. An entry about an account's own activity
// sets user_id, which cascades when the account is deleted; an entry whose
// kind outlives the account sets target_id, which is nulled instead.
type row struct {
	bun.BaseModel `bun:"table:audit_events"`

	ID        int64             `bun:"id,pk,autoincrement"`
	UserID    int64             `bun:"user_id,nullzero"`
	TargetID  int64             `bun:"target_id,nullzero"`
	ActorID   int64             `bun:"actor_id,nullzero"`
	Kind      string            `bun:"kind"`
	Detail    map[string]string `bun:"detail,type:jsonb"`
	Device    string            `bun:"device"`
	CreatedAt time.Time         `bun:"created_at,nullzero,default:now()"`
}

func (r *row) entry() audit.Entry {
	e := audit.Entry{ID: r.ID, UserID: r.UserID, ActorID: r.ActorID, Kind: audit.Kind(r.Kind), Detail: r.Detail, Device: r.Device, CreatedAt: r.CreatedAt}
	if e.UserID == 0 {
		e.UserID = r.TargetID
	}
	if e.Detail == nil {
		e.Detail = map[string]string{}
	}
	return e
}

// Store implements audit.Store.
type Store struct{ db bun.IDB }

// New returns a Store on db (a *bun.DB, or a transaction to record an
// event with the change it describes).
func New(db bun.IDB) *Store { return &Store{db: db} }

var _ audit.Store = (*Store)(nil)

// Insert implements audit.Store.
func (s *Store) Insert(ctx context.Context, e *audit.Entry) error {
	r := &row{ActorID: e.ActorID, Kind: string(e.Kind), Detail: e.Detail, Device: e.Device}
	if r.Detail == nil {
		r.Detail = map[string]string{}
	}
	if e.Kind.OutlivesAccount() {
		r.TargetID = e.UserID
	} else {
		r.UserID = e.UserID
	}
	if _, err := s.db.NewInsert().Model(r).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("auditstore: insert %s: %w", e.Kind, err)
	}
	e.ID, e.CreatedAt = r.ID, r.CreatedAt
	return nil
}

// Entries implements audit.Store. One account's entries are those about
// it (user_id or target_id) and those it did as an administrator
// (actor_id); each side reads its own index.
func (s *Store) Entries(ctx context.Context, q audit.Query) (audit.Page, error) {
	var rows []row
	sel := s.db.NewSelect().Model(&rows).OrderExpr("id DESC").Limit(int64(q.Limit + 1))
	if q.UserID != 0 {
		sel = sel.Where("(user_id = ? OR target_id = ? OR actor_id = ?)", q.UserID, q.UserID, q.UserID)
	}
	if q.Kind != "" {
		sel = sel.Where("kind = ?", string(q.Kind))
	}
	if q.Before > 0 {
		sel = sel.Where("id < ?", q.Before)
	}
	if err := sel.Scan(ctx); err != nil {
		return audit.Page{}, fmt.Errorf("auditstore: entries: %w", err)
	}
	var p audit.Page
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		p.Next = rows[len(rows)-1].ID
	}
	p.Entries = make([]audit.Entry, len(rows))
	for i := range rows {
		p.Entries[i] = rows[i].entry()
	}
	return p, nil
}

// pruneBatch bounds one DELETE, so that a first prune of a large log does
// not hold locks or bloat WAL in one statement.
const pruneBatch = 10000

// Prune implements audit.Store, in batches.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.db.ExecContext(ctx, `DELETE FROM audit_events WHERE id IN (
			SELECT id FROM audit_events WHERE created_at < ? ORDER BY created_at LIMIT ?)`, cutoff, pruneBatch)
		if err != nil {
			return total, fmt.Errorf("auditstore: prune: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}
