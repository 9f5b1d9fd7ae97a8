package mfaapi

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/mfa"
	"github.com/foliohq/folio/internal/request"
)

// PasskeyResponse describes one of the caller's passkeys.
type PasskeyResponse struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name" example:"Laptop"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func passkeyResponse(p *mfa.Passkey) PasskeyResponse {
	return PasskeyResponse{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt, LastUsedAt: p.LastUsedAt}
}

// PasskeyList is the caller's passkeys, oldest first.
type PasskeyList struct {
	Items []PasskeyResponse `json:"items"`
}

// TwoFactorStatus is the caller's second factors.
type TwoFactorStatus struct {
	TOTPEnabled bool `json:"totp_enabled"`
	// RecoveryCodesLeft counts the unused recovery codes (0 when off).
	RecoveryCodesLeft int               `json:"recovery_codes_left"`
	Passkeys          []PasskeyResponse `json:"passkeys"`
	// RecentSignIn says whether this session may make the sensitive
	// changes now, without confirming its sign-in first.
	RecentSignIn bool `json:"recent_sign_in"`
}

// TOTPEnrolment is a new TOTP secret to add to an authenticator app.
type TOTPEnrolment struct {
	Secret     string `json:"secret" example:"JBSWY3DPEHPK3PXP"`
	OTPAuthURL string `json:"otpauth_url" example:"otpauth://totp/Folio:ada@example.com?secret=...&issuer=Folio"`
	// QRCode is a PNG data: URL of otpauth_url.
	QRCode string `json:"qr_code" example:"data:image/png;base64,..."`
}

// RecoveryCodes are shown once; only their hashes are kept.
type RecoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// ReauthRequest confirms the caller's sign-in.
type ReauthRequest struct {
	Password string `json:"password" example:"correct horse battery"`
	// Code is a TOTP or recovery code, required when two-factor
	// authentication is on.
	Code string `json:"code,omitempty" example:"123456"`
}

// RenameRequest relabels a passkey.
type RenameRequest struct {
	Name string `json:"name" example:"Work laptop"`
}

