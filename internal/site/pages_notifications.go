package site

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/notifypages"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// The notification pages (internal/site/notifypages) in the site's layout.

type notificationsView struct {
	pageBase
	notifypages.SettingsView
}

type unsubscribeView struct {
	pageBase
	notifypages.UnsubscribeView
}

func (s *Site) notifyPages() *notifypages.Pages {
	return &notifypages.Pages{
		Notifications: s.opts.Notifications,
		RenderSettings: func(c *fiber.Ctx, status int, v notifypages.SettingsView) error {
			return s.render(c, status, "notifications", notificationsView{pageBase: s.privatePage("title.notifications", c), SettingsView: v})
		},
		RenderUnsubscribe: func(c *fiber.Ctx, status int, v notifypages.UnsubscribeView) error {
			c.Set(fiber.HeaderCacheControl, "no-store")
			base := pageBase{Viewer: request.Viewer(c), Meta: pageMeta{Title: sitelang.T(c, "title.unsubscribe") + " · Folio", NoIndex: true}}
			return s.render(c, status, "unsubscribe", unsubscribeView{pageBase: base, UnsubscribeView: v})
		},
		NotFound: s.renderNotFound,
	}
}
