package mfaapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/request"
)

// listPasskeys lists the caller's passkeys.
//
//	@Summary	List passkeys
//	@Tags		two-factor
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	PasskeyList
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/passkeys [get]
func (h Handlers) listPasskeys(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	keys, err := h.MFA.Passkeys(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	out := PasskeyList{Items: make([]PasskeyResponse, len(keys))}
	for i, k := range keys {
		out.Items[i] = passkeyResponse(k)
	}
	return c.JSON(out)
}

// beginPasskey starts registering a passkey.
//
//	@Summary		Start adding a passkey
//	@Description	Options for navigator.credentials.create(): a discoverable credential (resident key) of this site, so it can sign in without an email; the account's passkeys are excluded. Needs a session signed in within the last 10 minutes. At most 20 passkeys per account.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	PasskeyOptions
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Failure		422	{object}	api.Problem	"the account has 20 passkeys"
//	@Router			/api/v1/me/passkeys/begin [post]
func (h Handlers) beginPasskey(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	opts, ceremony, err := h.MFA.BeginPasskeyRegistration(c.UserContext(), request.User(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(PasskeyOptions{Ceremony: ceremony, PublicKey: opts})
}

// addPasskey finishes registering a passkey.
//
//	@Summary		Add a passkey
//	@Description	Checks the authenticator's answer to the ceremony from /me/passkeys/begin and stores the passkey (its public key, never a secret). Needs a session signed in within the last 10 minutes.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		PasskeyFinishRequest	true	"the ceremony, the credential and a name"
//	@Success		201		{object}	PasskeyResponse
//	@Failure		401		{object}	api.Problem	"the ceremony expired or is another account's"
//	@Failure		403		{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Failure		409		{object}	api.Problem	"the passkey is registered already"
//	@Failure		422		{object}	api.Problem	"the answer does not verify, or a bad name"
//	@Router			/api/v1/me/passkeys [post]
func (h Handlers) addPasskey(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req PasskeyFinishRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	p, err := h.MFA.FinishPasskeyRegistration(c.UserContext(), request.User(c), req.Ceremony, req.Name, req.Credential)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(passkeyResponse(p))
}

// renamePasskey relabels a passkey.
//
//	@Summary	Rename a passkey
//	@Tags		two-factor
//	@Security	BearerAuth
//	@Accept		json
//	@Param		id		path	int				true	"passkey id"
//	@Param		body	body	RenameRequest	true	"the new name"
//	@Success	204
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem	"no such passkey of yours"
//	@Failure	422	{object}	api.Problem	"a bad name"
//	@Router		/api/v1/me/passkeys/{id} [patch]
func (h Handlers) renamePasskey(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	var req RenameRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.MFA.RenamePasskey(c.UserContext(), request.User(c).ID, id, req.Name); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// deletePasskey removes a passkey.
//
//	@Summary		Remove a passkey
//	@Description	Needs a session signed in within the last 10 minutes.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Param			id	path	int	true	"passkey id"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Failure		404	{object}	api.Problem	"no such passkey of yours"
//	@Router			/api/v1/me/passkeys/{id} [delete]
func (h Handlers) deletePasskey(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.MFA.DeletePasskey(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
