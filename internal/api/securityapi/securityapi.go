// Package securityapi serves the caller's own sessions and audit log under
// /api/v1/me (listed in internal/api/routes.go): the same as the
// dashboard's security page. A session or entry of another account is a
// 404, like one that does not exist.
package securityapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/sessions"
)

// Services back the routes; a nil one makes its routes answer 404.
type Services struct {
	Sessions *sessions.Service
	Audit    *audit.Log
}

// SessionResponse is a browser session. No IP address is kept: a session
// shows the browser it was last used from, and its times.
type SessionResponse struct {
	ID int64 `json:"id"`
	// Device summarises the User-Agent it was last used from; "" before its
	// first use after sign-in.
	Device     string     `json:"device" example:"Firefox 128 on Linux"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	// Current is the session making this request.
	Current bool `json:"current"`
}

// SessionList is the caller's sessions, most recently used first (at most 100).
type SessionList struct {
	Items []SessionResponse `json:"items"`
}

// RevokedResponse says how many sessions were ended.
type RevokedResponse struct {
	Revoked int64 `json:"revoked"`
}

// AuditEntry is one event of the audit log.
type AuditEntry struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind" example:"login_failed"`
	Label string `json:"label" example:"Failed sign-in"`
	// Detail holds a few facts about the event (a token's name, a
	// failure's reason); never an IP address.
	Detail map[string]string `json:"detail"`
	// Device summarises the User-Agent of the request; "" for none.
	Device string `json:"device" example:"Firefox 128 on Linux"`
	// ByAdmin is set when an administrator did this to the account.
	ByAdmin   bool      `json:"by_admin"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditPage is a page of the audit log, newest first.
type AuditPage struct {
	Items      []AuditEntry `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

type handlers struct{ svc Services }

// Routes mounts the routes on v1 behind signedIn.
func Routes(v1 fiber.Router, signedIn fiber.Handler, svc Services) {
	h := &handlers{svc: svc}
	v1.Get("/me/sessions", signedIn, h.sessionsOn, h.listSessions)
	v1.Post("/me/sessions/revoke-others", signedIn, h.sessionsOn, h.revokeOthers)
	v1.Delete("/me/sessions/:id", signedIn, h.sessionsOn, h.revokeSession)
	v1.Get("/me/audit", signedIn, h.auditOn, h.listAudit)
}

func (h *handlers) sessionsOn(c *fiber.Ctx) error {
	if h.svc.Sessions == nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	return c.Next()
}

func (h *handlers) auditOn(c *fiber.Ctx) error {
	if h.svc.Audit == nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	return c.Next()
}

// currentHash is the caller's session token hash, nil for an API token.
func currentHash(c *fiber.Ctx) []byte {
	if s := request.Identity(c).Session; s != nil {
		return s.TokenHash
	}
	return nil
}

func sessionResponse(s sessions.Session) SessionResponse {
	r := SessionResponse{ID: s.ID, Device: s.Device, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt, Current: s.Current}
	if !s.LastSeenAt.IsZero() {
		at := s.LastSeenAt
		r.LastSeenAt = &at
	}
	return r
}

// listSessions lists the caller's browser sessions.
//
//	@Summary		List the caller's sessions
//	@Description	Unexpired browser sessions, most recently used first (at most 100), with the browser each was last used from and when (updated at most once a minute). No IP address is kept. The session making the request is marked current. Personal API tokens are listed at /api/v1/tokens.
//	@Tags			sessions
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	SessionList
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/me/sessions [get]
func (h *handlers) listSessions(c *fiber.Ctx) error {
	list, err := h.svc.Sessions.List(c.UserContext(), request.User(c).ID, currentHash(c))
	if err != nil {
		return err
	}
	out := SessionList{Items: make([]SessionResponse, len(list))}
	for i, s := range list {
		out.Items[i] = sessionResponse(s)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// revokeSession ends one of the caller's sessions.
//
//	@Summary		Revoke a session
//	@Description	Ends the session at once: its cookie or bearer token no longer works. Revoking the current session signs out. Recorded in the audit log.
//	@Tags			sessions
//	@Security		BearerAuth
//	@Param			id	path	int	true	"session id"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		404	{object}	api.Problem	"no such session of yours"
//	@Router			/api/v1/me/sessions/{id} [delete]
func (h *handlers) revokeSession(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Sessions.Revoke(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// revokeOthers ends every session but the caller's.
//
//	@Summary		Revoke every other session
//	@Description	Ends every session of the account except the one making the request (a request with an API token ends them all). Personal API tokens stay; revoke them one by one. Recorded in the audit log.
//	@Tags			sessions
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	RevokedResponse
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Router			/api/v1/me/sessions/revoke-others [post]
func (h *handlers) revokeOthers(c *fiber.Ctx) error {
	n, err := h.svc.Sessions.RevokeOthers(c.UserContext(), request.User(c).ID, currentHash(c))
	if err != nil {
		return err
	}
	return c.JSON(RevokedResponse{Revoked: n})
}

// EntryResponse is an audit entry as an API answer; forAdmin shows who
// acted, which the owner's own log only flags.
func EntryResponse(e audit.Entry) AuditEntry {
	return AuditEntry{ID: e.ID, Kind: string(e.Kind), Label: e.Kind.Label(), Detail: e.Detail, Device: e.Device,
		ByAdmin: e.ActorID != 0 && e.ActorID != e.UserID, CreatedAt: e.CreatedAt}
}

// listAudit pages through the caller's audit log.
//
//	@Summary		The caller's audit log
//	@Description	Security events of the account, newest first: sign-ins and failed ones, sign-outs, two-factor and passkey changes, password changes, revoked sessions, API tokens made and revoked, and what administrators did to the account. Each names the browser (a User-Agent summary), never an IP address. Entries are kept for a year. Pass next_cursor back as cursor for the next page.
//	@Tags			sessions
//	@Security		BearerAuth
//	@Produce		json
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Param			limit	query		int		false	"entries per page, 1-200 (default 50)"
//	@Param			kind	query		string	false	"only entries of this kind, e.g. login_failed"
//	@Success		200		{object}	AuditPage
//	@Failure		400		{object}	api.Problem	"bad cursor or limit"
//	@Failure		401		{object}	api.Problem
//	@Failure		422		{object}	api.Problem	"unknown kind"
//	@Router			/api/v1/me/audit [get]
func (h *handlers) listAudit(c *fiber.Ctx) error {
	cursor, limit, err := request.PageQuery(c, audit.MaxPage)
	if err != nil {
		return err
	}
	p, err := h.svc.Audit.Entries(c.UserContext(), audit.Query{UserID: request.User(c).ID, Kind: audit.Kind(c.Query("kind")), Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	out := AuditPage{Items: make([]AuditEntry, len(p.Entries)), NextCursor: request.NextCursor(p.Next)}
	for i, e := range p.Entries {
		out.Items[i] = EntryResponse(e)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
