// Package audit is the security audit log: who signed in, failed to, turned
// two factors on or off, changed a password, revoked a session or token,
// and what administrators did to accounts. Owners read their own account's
// log; administrators read everyone's.
//
// Recording is one call from the service that did the thing:
//
//	audit.Record(ctx, s.Audit, audit.Event{UserID: u.ID, Kind: audit.TwoFactorEnabled})
//
// Record takes the device from the request's User-Agent (see
// device.NewContext, set for every HTTP request) and stores only its
// summary ("Firefox 128 on Linux"): no IP address is kept, by the privacy
// rule. Entries are kept for Retention and then pruned by the worker.
//
// When an account is deleted its own entries go with it (ON DELETE
// CASCADE), except the kinds that record an action on the account by
// someone else, or its end (Kind.OutlivesAccount): those stay, with the
// account's id nulled, so that what administrators did stays on record
// without naming anybody who has left.
package audit

import (
	"context"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/foliohq/folio/internal/device"
	"github.com/foliohq/folio/internal/folio"
)

// Kind is what happened. The values are stored; never rename one.
type Kind string

// The kinds of events.
const (
	Login            Kind = "login"
	LoginFailed      Kind = "login_failed"
	Logout           Kind = "logout"
	TwoFactorEnabled Kind = "2fa_enabled"
	TwoFactorOff     Kind = "2fa_disabled"
	RecoveryCodeUsed Kind = "recovery_code_used"
	PasskeyAdded     Kind = "passkey_added"
	PasskeyRemoved   Kind = "passkey_removed"
	// PasskeyRenamed and RecoveryCodesRenewed are recorded by internal/mfa.
	PasskeyRenamed       Kind = "passkey_renamed"
	RecoveryCodesRenewed Kind = "recovery_codes_renewed"
	PasswordChanged      Kind = "password_changed"
	SessionRevoked       Kind = "session_revoked"
	TokenCreated         Kind = "token_created"
	TokenRevoked         Kind = "token_revoked"
	SSOLogin             Kind = "sso_login"
	IdentityLinked       Kind = "identity_linked"
	IdentityUnlinked     Kind = "identity_unlinked"
	InvitationSent       Kind = "invitation_sent"
	InvitationUsed       Kind = "invitation_used"
	AdminSuspend         Kind = "admin_suspend"
	AdminUnsuspend       Kind = "admin_unsuspend"
	AdminDelete          Kind = "admin_delete"
	AdminGrant           Kind = "admin_grant"
	AdminRevoke          Kind = "admin_revoke"
	AccountDeleted       Kind = "account_deleted"
)

// kinds labels every kind for people, in the dashboard and the admin pages.
var kinds = map[Kind]string{
	Login:                "Signed in",
	LoginFailed:          "Failed sign-in",
	Logout:               "Signed out",
	TwoFactorEnabled:     "Two-factor authentication turned on",
	TwoFactorOff:         "Two-factor authentication turned off",
	RecoveryCodeUsed:     "Recovery code used",
	PasskeyAdded:         "Passkey added",
	PasskeyRemoved:       "Passkey removed",
	PasskeyRenamed:       "Passkey renamed",
	RecoveryCodesRenewed: "New recovery codes made",
	PasswordChanged:      "Password changed",
	SessionRevoked:       "Session revoked",
	TokenCreated:         "API token created",
	TokenRevoked:         "API token revoked",
	SSOLogin:             "Signed in with single sign-on",
	IdentityLinked:       "Sign-in identity linked",
	IdentityUnlinked:     "Sign-in identity unlinked",
	InvitationSent:       "Invitation sent",
	InvitationUsed:       "Signed up with an invitation",
	AdminSuspend:         "Account suspended by an administrator",
	AdminUnsuspend:       "Account unsuspended by an administrator",
	AdminDelete:          "Account deleted by an administrator",
	AdminGrant:           "Administrator role granted",
	AdminRevoke:          "Administrator role revoked",
	AccountDeleted:       "Account deleted",
}

// Kinds lists every kind, for filters and documentation.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	return out
}

// Label is how a kind reads to a person; the kind itself when unknown.
func (k Kind) Label() string {
	if l, ok := kinds[k]; ok {
		return l
	}
	return string(k)
}

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { _, ok := kinds[k]; return ok }

// OutlivesAccount reports whether an entry of this kind stays when its
// account is deleted (with the account's id nulled): an administrator's
// action on the account, or the deletion itself.
func (k Kind) OutlivesAccount() bool {
	switch k {
	case AdminSuspend, AdminUnsuspend, AdminDelete, AdminGrant, AdminRevoke, AccountDeleted:
		return true
	}
	return false
}

