package site

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/notify"
	"github.com/foliohq/folio/internal/request"
)

// kindLabels name the kinds in the settings and the unsubscribe page.
var kindLabels = map[folio.NotificationKind]string{
	folio.NotifyDemoDown:        "A live demo goes down",
	folio.NotifyDemoRecovered:   "A live demo is back up",
	folio.NotifyMediaFailed:     "A screencast could not be processed",
	folio.NotifyMediaReady:      "A screencast is ready",
	folio.NotifyShareLinkOpened: "A share link is opened for the first time",
	folio.NotifyFollowUpsDue:    "Follow-ups due today",
	folio.NotifyWeeklyDigest:    "Weekly digest of your visitors",
}

type prefRow struct {
	Kind, Label    string
	Email, Webhook bool
}

type notificationsView struct {
	pageBase
	User       *folio.User
	CSRF       string
	Settings   folio.NotificationSettings
	EmailNote  string
	Prefs      []prefRow
	Webhooks   []*folio.Webhook
	Deliveries []folio.Delivery
	// Secret is the new webhook's, shown this once.
	Secret  string
	Message string
	Error   string
}

// notificationsPage shows the settings, webhooks and recent deliveries;
// the form handlers render it again with their outcome.
func (s *Site) notificationsPage(c *fiber.Ctx) error {
	return s.renderNotifications(c, fiber.StatusOK, notificationsView{})
}

func (s *Site) renderNotifications(c *fiber.Ctx, status int, v notificationsView) error {
	u := request.Viewer(c)
	if u == nil {
		return c.Redirect("/login")
	}
	if s.opts.Notifications == nil {
		return s.renderNotFound(c)
	}
	ctx, svc := c.UserContext(), s.opts.Notifications
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
	byKind := map[folio.NotificationKind]*prefRow{}
	for _, p := range v.Settings.Preferences {
		row, ok := byKind[p.Kind]
		if !ok {
			v.Prefs = append(v.Prefs, prefRow{Kind: string(p.Kind), Label: kindLabels[p.Kind]})
			row = &v.Prefs[len(v.Prefs)-1]
			byKind[p.Kind] = row
		}
		if p.Channel == folio.ChannelEmail {
			row.Email = p.Enabled
		} else {
			row.Webhook = p.Enabled
		}
	}
	v.pageBase, v.User, v.EmailNote = s.privatePage("Notifications", c), u, notify.EmailNote(v.Settings)
	v.CSRF = request.Identity(c).Session.CSRFToken
	return s.render(c, status, "notifications", v)
}

// formOwner is the signed-in owner of a dashboard form, whose hidden csrf
// field must match the session's token (a cross-site form cannot know it).
func (s *Site) formOwner(c *fiber.Ctx) (*folio.User, error) {
	id := request.Identity(c)
	if id == nil || id.Session == nil {
		return nil, c.Redirect("/login", fiber.StatusSeeOther)
	}
	if !auth.CSRFValid(id.Session, c.FormValue("csrf")) {
		return nil, &folio.Error{Code: request.CodeCSRF, Message: "This form is stale; reload the page and try again."}
	}
	if s.opts.Notifications == nil {
		return nil, folio.Errorf(folio.ENOTFOUND, "Notifications are not set up on this instance.")
	}
	return id.User, nil
}

// saveNotifications stores the preferences form: a ticked box is on, an
// unticked one off.
func (s *Site) saveNotifications(c *fiber.Ctx) error {
	u, err := s.formOwner(c)
	if u == nil {
		return err
	}
	ps := make([]folio.NotificationPreference, 0, 2*len(folio.OwnerKinds))
	for _, k := range folio.OwnerKinds {
		for _, ch := range []folio.NotificationChannel{folio.ChannelEmail, folio.ChannelWebhook} {
			ps = append(ps, folio.NotificationPreference{Kind: k, Channel: ch, Enabled: c.FormValue(string(ch)+":"+string(k)) == "on"})
		}
	}
	if err := s.opts.Notifications.SetPreferences(c.UserContext(), u.ID, ps); err != nil {
		return err
	}
	return s.renderNotifications(c, fiber.StatusOK, notificationsView{Message: "Preferences saved."})
}

