// Package notifypages serves the site's notification pages: the owner's
// settings (/dashboard/notifications: preferences, webhooks, recent
// deliveries) with their plain forms, which carry the session's CSRF token
// in a field, and the unsubscribe page of mail links, whose signed token
// is the permission. The routes are listed in the site's route table
// (internal/site/routes.go).
package notifypages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// Pages serves the notification pages.
type Pages struct {
	// Notifications backs them; nil: the settings page is a 404 and no
	// unsubscribe token is valid.
	Notifications *notify.Service
	// RenderSettings and RenderUnsubscribe answer the pages in the site's
	// layout; NotFound its 404 page.
	RenderSettings    func(c *fiber.Ctx, status int, v SettingsView) error
	RenderUnsubscribe func(c *fiber.Ctx, status int, v UnsubscribeView) error
	NotFound          func(c *fiber.Ctx) error
}

// kindLabel names a kind in the settings and the unsubscribe page, in the
// reader's language ("" for a kind the owner cannot choose).
func kindLabel(c *fiber.Ctx, k folio.NotificationKind) string {
	if !k.IsOwnerKind() {
		return ""
	}
	id := "dashd.notify.kind." + string(k) // TestKindLabelsExist checks each
	return sitelang.T(c, id)
}

// accountKinds are the mails Folio sends about the account itself, which
// the deliveries list too (an owner cannot turn them off).
var accountKinds = []folio.NotificationKind{folio.NotifyVerifyEmail, folio.NotifyPasswordReset, folio.NotifyEmailChange,
	folio.NotifyEmailChangeNotice, folio.NotifyPasswordChanged, folio.NotifySignUpAttempt}

// kindNames name every kind a delivery can have, in the reader's language.
func kindNames(c *fiber.Ctx) map[folio.NotificationKind]string {
	names := make(map[folio.NotificationKind]string, len(folio.OwnerKinds)+len(accountKinds))
	for _, k := range folio.OwnerKinds {
		names[k] = kindLabel(c, k)
	}
	for _, k := range accountKinds {
		id := "dashd.notify.kind." + string(k) // TestKindLabelsExist checks each
		names[k] = sitelang.T(c, id)
	}
	return names
}

// emailNote says in the reader's language why email does not reach the
// owner, as notify.EmailNote does in English for the API.
func emailNote(c *fiber.Ctx, s folio.NotificationSettings) string {
	switch {
	case !s.EmailOn:
		return sitelang.T(c, "dashd.notify.email_off")
	case !s.EmailVerified:
		return sitelang.T(c, "dashd.notify.email_unverified")
	}
	return ""
}

// PrefRow is a kind's row of the preferences form.
type PrefRow struct {
	Kind, Label    string
	Email, Webhook bool
}

// SettingsView is what the settings page shows; the site renders it in
// its layout (web/templates/notifications.html).
type SettingsView struct {
	User       *folio.User
	CSRF       string
	Settings   folio.NotificationSettings
	EmailNote  string
	Prefs      []PrefRow
	Webhooks   []*folio.Webhook
	Deliveries []folio.Delivery
	// KindNames name the kinds of Deliveries in the reader's language.
	KindNames map[folio.NotificationKind]string
	// Secret is the new webhook's, shown this once.
	Secret  string
	Message string
	Error   string
}

// SettingsPage (/dashboard/notifications) shows the settings, webhooks and recent deliveries;
// the form handlers render it again with their outcome.
func (p *Pages) SettingsPage(c *fiber.Ctx) error {
	return p.renderSettings(c, fiber.StatusOK, SettingsView{})
}

func (p *Pages) renderSettings(c *fiber.Ctx, status int, v SettingsView) error {
	u := request.Viewer(c)
	if u == nil {
		return c.Redirect("/login")
	}
	if p.Notifications == nil {
		return p.NotFound(c)
	}
	ctx, svc := c.UserContext(), p.Notifications
	var err error
	if v.Settings, err = svc.Settings(ctx, u.ID); err != nil {
		return err
	}
	if v.Webhooks, err = svc.Webhooks(ctx, u.ID); err != nil {
		return err
	}
	if v.Deliveries, err = svc.Deliveries(ctx, u.ID, 30); err != nil {
		return err
	}
	byKind := map[folio.NotificationKind]*PrefRow{}
	for _, p := range v.Settings.Preferences {
		row, ok := byKind[p.Kind]
		if !ok {
			v.Prefs = append(v.Prefs, PrefRow{Kind: string(p.Kind), Label: kindLabel(c, p.Kind)})
			row = &v.Prefs[len(v.Prefs)-1]
			byKind[p.Kind] = row
		}
		if p.Channel == folio.ChannelEmail {
			row.Email = p.Enabled
		} else {
			row.Webhook = p.Enabled
		}
	}
	v.User, v.EmailNote, v.KindNames = u, emailNote(c, v.Settings), kindNames(c)
	v.CSRF = request.Identity(c).Session.CSRFToken
	return p.RenderSettings(c, status, v)
}

// formOwner is the signed-in owner of a dashboard form, whose hidden csrf
// field must match the session's token (a cross-site form cannot know it).
func (p *Pages) formOwner(c *fiber.Ctx) (*folio.User, error) {
	id := request.Identity(c)
	if id == nil || id.Session == nil {
		return nil, c.Redirect("/login", fiber.StatusSeeOther)
	}
	if !auth.CSRFValid(id.Session, c.FormValue("csrf")) {
		return nil, &folio.Error{Code: request.CodeCSRF, Message: sitelang.T(c, "dashd.form_stale")}
	}
	if p.Notifications == nil {
		return nil, &folio.Error{Code: folio.ENOTFOUND, Message: sitelang.T(c, "dashd.notify.not_set_up")}
	}
	return id.User, nil
}