// Event is something to record.
type Event struct {
	// UserID is the account the event is about; 0 for none (a failed
	// sign-in with an email no account has: it is recorded, but linked to
	// nobody, and the email is not kept).
	UserID int64
	// ActorID is who acted when it was not the account itself: the
	// administrator of an admin_* event. 0: the account itself.
	ActorID int64
	Kind    Kind
	// Detail is a few facts that help read the entry (a token's name, a
	// failure's reason). Never a secret, an IP address or an email of
	// somebody else. Bounded: see MaxDetailKeys and MaxDetailValue.
	Detail map[string]string
	// UserAgent is the request's User-Agent; "" takes the one in ctx (see
	// device.NewContext). Only its summary is stored.
	UserAgent string
}

// Bounds on an event's detail: more keys are dropped, longer values cut.
const (
	MaxDetailKeys  = 8
	MaxDetailKey   = 40
	MaxDetailValue = 200
)

// Entry is a recorded event.
type Entry struct {
	ID int64
	// UserID is the account the entry is about; 0 when none, or when the
	// account was deleted since.
	UserID  int64
	ActorID int64 // 0: the account itself, or a deleted administrator
	Kind    Kind
	Detail  map[string]string
	// Device is the summary of the User-Agent, "" when there was none.
	Device    string
	CreatedAt time.Time
}

// Query selects entries, newest first.
type Query struct {
	// UserID selects one account's entries: those about it and, for an
	// administrator, those it did to others. 0: every entry (administrators
	// only; the caller checks).
	UserID int64
	// Kind selects one kind; "" every kind.
	Kind Kind
	// Before is the cursor: entries older than the one with this id; 0
	// starts at the newest.
	Before int64
	Limit  int // clamped to [1, MaxPage]; 0 means DefaultPage
}

// Page sizes of Entries.
const (
	DefaultPage = 50
	MaxPage     = 200
)

// Page is a page of entries; Next is the cursor of the following page,
// 0 on the last.
type Page struct {
	Entries []Entry
	Next    int64
}

// Store keeps entries (internal/postgres/auditstore).
type Store interface {
	// Insert stores e and sets its ID and CreatedAt.
	Insert(ctx context.Context, e *Entry) error
	// Entries answers q, whose Limit is already clamped.
	Entries(ctx context.Context, q Query) (Page, error)
	// Prune deletes the entries created before cutoff and returns how many.
	Prune(ctx context.Context, cutoff time.Time) (int64, error)
}

// Recorder records events. *Log is the real one; services hold a Recorder
// so that a unit test can pass a fake.
type Recorder interface {
	Record(ctx context.Context, e Event) error
}

// Record records e with r; a nil r records nothing (a service built
// without an audit log).
func Record(ctx context.Context, r Recorder, e Event) error {
	if r == nil {
		return nil
	}
	return r.Record(ctx, e)
}

// Retention is how long entries are kept: a year answers "was that me?"
// about any sign-in a person may remember, and is the usual span of
// security reviews; beyond it a log of someone's devices is only a risk.
const Retention = 365 * 24 * time.Hour

// Log is the audit log on a Store.
type Log struct {
	Store Store
	// Logger reports entries that could not be stored; nil: slog.Default.
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

var _ Recorder = (*Log)(nil)

// Record implements Recorder. It returns EINVALID for an unknown kind;
// a store failure is returned too, and the caller decides whether the
// action it records may stand without its entry.
func (l *Log) Record(ctx context.Context, e Event) error {
	if !e.Kind.Valid() {
		return folio.Errorf(folio.EINVALID, "audit: unknown kind %q", e.Kind)
	}
	ua := e.UserAgent
	if ua == "" {
		ua = device.FromContext(ctx)
	}
	entry := &Entry{UserID: e.UserID, ActorID: e.ActorID, Kind: e.Kind, Detail: boundDetail(e.Detail), Device: device.Describe(ua)}
	if err := l.Store.Insert(ctx, entry); err != nil {
		l.logger().Error("audit entry not stored", "kind", string(e.Kind), "user_id", e.UserID, "error", err)
		return err
	}
	return nil
}

// Entries answers q, newest first.
func (l *Log) Entries(ctx context.Context, q Query) (Page, error) {
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultPage
	case q.Limit > MaxPage:
		q.Limit = MaxPage
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return Page{}, folio.Errorf(folio.EINVALID, "%q is not a kind of audit entry.", q.Kind)
	}
	return l.Store.Entries(ctx, q)
}

// Prune deletes the entries older than Retention; the worker runs it daily.
func (l *Log) Prune(ctx context.Context) (int64, error) {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	return l.Store.Prune(ctx, now().Add(-Retention))
}

func (l *Log) logger() *slog.Logger {
	if l.Logger != nil {
		return l.Logger
	}
	return slog.Default()
}

// boundDetail copies d within the bounds, dropping empty keys and control
// characters.
func boundDetail(d map[string]string) map[string]string {
	out := make(map[string]string, min(len(d), MaxDetailKeys))
	for k, v := range d {
		if len(out) == MaxDetailKeys {
			break
		}
		k = cut(k, MaxDetailKey)
		if k == "" {
			continue
		}
		out[k] = cut(v, MaxDetailValue)
	}
	return out
}

func cut(s string, n int) string {
	if !folio.IsText(s) {
		s = ""
	}
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
