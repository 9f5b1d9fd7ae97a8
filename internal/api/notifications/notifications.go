// Package notifications serves the owner's notification settings, webhooks
// and recent deliveries under /api/v1/me (listed in
// internal/api/routes.go): the same as the dashboard's notifications page.
package notifications

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// PreferenceBody is whether one kind goes out on one channel.
type PreferenceBody struct {
	Kind    string `json:"kind" enums:"demo_down,demo_recovered,media_failed,media_ready,share_link_opened,followups_due,weekly_digest"`
	Channel string `json:"channel" enums:"email,webhook"`
	Enabled bool   `json:"enabled"`
}

// SettingsResponse is the owner's notification settings.
type SettingsResponse struct {
	// EmailOn is false when this instance sends no email at all.
	EmailOn bool `json:"email_on"`
	// Email is where notification emails go, once EmailVerified.
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	// EmailNote says in words why email does not reach the owner, if not.
	EmailNote   string           `json:"email_note,omitempty"`
	Preferences []PreferenceBody `json:"preferences"`
}

// SettingsRequest changes some preferences; the others stay.
type SettingsRequest struct {
	Preferences []PreferenceBody `json:"preferences"`
}

// WebhookRequest adds an endpoint.
type WebhookRequest struct {
	URL         string `json:"url" example:"https://hooks.slack.com/services/T000/B000/XXXX"`
	Format      string `json:"format" enums:"json,slack,discord" example:"slack"`
	Description string `json:"description" example:"#job-search"`
}