// addWebhookForm adds an endpoint and shows its secret once.
func (s *Site) addWebhookForm(c *fiber.Ctx) error {
	u, err := s.formOwner(c)
	if u == nil {
		return err
	}
	w, secret, err := s.opts.Notifications.AddWebhook(c.UserContext(), u.ID, c.FormValue("url"),
		folio.WebhookFormat(c.FormValue("format")), c.FormValue("description"))
	if err != nil {
		return s.formError(c, err)
	}
	return s.renderNotifications(c, fiber.StatusOK, notificationsView{Secret: secret,
		Message: "Webhook added: " + w.URL + ". Copy its signing secret now; it is not shown again."})
}

// formError renders a refusal the owner can act on within the page.
func (s *Site) formError(c *fiber.Ctx, err error) error {
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
	return s.renderNotifications(c, status, notificationsView{Error: msg})
}

func (s *Site) webhookAction(c *fiber.Ctx, test bool) error {
	u, err := s.formOwner(c)
	if u == nil {
		return err
	}
	id, perr := strconv.ParseInt(c.Params("id"), 10, 64)
	if perr != nil || id <= 0 {
		return s.formError(c, folio.Errorf(folio.ENOTFOUND, "Webhook not found."))
	}
	svc := s.opts.Notifications
	if test {
		if err := svc.TestWebhook(c.UserContext(), u.ID, id); err != nil {
			return s.formError(c, err)
		}
		return s.renderNotifications(c, fiber.StatusOK, notificationsView{Message: "Test message delivered."})
	}
	if err := svc.DeleteWebhook(c.UserContext(), u.ID, id); err != nil {
		return s.formError(c, err)
	}
	return s.renderNotifications(c, fiber.StatusOK, notificationsView{Message: "Webhook deleted."})
}

func (s *Site) testWebhookForm(c *fiber.Ctx) error   { return s.webhookAction(c, true) }
func (s *Site) deleteWebhookForm(c *fiber.Ctx) error { return s.webhookAction(c, false) }

type unsubscribeView struct {
	pageBase
	Token, Label string
	Valid, Done  bool
}

// unsubscribePage asks to confirm: a GET never unsubscribes, since mail
// scanners follow links.
func (s *Site) unsubscribePage(c *fiber.Ctx) error {
	v := unsubscribeView{pageBase: s.unsubscribeBase(c), Token: c.Params("token")}
	if s.opts.Notifications != nil {
		kind, ok := s.opts.Notifications.UnsubscribeKind(v.Token)
		v.Valid, v.Label = ok, kindLabels[kind]
	}
	status := fiber.StatusOK
	if !v.Valid {
		status = fiber.StatusNotFound
	}
	return s.render(c, status, "unsubscribe", v)
}

// unsubscribe is the one-click unsubscribe of RFC 8058 (the mail client
// POSTs List-Unsubscribe=One-Click) and the confirm page's button alike:
// the signed token turns that kind of email off, without a login.
func (s *Site) unsubscribe(c *fiber.Ctx) error {
	v := unsubscribeView{pageBase: s.unsubscribeBase(c), Token: c.Params("token")}
	if s.opts.Notifications != nil {
		kind, ok, err := s.opts.Notifications.Unsubscribe(c.UserContext(), v.Token)
		if err != nil {
			return err
		}
		v.Valid, v.Done, v.Label = ok, ok, kindLabels[kind]
	}
	status := fiber.StatusOK
	if !v.Valid {
		status = fiber.StatusNotFound
	}
	return s.render(c, status, "unsubscribe", v)
}

func (s *Site) unsubscribeBase(c *fiber.Ctx) pageBase {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return pageBase{Viewer: request.Viewer(c), Meta: pageMeta{Title: "Unsubscribe · Folio", NoIndex: true}}
}
