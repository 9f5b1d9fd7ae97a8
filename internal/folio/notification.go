package folio

import "time"

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

// NotificationChannel is how a notification is delivered.
type NotificationChannel string

// Channels.
const (
	ChannelEmail   NotificationChannel = "email"
	ChannelWebhook NotificationChannel = "webhook"
)

// NotificationStatus is where a notification's delivery stands.
type NotificationStatus string

// Statuses: pending until delivered (sent) or given up (failed); skipped
// when the owner turned the kind off after it was written.
const (
	NotificationPending NotificationStatus = "pending"
	NotificationSent    NotificationStatus = "sent"
	NotificationFailed  NotificationStatus = "failed"
	NotificationSkipped NotificationStatus = "skipped"
)

// Notification is one message in the outbox.
type Notification struct {
	ID      int64
	OwnerID int64
	Kind    NotificationKind
	Channel NotificationChannel
	// Target is the email address, or the webhook endpoint's id.
	Target string
	// DedupeKey names the cause, e.g. "demo_down:42:2026-11-25T10:00:00Z";
	// a second notification with the same key is not written.
	DedupeKey string
	// Data is what the message says, by kind.
	Data          map[string]string
	Status        NotificationStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}