// WebhookResponse is an endpoint; Secret only in the answer that made it.
type WebhookResponse struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Format      string `json:"format"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	// Secret signs every delivery (Folio-Signature: t=<unix>,v1=<hex
	// HMAC-SHA256 over "<t>.<body>">); shown once.
	Secret string `json:"secret,omitempty"`
}

// DeliveryResponse is one notification sent, or being sent, somewhere.
type DeliveryResponse struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	Channel       string `json:"channel" enums:"email,webhook"`
	Target        string `json:"target"`
	Status        string `json:"status" enums:"pending,sent,failed,skipped"`
	Attempts      int    `json:"attempts"`
	LastError     string `json:"last_error,omitempty"`
	CreatedAt     string `json:"created_at"`
	SentAt        string `json:"sent_at,omitempty"`
	NextAttemptAt string `json:"next_attempt_at,omitempty"`
}

type handlers struct {
	svc    *notify.Service
	intake body.Intake
}

// Routes mounts the routes on v1 behind signedIn. Without a service they
// answer 404.
func Routes(v1 fiber.Router, signedIn fiber.Handler, svc *notify.Service, intake body.Intake) {
	h := &handlers{svc: svc, intake: intake}
	v1.Get("/me/notifications", signedIn, h.available, h.getSettings)
	v1.Put("/me/notifications", signedIn, h.available, h.putSettings)
	v1.Get("/me/notifications/deliveries", signedIn, h.available, h.listDeliveries)
	v1.Get("/me/webhooks", signedIn, h.available, h.listWebhooks)
	v1.Post("/me/webhooks", signedIn, h.available, h.addWebhook)
	v1.Delete("/me/webhooks/:id", signedIn, h.available, h.deleteWebhook)
	v1.Post("/me/webhooks/:id/test", signedIn, h.available, h.testWebhook)
}

func (h *handlers) available(c *fiber.Ctx) error {
	if h.svc == nil {
		return folio.Errorf(folio.ENOTFOUND, "Notifications are not set up on this instance.")
	}
	return c.Next()
}

func settingsResponse(s folio.NotificationSettings) SettingsResponse {
	out := SettingsResponse{EmailOn: s.EmailOn, Email: s.Email, EmailVerified: s.EmailVerified, EmailNote: notify.EmailNote(s),
		Preferences: make([]PreferenceBody, 0, len(s.Preferences))}
	for _, p := range s.Preferences {
		out.Preferences = append(out.Preferences, PreferenceBody{Kind: string(p.Kind), Channel: string(p.Channel), Enabled: p.Enabled})
	}
	return out
}

// getSettings answers the owner's notification settings.
//
//	@Summary		The caller's notification settings
//	@Description	Which kinds of notification go out by email and to webhooks, and whether email reaches the caller at all (instance without email, address not verified).
//	@Tags			notifications
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	SettingsResponse
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/me/notifications [get]
func (h *handlers) getSettings(c *fiber.Ctx) error {
	s, err := h.svc.Settings(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(settingsResponse(s))
}

// putSettings changes preferences.
//
//	@Summary		Change notification preferences
//	@Description	Sets the listed kind and channel pairs; the others stay as they were.
//	@Tags			notifications
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SettingsRequest	true	"preferences to set"
//	@Success		200		{object}	SettingsResponse
//	@Failure		401		{object}	api.Problem
//	@Failure		422		{object}	api.Problem
//	@Router			/api/v1/me/notifications [put]
func (h *handlers) putSettings(c *fiber.Ctx) error {
	var req SettingsRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	ps := make([]folio.NotificationPreference, 0, len(req.Preferences))
	for _, p := range req.Preferences {
		ps = append(ps, folio.NotificationPreference{Kind: folio.NotificationKind(p.Kind), Channel: folio.NotificationChannel(p.Channel), Enabled: p.Enabled})
	}
	if err := h.svc.SetPreferences(c.UserContext(), request.User(c).ID, ps); err != nil {
		return err
	}
	return h.getSettings(c)
}

func webhookResponse(w *folio.Webhook, secret string) WebhookResponse {
	return WebhookResponse{ID: w.ID, URL: w.URL, Format: string(w.Format), Description: w.Description,
		CreatedAt: w.CreatedAt.UTC().Format(time.RFC3339), Secret: secret}
}

// listWebhooks answers the caller's webhook endpoints.
//
//	@Summary	The caller's webhooks
//	@Tags		notifications
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{array}		WebhookResponse
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/webhooks [get]
func (h *handlers) listWebhooks(c *fiber.Ctx) error {
	hooks, err := h.svc.Webhooks(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	out := make([]WebhookResponse, 0, len(hooks))
	for _, w := range hooks {
		out = append(out, webhookResponse(w, ""))
	}
	return c.JSON(out)
}

// addWebhook adds an endpoint and answers its secret, once.
//
//	@Summary		Add a webhook
//	@Description	An HTTPS endpoint on port 443 of a public address (loopback, private and cloud metadata addresses are refused, now and at every delivery). Each delivery is a JSON POST signed with the secret in this answer, which is not shown again: Folio-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">. format slack posts {"text": ...}, discord {"content": ...}, json Folio's event (id, kind, created_at, text, url, data). At most 10 per account.
//	@Tags			notifications
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		WebhookRequest	true	"the endpoint"
//	@Success		201		{object}	WebhookResponse
//	@Failure		401		{object}	api.Problem
//	@Failure		422		{object}	api.Problem
//	@Failure		429		{object}	api.Problem	"already 10 webhooks"
//	@Router			/api/v1/me/webhooks [post]
func (h *handlers) addWebhook(c *fiber.Ctx) error {
	var req WebhookRequest
	if err := h.intake.DecodeJSON(c, &req); err != nil {
		return err
	}
	w, secret, err := h.svc.AddWebhook(c.UserContext(), request.User(c).ID, req.URL, folio.WebhookFormat(req.Format), req.Description)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(webhookResponse(w, secret))
}

func webhookID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, folio.Errorf(folio.ENOTFOUND, "Webhook not found.")
	}
	return id, nil
}

// deleteWebhook removes an endpoint with its deliveries.
//
//	@Summary	Delete a webhook
//	@Tags		notifications
//	@Security	BearerAuth
//	@Param		id	path	int	true	"webhook id"
//	@Success	204
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem
//	@Router		/api/v1/me/webhooks/{id} [delete]
func (h *handlers) deleteWebhook(c *fiber.Ctx) error {
	id, err := webhookID(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteWebhook(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// testWebhook sends a test event now.
//
//	@Summary		Send a test event to a webhook
//	@Description	Posts a signed test event (kind "test") at once; 422 carries the endpoint's answer when it was not 2xx.
//	@Tags			notifications
//	@Security		BearerAuth
//	@Param			id	path	int	true	"webhook id"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		404	{object}	api.Problem
//	@Failure		422	{object}	api.Problem	"the endpoint did not accept it"
//	@Failure		429	{object}	api.Problem	"more than 10 test sends in an hour"
//	@Router			/api/v1/me/webhooks/{id}/test [post]
func (h *handlers) testWebhook(c *fiber.Ctx) error {
	id, err := webhookID(c)
	if err != nil {
		return err
	}
	if err := h.svc.TestWebhook(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// DeliveryResponses converts deliveries for the API.
func DeliveryResponses(ds []folio.Delivery) []DeliveryResponse {
	out := make([]DeliveryResponse, 0, len(ds))
	for _, d := range ds {
		r := DeliveryResponse{ID: d.ID, Kind: string(d.Kind), Channel: string(d.Channel), Target: d.Target, Status: string(d.Status),
			Attempts: d.Attempts, LastError: d.LastError, CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339)}
		if !d.SentAt.IsZero() {
			r.SentAt = d.SentAt.UTC().Format(time.RFC3339)
		}
		if d.Status == folio.DeliveryPending {
			r.NextAttemptAt = d.NextAttemptAt.UTC().Format(time.RFC3339)
		}
		out = append(out, r)
	}
	return out
}

// listDeliveries answers the latest deliveries.
//
//	@Summary		The caller's recent notification deliveries
//	@Description	Newest first, with failures and their reasons; at most limit (default 50, at most 200).
//	@Tags			notifications
//	@Security		BearerAuth
//	@Produce		json
//	@Param			limit	query		int	false	"how many (1-200)"
//	@Success		200		{array}		DeliveryResponse
//	@Failure		401		{object}	api.Problem
//	@Router			/api/v1/me/notifications/deliveries [get]
func (h *handlers) listDeliveries(c *fiber.Ctx) error {
	limit := c.QueryInt("limit", 50)
	if limit < 1 || limit > 200 {
		return folio.Errorf(folio.EINVALID, "limit must be 1 to 200.")
	}
	ds, err := h.svc.Deliveries(c.UserContext(), request.User(c).ID, limit)
	if err != nil {
		return err
	}
	return c.JSON(DeliveryResponses(ds))
}
