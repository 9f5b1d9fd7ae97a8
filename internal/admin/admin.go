// Package admin is what an instance's administrators do to accounts: find
// them, suspend and unsuspend them, delete them, and grant or revoke the
// administrator role. Every action is checked against the actor (only an
// administrator acts; anybody else is told the account does not exist) and
// written to the audit log with the actor and the target.
package admin

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
)

// Account is an account as the administrators' list shows it.
type Account struct {
	ID              int64
	Email           string
	Handle          string
	DisplayName     string
	IsAdmin         bool
	EmailVerifiedAt time.Time // zero: not verified
	SuspendedAt     time.Time // zero: not suspended
	CreatedAt       time.Time
	// Sessions and Tokens count the browser sessions and API tokens alive.
	Sessions, Tokens int
}

// Suspended reports whether the account is suspended.
func (a *Account) Suspended() bool { return !a.SuspendedAt.IsZero() }

// Query selects accounts, newest first.
type Query struct {
	// Search matches a part of the email or the handle, in any case; ""
	// lists every account. At most MaxSearch characters.
	Search string
	// Before is the cursor: accounts with a lower id; 0 starts at the newest.
	Before int64
	Limit  int // clamped to [1, MaxPage]; 0 means DefaultPage
}

// Bounds of a query.
const (
	DefaultPage = 50
	MaxPage     = 200
	MaxSearch   = 100
)

// Page is a page of accounts; Next is the following page's cursor, 0 on
// the last.
type Page struct {
	Accounts []Account
	Next     int64
}

// Store reads and changes accounts (internal/postgres/adminstore).
type Store interface {
	Accounts(ctx context.Context, q Query) (Page, error)
	// Account returns ENOTFOUND for an unknown id.
	Account(ctx context.Context, id int64) (*Account, error)
	// SetSuspended suspends (or lifts the suspension of) id. Suspending
	// ends every session and API token of the account in the same
	// transaction. Returns ENOTFOUND for an unknown id.
	SetSuspended(ctx context.Context, id int64, suspended bool) (*Account, error)
	// SetAdmin grants or revokes the role. Revoking the last
	// administrator's is ECONFLICT, decided under a lock so that two
	// administrators revoking each other cannot both succeed.
	SetAdmin(ctx context.Context, id int64, isAdmin bool) (*Account, error)
}

// Deleter deletes an account with everything it owns (the account
// deletion workflow, which also removes its stored files).
type Deleter interface {
	Delete(ctx context.Context, userID int64) error
}

// Service carries out administrators' actions.
type Service struct {
	Store Store
	Audit audit.Recorder // nil: nothing recorded
	// Deleter deletes accounts; nil: deleting answers that it is not
	// available on this instance.
	Deleter Deleter
	// PagesChanged, when set, is called after a suspension or its lifting
	// with the account's id and handle, so this process drops the
	// portfolio's cached pages at once (others follow the database's
	// notification).
	PagesChanged func(ctx context.Context, userID int64, handle string)
}

// errNotFound is the answer to anybody who is not an administrator, and
// for an unknown account: the admin pages do not exist for them.
var errNotFound = folio.Errorf(folio.ENOTFOUND, "Not found.")

// allowed returns errNotFound unless actor is an administrator.
func allowed(actor *folio.User) error {
	if actor == nil || !actor.IsAdmin || !actor.SuspendedAt.IsZero() {
		return errNotFound
	}
	return nil
}

// Accounts lists accounts for an administrator.
func (s *Service) Accounts(ctx context.Context, actor *folio.User, q Query) (Page, error) {
	if err := allowed(actor); err != nil {
		return Page{}, err
	}
	q.Search = strings.TrimSpace(q.Search)
	if utf8.RuneCountInString(q.Search) > MaxSearch || !folio.IsText(q.Search) {
		return Page{}, folio.Errorf(folio.EINVALID, "A search is at most %d characters of text.", MaxSearch)
	}
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultPage
	case q.Limit > MaxPage:
		q.Limit = MaxPage
	}
	return s.Store.Accounts(ctx, q)
}