// SavePreferences stores the preferences form: a ticked box is on, an
// unticked one off.
func (p *Pages) SavePreferences(c *fiber.Ctx) error {
	u, err := p.formOwner(c)
	if u == nil {
		return err
	}
	ps := make([]folio.NotificationPreference, 0, 2*len(folio.OwnerKinds))
	for _, k := range folio.OwnerKinds {
		for _, ch := range []folio.NotificationChannel{folio.ChannelEmail, folio.ChannelWebhook} {
			ps = append(ps, folio.NotificationPreference{Kind: k, Channel: ch, Enabled: c.FormValue(string(ch)+":"+string(k)) == "on"})
		}
	}
	if err := p.Notifications.SetPreferences(c.UserContext(), u.ID, ps); err != nil {
		return err
	}
	return p.renderSettings(c, fiber.StatusOK, SettingsView{Message: sitelang.T(c, "sitego.notify.saved")})
}

// AddWebhook adds an endpoint and shows its secret once.
func (p *Pages) AddWebhook(c *fiber.Ctx) error {
	u, err := p.formOwner(c)
	if u == nil {
		return err
	}
	w, secret, err := p.Notifications.AddWebhook(c.UserContext(), u.ID, c.FormValue("url"),
		folio.WebhookFormat(c.FormValue("format")), c.FormValue("description"))
	if err != nil {
		return p.formError(c, err)
	}
	return p.renderSettings(c, fiber.StatusOK, SettingsView{Secret: secret,
		Message: sitelang.T(c, "sitego.notify.webhook_added", "URL", w.URL)})
}

// formError renders a refusal the owner can act on within the page.
func (p *Pages) formError(c *fiber.Ctx, err error) error {
	code := folio.ErrorCode(err)
	if code == folio.EINTERNAL {
		return err
	}
	msg := folio.ErrorMessage(err)
	var fe *folio.Error
	if e, ok := err.(*folio.Error); ok {
		fe = e
	}
	if fe != nil {
		for _, f := range fe.Fields {
			msg += " " + f.Message
		}
	}
	status := fiber.StatusUnprocessableEntity
	if code == folio.ENOTFOUND {
		status = fiber.StatusNotFound
	}
	return p.renderSettings(c, status, SettingsView{Error: msg})
}

func (p *Pages) webhookAction(c *fiber.Ctx, test bool) error {
	u, err := p.formOwner(c)
	if u == nil {
		return err
	}
	id, perr := strconv.ParseInt(c.Params("id"), 10, 64)
	if perr != nil || id <= 0 {
		return p.formError(c, &folio.Error{Code: folio.ENOTFOUND, Message: sitelang.T(c, "dashd.notify.webhook_not_found")})
	}
	svc := p.Notifications
	if test {
		if err := svc.TestWebhook(c.UserContext(), u.ID, id); err != nil {
			return p.formError(c, err)
		}
		return p.renderSettings(c, fiber.StatusOK, SettingsView{Message: sitelang.T(c, "sitego.notify.test_delivered")})
	}
	if err := svc.DeleteWebhook(c.UserContext(), u.ID, id); err != nil {
		return p.formError(c, err)
	}
	return p.renderSettings(c, fiber.StatusOK, SettingsView{Message: sitelang.T(c, "sitego.notify.webhook_deleted")})
}

// TestWebhook sends a test message to a webhook.
func (p *Pages) TestWebhook(c *fiber.Ctx) error { return p.webhookAction(c, true) }

// DeleteWebhook deletes a webhook.
func (p *Pages) DeleteWebhook(c *fiber.Ctx) error { return p.webhookAction(c, false) }

// UnsubscribeView is what the unsubscribe page shows
// (web/templates/unsubscribe.html).
type UnsubscribeView struct {
	Token, Label string
	Valid, Done  bool
}

// UnsubscribePage asks to confirm: a GET never unsubscribes, since mail
// scanners follow links.
func (p *Pages) UnsubscribePage(c *fiber.Ctx) error {
	v := UnsubscribeView{Token: c.Params("token")}
	if p.Notifications != nil {
		kind, ok := p.Notifications.UnsubscribeKind(v.Token)
		v.Valid, v.Label = ok, kindLabel(c, kind)
	}
	status := fiber.StatusOK
	if !v.Valid {
		status = fiber.StatusNotFound
	}
	return p.RenderUnsubscribe(c, status, v)
}

// Unsubscribe is the one-click unsubscribe of RFC 8058 (the mail client
// POSTs List-Unsubscribe=One-Click) and the confirm page's button alike:
// the signed token turns that kind of email off, without a login.
func (p *Pages) Unsubscribe(c *fiber.Ctx) error {
	v := UnsubscribeView{Token: c.Params("token")}
	if p.Notifications != nil {
		kind, ok, err := p.Notifications.Unsubscribe(c.UserContext(), v.Token)
		if err != nil {
			return err
		}
		v.Valid, v.Done, v.Label = ok, ok, kindLabel(c, kind)
	}
	status := fiber.StatusOK
	if !v.Valid {
		status = fiber.StatusNotFound
	}
	return p.RenderUnsubscribe(c, status, v)
}
