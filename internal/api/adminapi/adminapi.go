// Package adminapi serves the administrators' API under /api/v1/admin
// (listed in internal/api/routes.go): accounts with search, suspension,
// deletion, the admin role, and the whole audit log. To anybody who is not
// an administrator every route is a 404, as if it did not exist.
package adminapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/admin"
	"github.com/foliohq/folio/internal/api/securityapi"
	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// Services back the routes; without Admin they answer 404.
type Services struct {
	Admin *admin.Service
	Audit *audit.Log
}

// AccountResponse is an account as administrators see it.
type AccountResponse struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email" example:"ada@example.com"`
	Handle        string     `json:"handle" example:"ada"`
	DisplayName   string     `json:"display_name" example:"Ada Lovelace"`
	IsAdmin       bool       `json:"is_admin"`
	EmailVerified bool       `json:"email_verified"`
	SuspendedAt   *time.Time `json:"suspended_at"`
	CreatedAt     time.Time  `json:"created_at"`
	// Sessions and APITokens count the browser sessions and API tokens alive.
	Sessions  int `json:"sessions"`
	APITokens int `json:"api_tokens"`
}

// AccountPage is a page of accounts, newest first.
type AccountPage struct {
	Items      []AccountResponse `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// AdminAuditEntry is an audit entry with the accounts it names.
type AdminAuditEntry struct {
	securityapi.AuditEntry
	// UserID is the account concerned; 0 when none (a failed sign-in with
	// an unknown email) or when the account was deleted since.
	UserID int64 `json:"user_id"`
	// ActorID is the administrator who acted; 0 when the account acted
	// itself, or the administrator was deleted since.
	ActorID int64 `json:"actor_id"`
}

// AdminAuditPage is a page of the audit log, newest first.
type AdminAuditPage struct {
	Items      []AdminAuditEntry `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

type handlers struct{ svc Services }

// Routes mounts the routes on v1. adminOnly answers 404 to anybody but an
// administrator before signedIn checks the CSRF token of cookie requests.
func Routes(v1 fiber.Router, signedIn fiber.Handler, svc Services) {
	h := &handlers{svc: svc}
	adm := func(handler fiber.Handler) []fiber.Handler { return []fiber.Handler{h.adminOnly, signedIn, handler} }
	v1.Get("/admin/users", adm(h.listAccounts)...)
	v1.Get("/admin/users/:id", adm(h.getAccount)...)
	v1.Post("/admin/users/:id/suspend", adm(h.suspend)...)
	v1.Post("/admin/users/:id/unsuspend", adm(h.unsuspend)...)
	v1.Put("/admin/users/:id/admin", adm(h.grant)...)
	v1.Delete("/admin/users/:id/admin", adm(h.revoke)...)
	v1.Delete("/admin/users/:id", adm(h.deleteAccount)...)
	v1.Get("/admin/audit", adm(h.listAudit)...)
}

// adminOnly answers 404 unless the caller is a signed-in administrator.
func (h *handlers) adminOnly(c *fiber.Ctx) error {
	id := request.Identity(c)
	if h.svc.Admin == nil || id == nil || !id.User.IsAdmin {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

func accountResponse(a *admin.Account) AccountResponse {
	r := AccountResponse{ID: a.ID, Email: a.Email, Handle: a.Handle, DisplayName: a.DisplayName, IsAdmin: a.IsAdmin,
		EmailVerified: !a.EmailVerifiedAt.IsZero(), CreatedAt: a.CreatedAt, Sessions: a.Sessions, APITokens: a.Tokens}
	if a.Suspended() {
		at := a.SuspendedAt
		r.SuspendedAt = &at
	}
	return r
}

// listAccounts pages through the accounts.
//
//	@Summary		List accounts (administrators)
//	@Description	Newest first; q matches a part of the email or handle, in any case. Pass next_cursor back as cursor for the next page. A 404 to anybody but an administrator.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			q		query		string	false	"part of an email or handle (at most 100 characters)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Param			limit	query		int		false	"accounts per page, 1-200 (default 50)"
//	@Success		200		{object}	AccountPage
//	@Failure		400		{object}	api.Problem	"bad cursor or limit"
//	@Failure		404		{object}	api.Problem	"not an administrator"
//	@Failure		422		{object}	api.Problem	"search too long"
//	@Router			/api/v1/admin/users [get]
func (h *handlers) listAccounts(c *fiber.Ctx) error {
	cursor, limit, err := request.PageQuery(c, admin.MaxPage)
	if err != nil {
		return err
	}
	p, err := h.svc.Admin.Accounts(c.UserContext(), request.User(c), admin.Query{Search: c.Query("q"), Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	out := AccountPage{Items: make([]AccountResponse, len(p.Accounts)), NextCursor: request.NextCursor(p.Next)}
	for i := range p.Accounts {
		out.Items[i] = accountResponse(&p.Accounts[i])
	}
	return c.JSON(out)
}

// getAccount answers one account.
//
//	@Summary	An account (administrators)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"account id"
//	@Success	200	{object}	AccountResponse
//	@Failure	404	{object}	api.Problem	"no such account, or not an administrator"
//	@Router		/api/v1/admin/users/{id} [get]
func (h *handlers) getAccount(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.Admin.Account(c.UserContext(), request.User(c), id)
	if err != nil {
		return err
	}
	return c.JSON(accountResponse(a))
}

func (h *handlers) act(c *fiber.Ctx, do func(actor *folio.User, id int64) (*admin.Account, error)) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	a, err := do(request.User(c), id)
	if err != nil {
		return err
	}
	return c.JSON(accountResponse(a))
}

// suspend suspends an account.
//
//	@Summary		Suspend an account (administrators)
//	@Description	The account cannot sign in (it is told it is suspended), its sessions and API tokens end at once, and its portfolio, share links and media answer 404 and leave explore and the sitemap. An administrator's account must lose the role first; nobody suspends themselves. Recorded in the audit log with the administrator.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"account id"
//	@Success		200	{object}	AccountResponse
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		404	{object}	api.Problem	"no such account, or not an administrator"
//	@Failure		409	{object}	api.Problem	"your own account, or an administrator's"
//	@Router			/api/v1/admin/users/{id}/suspend [post]
func (h *handlers) suspend(c *fiber.Ctx) error {
	return h.act(c, func(actor *folio.User, id int64) (*admin.Account, error) {
		return h.svc.Admin.Suspend(c.UserContext(), actor, id)
	})
}

// unsuspend lifts a suspension.
//
//	@Summary	Lift a suspension (administrators)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"account id"
//	@Success	200	{object}	AccountResponse
//	@Failure	403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure	404	{object}	api.Problem	"no such account, or not an administrator"
//	@Failure	409	{object}	api.Problem	"your own account"
//	@Router		/api/v1/admin/users/{id}/unsuspend [post]
func (h *handlers) unsuspend(c *fiber.Ctx) error {
	return h.act(c, func(actor *folio.User, id int64) (*admin.Account, error) {
		return h.svc.Admin.Unsuspend(c.UserContext(), actor, id)
	})
}

// grant makes an account an administrator.
//
//	@Summary	Grant the administrator role (administrators)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"account id"
//	@Success	200	{object}	AccountResponse
//	@Failure	403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure	404	{object}	api.Problem	"no such account, or not an administrator"
//	@Failure	409	{object}	api.Problem	"a suspended account"
//	@Router		/api/v1/admin/users/{id}/admin [put]
func (h *handlers) grant(c *fiber.Ctx) error {
	return h.act(c, func(actor *folio.User, id int64) (*admin.Account, error) {
		return h.svc.Admin.SetAdmin(c.UserContext(), actor, id, true)
	})
}

// revoke takes the administrator role away.
//
//	@Summary		Revoke the administrator role (administrators)
//	@Description	An administrator may revoke their own role, unless they are the last administrator.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"account id"
//	@Success		200	{object}	AccountResponse
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		404	{object}	api.Problem	"no such account, or not an administrator"
//	@Failure		409	{object}	api.Problem	"the last administrator"
//	@Router			/api/v1/admin/users/{id}/admin [delete]
func (h *handlers) revoke(c *fiber.Ctx) error {
	return h.act(c, func(actor *folio.User, id int64) (*admin.Account, error) {
		return h.svc.Admin.SetAdmin(c.UserContext(), actor, id, false)
	})
}

// deleteAccount deletes an account with everything it owns.
//
//	@Summary		Delete an account (administrators)
//	@Description	The full account deletion: the account, its portfolio, projects, media and stored files. An administrator's account must lose the role first; nobody deletes themselves here. The audit log keeps that an administrator deleted an account, without naming it.
//	@Tags			admin
//	@Security		BearerAuth
//	@Param			id	path	int	true	"account id"
//	@Success		204
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		404	{object}	api.Problem	"no such account, or not an administrator"
//	@Failure		409	{object}	api.Problem	"your own account, or an administrator's"
//	@Failure		503	{object}	api.Problem	"account deletion is not available on this instance"
//	@Router			/api/v1/admin/users/{id} [delete]
func (h *handlers) deleteAccount(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Admin.Delete(c.UserContext(), request.User(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// listAudit pages through the whole audit log.
//
//	@Summary		The audit log (administrators)
//	@Description	Every account's security events and every administrator's action, newest first; user_id keeps those about one account and those it did as an administrator. No IP address is kept. Entries are kept for a year.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			user_id	query		int		false	"only entries about (or by) this account"
//	@Param			kind	query		string	false	"only entries of this kind, e.g. login_failed"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Param			limit	query		int		false	"entries per page, 1-200 (default 50)"
//	@Success		200		{object}	AdminAuditPage
//	@Failure		400		{object}	api.Problem	"bad cursor, limit or user_id"
//	@Failure		404		{object}	api.Problem	"not an administrator"
//	@Failure		422		{object}	api.Problem	"unknown kind"
//	@Router			/api/v1/admin/audit [get]
func (h *handlers) listAudit(c *fiber.Ctx) error {
	if h.svc.Audit == nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	cursor, limit, err := request.PageQuery(c, audit.MaxPage)
	if err != nil {
		return err
	}
	var userID int64
	if s := c.Query("user_id"); s != "" {
		var ok bool
		if userID, ok = request.ParseID(s); !ok {
			return &folio.Error{Code: folio.EBADREQUEST, Message: "Some query parameters are invalid.",
				Fields: []folio.FieldError{{Field: "user_id", Message: "must be an account id"}}}
		}
	}
	p, err := h.svc.Audit.Entries(c.UserContext(), audit.Query{UserID: userID, Kind: audit.Kind(c.Query("kind")), Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	out := AdminAuditPage{Items: make([]AdminAuditEntry, len(p.Entries)), NextCursor: request.NextCursor(p.Next)}
	for i, e := range p.Entries {
		out.Items[i] = AdminAuditEntry{AuditEntry: securityapi.EntryResponse(e), UserID: e.UserID, ActorID: e.ActorID}
	}
	return c.JSON(out)
}