// Account returns one account for an administrator.
func (s *Service) Account(ctx context.Context, actor *folio.User, id int64) (*Account, error) {
	if err := allowed(actor); err != nil {
		return nil, err
	}
	return s.Store.Account(ctx, id)
}

// target loads the account an administrator acts on; acting on oneself is
// refused (an administrator does not lock themselves out here; their own
// account's page is for that), and so is suspending or deleting another
// administrator, whose role must be revoked first.
func (s *Service) target(ctx context.Context, actor *folio.User, id int64, verb string, adminsToo bool) (*Account, error) {
	if err := allowed(actor); err != nil {
		return nil, err
	}
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.ID == actor.ID {
		return nil, folio.Errorf(folio.ECONFLICT, "You cannot %s your own account here.", verb)
	}
	if a.IsAdmin && !adminsToo {
		return nil, folio.Errorf(folio.ECONFLICT, "%s is an administrator: revoke their role before you %s the account.", a.Handle, verb)
	}
	return a, nil
}

// record writes an administrator's action. The entry names the account by
// id only (no handle or email in its detail): it outlives the account.
func (s *Service) record(ctx context.Context, actor *folio.User, target int64, kind audit.Kind, detail map[string]string) error {
	return audit.Record(ctx, s.Audit, audit.Event{UserID: target, ActorID: actor.ID, Kind: kind, Detail: detail})
}

// Suspend suspends an account: it cannot sign in, its sessions and API
// tokens end, and its portfolio is a 404 and leaves explore and the
// sitemap. Suspending a suspended account changes nothing and is not
// recorded again.
func (s *Service) Suspend(ctx context.Context, actor *folio.User, id int64) (*Account, error) {
	return s.setSuspended(ctx, actor, id, true)
}

// Unsuspend lifts a suspension; the owner signs in again as before.
func (s *Service) Unsuspend(ctx context.Context, actor *folio.User, id int64) (*Account, error) {
	return s.setSuspended(ctx, actor, id, false)
}

func (s *Service) setSuspended(ctx context.Context, actor *folio.User, id int64, suspend bool) (*Account, error) {
	verb, kind := "suspend", audit.AdminSuspend
	if !suspend {
		verb, kind = "unsuspend", audit.AdminUnsuspend
	}
	a, err := s.target(ctx, actor, id, verb, false)
	if err != nil {
		return nil, err
	}
	if a.Suspended() == suspend {
		return a, nil
	}
	if a, err = s.Store.SetSuspended(ctx, id, suspend); err != nil {
		return nil, err
	}
	if s.PagesChanged != nil {
		s.PagesChanged(ctx, a.ID, a.Handle)
	}
	return a, s.record(ctx, actor, a.ID, kind, nil)
}

// SetAdmin grants or revokes the administrator role. An administrator may
// revoke their own role, unless they are the last one.
func (s *Service) SetAdmin(ctx context.Context, actor *folio.User, id int64, isAdmin bool) (*Account, error) {
	if err := allowed(actor); err != nil {
		return nil, err
	}
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.IsAdmin == isAdmin {
		return a, nil
	}
	if isAdmin && a.Suspended() {
		return nil, folio.Errorf(folio.ECONFLICT, "%s is suspended: lift the suspension first.", a.Handle)
	}
	if a, err = s.Store.SetAdmin(ctx, id, isAdmin); err != nil {
		return nil, err
	}
	kind := audit.AdminGrant
	if !isAdmin {
		kind = audit.AdminRevoke
	}
	return a, s.record(ctx, actor, a.ID, kind, nil)
}

// Delete deletes an account with everything it owns, through Deleter. The
// entry recording it outlives the account, without its id.
func (s *Service) Delete(ctx context.Context, actor *folio.User, id int64) error {
	a, err := s.target(ctx, actor, id, "delete", false)
	if err != nil {
		return err
	}
	if s.Deleter == nil {
		return folio.Errorf(folio.EUNAVAILABLE, "Deleting accounts is not available on this instance.")
	}
	// Recorded first: the entry must exist if the deletion does, and its
	// target id is nulled when the account goes.
	if err := s.record(ctx, actor, a.ID, audit.AdminDelete, nil); err != nil {
		return err
	}
	return s.Deleter.Delete(ctx, a.ID)
}
