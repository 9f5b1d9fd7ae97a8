package notify

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/ratelimit"
)

// Service is what the settings page and API do with notifications. It
// checks ownership through the store: another owner's webhook is
// ENOTFOUND.
type Service struct {
	D *Deliverer
	// Limiter bounds test sends per owner (TestSendLimit), so that a test
	// button cannot aim Folio at someone's endpoint; nil: no limit.
	Limiter *ratelimit.Limiter
}

// TestSendLimit is how many test sends an owner may make.
var TestSendLimit = ratelimit.Limit{Rate: 10, Period: time.Hour}

// EmailOn reports whether this instance sends email.
func (s *Service) EmailOn() bool { return s.D.Mailer != nil }

// Settings returns the owner's preferences and whether email reaches them.
func (s *Service) Settings(ctx context.Context, ownerID int64) (folio.NotificationSettings, error) {
	prefs, err := s.D.Store.Preferences(ctx, ownerID)
	if err != nil {
		return folio.NotificationSettings{}, err
	}
	email, verified, err := s.D.Store.EmailStatus(ctx, ownerID)
	if err != nil {
		return folio.NotificationSettings{}, err
	}
	return folio.NotificationSettings{Preferences: prefs, EmailOn: s.EmailOn(), Email: email, EmailVerified: verified}, nil
}

// SetPreferences stores the owner's choices (EINVALID for unknown kinds
// or channels).
func (s *Service) SetPreferences(ctx context.Context, ownerID int64, ps []folio.NotificationPreference) error {
	if len(ps) > 4*len(folio.OwnerKinds) {
		return folio.Errorf(folio.EINVALID, "Too many preferences in one request.")
	}
	return s.D.Store.SetPreferences(ctx, ownerID, ps)
}

// Unsubscribe turns off, by a signed token, one kind of email. It
// reports which; false for a token that is not Folio's.
func (s *Service) Unsubscribe(ctx context.Context, token string) (folio.NotificationKind, bool, error) {
	owner, kind, ok := s.D.Keys.ParseUnsubscribeToken(token)
	if !ok {
		return "", false, nil
	}
	err := s.D.Store.SetPreferences(ctx, owner, []folio.NotificationPreference{{Kind: kind, Channel: folio.ChannelEmail, Enabled: false}})
	return kind, err == nil, err
}

// UnsubscribeKind reads a token without acting on it (the confirm page).
func (s *Service) UnsubscribeKind(token string) (folio.NotificationKind, bool) {
	_, kind, ok := s.D.Keys.ParseUnsubscribeToken(token)
	return kind, ok
}

// AddWebhook checks and stores an endpoint and returns it with its
// secret, which is shown this once.
func (s *Service) AddWebhook(ctx context.Context, ownerID int64, rawURL string, format folio.WebhookFormat, description string) (*folio.Webhook, string, error) {
	v := folio.Validation{}
	rawURL, description = strings.TrimSpace(rawURL), strings.TrimSpace(description)
	if format == "" {
		format = folio.WebhookJSON
	}
	switch format {
	case folio.WebhookJSON, folio.WebhookSlack, folio.WebhookDiscord:
	default:
		v.Add("format", "Must be json, slack or discord.")
	}
	if len([]rune(description)) > 100 || strings.ContainsAny(description, "\x00\r\n") {
		v.Add("description", "At most 100 characters on one line.")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	if s.D.Webhooks == nil {
		return nil, "", folio.Errorf(folio.EUNAVAILABLE, "Webhooks are not set up on this instance.")
	}
	if err := s.D.Webhooks.CheckWebhookURL(ctx, rawURL); err != nil {
		return nil, "", err
	}
	secret := NewWebhookSecret()
	w, err := s.D.Store.AddWebhook(ctx, folio.Webhook{OwnerID: ownerID, URL: rawURL, Format: format, Description: description},
		s.D.Keys.Seal(secret, ownerID))
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// Webhooks lists the owner's endpoints.
func (s *Service) Webhooks(ctx context.Context, ownerID int64) ([]*folio.Webhook, error) {
	return s.D.Store.Webhooks(ctx, ownerID)
}

// DeleteWebhook removes one of the owner's endpoints.
func (s *Service) DeleteWebhook(ctx context.Context, ownerID, id int64) error {
	return s.D.Store.DeleteWebhook(ctx, ownerID, id)
}

// TestWebhook sends a test event now; a failure comes back as EINVALID
// with the endpoint's answer, for the owner to fix.
func (s *Service) TestWebhook(ctx context.Context, ownerID, id int64) error {
	if s.Limiter != nil {
		ok, _, err := s.Limiter.Allow(ctx, "notify:test-send:"+strconv.FormatInt(ownerID, 10), TestSendLimit)
		if err != nil {
			return err
		}
		if !ok {
			return folio.Errorf(folio.ETOOMANY, "At most %d test sends an hour; try again later.", TestSendLimit.Rate)
		}
	}
	err := s.D.TestWebhook(ctx, ownerID, id)
	if err != nil && folio.ErrorCode(err) == folio.EINTERNAL {
		return folio.Errorf(folio.EINVALID, "The test message was not accepted: %s.", err.Error())
	}
	return err
}

// Deliveries lists the owner's recent deliveries.
func (s *Service) Deliveries(ctx context.Context, ownerID int64, limit int) ([]folio.Delivery, error) {
	return s.D.Store.Deliveries(ctx, ownerID, limit)
}

// EmailNote says in words why email does not reach the owner ("" when it
// does), for the settings page and API.
func EmailNote(s folio.NotificationSettings) string {
	switch {
	case !s.EmailOn:
		return "Email is off on this Folio: the operator has not set FOLIO_SMTP_URL. Webhooks still work."
	case !s.EmailVerified:
		return "Your email address is not verified yet, so no notification is mailed to it. Verify it from the link Folio sent you."
	}
	return ""
}
