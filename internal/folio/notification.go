package folio

import (
	"context"
	"time"
)

// NotificationKind is what a notification tells.
type NotificationKind string

// The notifications Folio sends. Account kinds (verification, reset, email
// change) are always sent by email and ignore preferences.
const (
	NotifyDemoDown          NotificationKind = "demo_down"
	NotifyDemoRecovered     NotificationKind = "demo_recovered"
	NotifyMediaFailed       NotificationKind = "media_failed"
	NotifyMediaReady        NotificationKind = "media_ready"
	NotifyWeeklyDigest      NotificationKind = "weekly_digest"
	NotifyShareLinkOpened   NotificationKind = "share_link_opened"
	NotifyFollowUpsDue      NotificationKind = "followups_due"
	NotifyVerifyEmail       NotificationKind = "verify_email"
	NotifyPasswordReset     NotificationKind = "password_reset"
	NotifyEmailChange       NotificationKind = "email_change"
	NotifyEmailChangeNotice NotificationKind = "email_change_notice"
)

// OwnerKinds are the kinds an owner chooses to receive, per channel, in
// the order the settings list them.
var OwnerKinds = []NotificationKind{NotifyDemoDown, NotifyDemoRecovered, NotifyMediaFailed, NotifyMediaReady,
	NotifyShareLinkOpened, NotifyFollowUpsDue, NotifyWeeklyDigest}

// IsOwnerKind reports whether k is one of OwnerKinds.
func (k NotificationKind) IsOwnerKind() bool {
	for _, o := range OwnerKinds {
		if o == k {
			return true
		}
	}
	return false
}

// DefaultEnabled is whether k is sent on a channel the owner has not
// chosen for: everything but "screencast ready", which is noise for most.
func (k NotificationKind) DefaultEnabled() bool { return k != NotifyMediaReady }

// NotificationChannel is how a notification is delivered.
type NotificationChannel string

// Channels.
const (
	ChannelEmail   NotificationChannel = "email"
	ChannelWebhook NotificationChannel = "webhook"
)

// DeliveryStatus is where one delivery stands.
type DeliveryStatus string

// Statuses: pending until delivered (sent) or given up after the last
// attempt (failed); skipped when it could not be sent at all (an
// unverified address).
const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed"
	DeliverySkipped DeliveryStatus = "skipped"
)

// Notification is one cause in the outbox. The worker fans it out into
// Deliveries: by the owner's preferences when Channel is empty, or, for
// account mail, one email to Target (the account's address when empty).
type Notification struct {
	ID      int64
	OwnerID int64
	Kind    NotificationKind
	// Channel is empty (by preferences) or ChannelEmail (account mail).
	Channel NotificationChannel
	// Target is the email address of account mail; empty otherwise.
	Target string
	// DedupeKey names the cause, e.g. "demo_down:42:2026-11-25T10:00:00Z";
	// a second notification with the same key is not written.
	DedupeKey string
	// Data is what the message says, by kind (the kind's template reads
	// it as .Data.key).
	Data      map[string]string
	CreatedAt time.Time
}

// Delivery is one notification on its way to one destination.
type Delivery struct {
	ID             int64
	NotificationID int64
	OwnerID        int64
	Kind           NotificationKind
	Channel        NotificationChannel
	Target         string // email address, or the webhook's URL in listings
	WebhookID      int64
	Status         DeliveryStatus
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	CreatedAt      time.Time
	SentAt         time.Time
}

// WebhookFormat is the shape of a webhook's body.
type WebhookFormat string

// Formats: Folio's own JSON, or what Slack's and Discord's incoming
// webhooks accept.
const (
	WebhookJSON    WebhookFormat = "json"
	WebhookSlack   WebhookFormat = "slack"
	WebhookDiscord WebhookFormat = "discord"
)

// Webhook is an owner's HTTPS endpoint.
type Webhook struct {
	ID          int64
	OwnerID     int64
	URL         string
	Format      WebhookFormat
	Description string
	CreatedAt   time.Time
}

// NotificationPreference is whether kind goes out on channel.
type NotificationPreference struct {
	Kind    NotificationKind
	Channel NotificationChannel
	Enabled bool
}

// NotificationSettings are what the settings page and API show.
type NotificationSettings struct {
	Preferences []NotificationPreference
	// EmailOn is whether this instance can send email at all.
	EmailOn bool
	// Email is the account's address; EmailVerified whether it may get
	// notifications.
	Email         string
	EmailVerified bool
}

// NotificationStore keeps preferences, webhooks and deliveries.
type NotificationStore interface {
	// Preferences returns every owner kind on both channels, defaults
	// filled in.
	Preferences(ctx context.Context, ownerID int64) ([]NotificationPreference, error)
	// SetPreferences stores ps (only owner kinds are accepted).
	SetPreferences(ctx context.Context, ownerID int64, ps []NotificationPreference) error
	// Deliveries lists the owner's latest deliveries, newest first.
	Deliveries(ctx context.Context, ownerID int64, limit int) ([]Delivery, error)
}