// status returns the caller's second factors.
//
//	@Summary	Two-factor authentication and passkeys of the caller
//	@Tags		two-factor
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	TwoFactorStatus
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/two-factor [get]
func (h Handlers) status(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	st, err := h.MFA.Status(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	out := TwoFactorStatus{TOTPEnabled: st.TOTPEnabled, RecoveryCodesLeft: st.RecoveryLeft, Passkeys: []PasskeyResponse{}, RecentSignIn: request.RecentSignIn(c)}
	for _, p := range st.Passkeys {
		out.Passkeys = append(out.Passkeys, passkeyResponse(p))
	}
	return c.JSON(out)
}

// beginTOTP makes a new TOTP secret.
//
//	@Summary		Start turning on two-factor authentication
//	@Description	Returns the secret waiting for a code, or makes a TOTP secret (RFC 6238: SHA-1, 6 digits, 30 seconds) to add to an authenticator app, by QR code or by hand. Nothing changes until a code of it is confirmed. Needs a session signed in within the last 10 minutes.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	TOTPEnrolment
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Failure		409	{object}	api.Problem	"two-factor authentication is on already"
//	@Router			/api/v1/me/two-factor/totp [post]
func (h Handlers) beginTOTP(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	e, err := h.MFA.BeginTOTP(c.UserContext(), request.User(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(TOTPEnrolment{Secret: e.Secret, OTPAuthURL: e.URL, QRCode: e.QRCode})
}

// CodeOnly carries a TOTP code.
type CodeOnly struct {
	Code string `json:"code" example:"123456"`
}

// confirmTOTP turns two-factor authentication on.
//
//	@Summary		Turn on two-factor authentication
//	@Description	Confirms the new secret with a current code and returns ten single-use recovery codes, shown this once. From now on a login with the password needs a TOTP code, a recovery code or a passkey. API tokens keep working.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeOnly	true	"a code of the new secret"
//	@Success		200		{object}	RecoveryCodes
//	@Failure		401		{object}	api.Problem
//	@Failure		403		{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Failure		409		{object}	api.Problem	"two-factor authentication is on already"
//	@Failure		422		{object}	api.Problem	"wrong code, or no secret waiting"
//	@Failure		429		{object}	api.Problem	"too many wrong codes; see Retry-After"
//	@Router			/api/v1/me/two-factor/totp/confirm [post]
func (h Handlers) confirmTOTP(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req CodeOnly
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	key := failureKey(request.User(c).ID)
	if err := request.CheckLimit(c, h.Limiter, key, h.Failures); err != nil {
		return err
	}
	codes, err := h.MFA.ConfirmTOTP(c.UserContext(), request.User(c).ID, req.Code)
	if folio.ErrorCode(err) == folio.EINVALID {
		if cerr := request.CountFailure(c, h.Limiter, key, h.Failures); cerr != nil {
			return cerr
		}
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(RecoveryCodes{RecoveryCodes: codes})
}

// disableTOTP turns two-factor authentication off.
//
//	@Summary		Turn off two-factor authentication
//	@Description	Removes the TOTP secret and the recovery codes; passkeys stay. Needs a session signed in within the last 10 minutes.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Router			/api/v1/me/two-factor/totp [delete]
func (h Handlers) disableTOTP(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	if err := h.MFA.DisableTOTP(c.UserContext(), request.User(c).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// regenerateCodes replaces the recovery codes.
//
//	@Summary		New recovery codes
//	@Description	Ten new single-use codes, shown this once; the old ones stop working. Needs a session signed in within the last 10 minutes.
//	@Tags			two-factor
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	RecoveryCodes
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"reauthentication_required, an API token, or no CSRF token"
//	@Failure		422	{object}	api.Problem	"two-factor authentication is off"
//	@Router			/api/v1/me/two-factor/recovery-codes [post]
func (h Handlers) regenerateCodes(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	codes, err := h.MFA.RegenerateRecoveryCodes(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(RecoveryCodes{RecoveryCodes: codes})
}

// reauthenticate confirms the caller's sign-in.
//
//	@Summary		Confirm the sign-in
//	@Description	With the password (and a TOTP or recovery code when two-factor authentication is on), the session may make the sensitive changes (two-factor, passkeys, password, account deletion) for the next 10 minutes. Wrong passwords and codes are limited like failed logins. API tokens cannot re-authenticate.
//	@Tags			auth
//	@Security		BearerAuth
//	@Accept			json
//	@Param			body	body	ReauthRequest	true	"password and code"
//	@Success		204
//	@Failure		401	{object}	api.Problem	"wrong code"
//	@Failure		403	{object}	api.Problem	"an API token, or no CSRF token"
//	@Failure		422	{object}	api.Problem	"wrong password, or the code missing"
//	@Failure		429	{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router			/api/v1/auth/reauthenticate [post]
func (h Handlers) reauthenticate(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req ReauthRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.Reauthenticate(c, req.Password, req.Code); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Reauthenticate confirms the caller's sign-in with its password and
// code, counting wrong ones against the account's limit (ETOOMANY when
// spent); the site's re-authentication form shares it.
func (h Handlers) Reauthenticate(c *fiber.Ctx, password, code string) error {
	id := request.Identity(c)
	key := failureKey(id.User.ID)
	if err := request.CheckLimit(c, h.Limiter, key, h.Failures); err != nil {
		return err
	}
	err := h.MFA.Reauthenticate(c.UserContext(), id, password, code)
	if errors.Is(err, auth.ErrWrongPassword) || folio.ErrorCode(err) == folio.EUNAUTHORIZED {
		if cerr := request.CountFailure(c, h.Limiter, key, h.Failures); cerr != nil {
			return cerr
		}
	}
	return err
}

// beginPasskeyReauth starts confirming the sign-in with a passkey.
//
//	@Summary	Start confirming the sign-in with a passkey
//	@Tags		auth
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	PasskeyOptions
//	@Failure	401	{object}	api.Problem
//	@Failure	403	{object}	api.Problem	"an API token, or no CSRF token"
//	@Failure	422	{object}	api.Problem	"the account has no passkey"
//	@Router		/api/v1/auth/reauthenticate/passkey/begin [post]
func (h Handlers) beginPasskeyReauth(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	opts, ceremony, err := h.MFA.BeginPasskeyReauth(c.UserContext(), request.Identity(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(PasskeyOptions{Ceremony: ceremony, PublicKey: opts})
}

// finishPasskeyReauth confirms the sign-in with a passkey.
//
//	@Summary	Confirm the sign-in with a passkey
//	@Tags		auth
//	@Security	BearerAuth
//	@Accept		json
//	@Param		body	body	PasskeyFinishRequest	true	"the ceremony and the credential"
//	@Success	204
//	@Failure	401	{object}	api.Problem	"the passkey could not confirm the sign-in"
//	@Failure	403	{object}	api.Problem	"an API token, or no CSRF token"
//	@Failure	429	{object}	api.Problem	"too many attempts; see Retry-After"
//	@Router		/api/v1/auth/reauthenticate/passkey/finish [post]
func (h Handlers) finishPasskeyReauth(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var req PasskeyFinishRequest
	if err := h.Intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	id := request.Identity(c)
	key := failureKey(id.User.ID)
	if err := request.CheckLimit(c, h.Limiter, key, h.Failures); err != nil {
		return err
	}
	err := h.MFA.FinishPasskeyReauth(c.UserContext(), id, req.Ceremony, req.Credential)
	if folio.ErrorCode(err) == folio.EUNAUTHORIZED {
		if cerr := request.CountFailure(c, h.Limiter, key, h.Failures); cerr != nil {
			return cerr
		}
	}
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
