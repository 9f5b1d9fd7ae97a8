package folio

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// User is the owner of a portfolio.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	IsAdmin      bool
	// EmailVerifiedAt is when the owner proved the address is theirs; zero
	// until then, and no notification is mailed to an unverified address.
	EmailVerifiedAt time.Time
	SuspendedAt     time.Time // set by an administrator: no sign-in, no public pages
	// ContentVersion changes whenever anything the public portfolio shows
	// changes; cached pages are keyed by it.
	ContentVersion int64
	CardsFor       string // the social cards stored in full (socialcard.Tag), "" for none
	Profile
	// Look is how the owner's public pages look, read with the owner.
	Look      Look
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Look is what a page render needs of the owner's appearance (see
// internal/appearance, which validates and stores it); "" fields are the
// defaults. CustomCSS says whether there is some: its stylesheet reads it.
type Look struct {
	Theme     string `json:"theme"`
	ColorMode string `json:"color_mode"`
	Accent    string `json:"accent"`
	Font      string `json:"font"`
	Language  string `json:"language"`
	CustomCSS bool   `json:"custom_css"`
}

// Profile is what a portfolio page says about its owner.
type Profile struct {
	Handle      string
	DisplayName string
	Headline    string
	Bio         string // Markdown
	Location    string
	WebsiteURL  string
	GitHubURL   string
	LinkedInURL string
	ShowEmail   bool
	// AvatarMediaID is the profile picture's media, 0 for none.
	AvatarMediaID int64
}

// Limits on profile fields.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 72 // bcrypt ignores what follows
	maxDisplayName    = 80
	maxHeadline       = 160
	maxBio            = 10000
	maxLocation       = 100
	maxURL            = 2048
)

// handlePattern: 3-30 lowercase letters, digits and hyphens, not starting
// or ending with a hyphen.
var handlePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$`)

// reservedHandles are paths the site uses for itself; a handle may not take
// one, since /{handle} shares the root with them.
var reservedHandles = map[string]bool{}

func init() {
	for _, h := range strings.Fields(`about account accounts admin api app apps assets auth blog
		dashboard docs explore favicon-ico feed healthz help home login logout me media
		metrics new null openapi privacy readyz register robots-txt root rss search settings
		signin signout signup sitemap sitemap-xml static status support terms undefined upload
		uploads user users www folio beacon s calendar unsubscribe
		forgot-password reset-password verify-email confirm-email`) {
		reservedHandles[h] = true
	}
}

// IsReservedHandle reports whether a handle is taken by the site itself.
func IsReservedHandle(h string) bool { return reservedHandles[strings.ToLower(h)] }

// NormalizeHandle lowercases and trims a handle as typed by a person.
func NormalizeHandle(h string) string { return strings.ToLower(strings.TrimSpace(h)) }

// NormalizeEmail trims an email; the database compares it case-insensitively.
func NormalizeEmail(e string) string { return strings.TrimSpace(e) }

func validateHandle(v *Validation, field, h string) {
	switch {
	case !handlePattern.MatchString(h):
		v.Add(field, "must be 3-30 lowercase letters, digits or hyphens, not starting or ending with a hyphen")
	case IsReservedHandle(h):
		v.Add(field, "%q is reserved by the site", h)
	}
}

func validateEmail(v *Validation, field, e string) {
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 254 {
		v.Add(field, "must be an email address such as ada@example.com")
	}
}

func validatePassword(v *Validation, field, p string) {
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLength {
		v.Add(field, "must be at least %d characters", MinPasswordLength)
	} else if len(p) > MaxPasswordLength {
		v.Add(field, "must be at most %d bytes", MaxPasswordLength)
	}
}

func validateText(v *Validation, field, s string, required bool, max int) {
	if required && strings.TrimSpace(s) == "" {
		v.Add(field, "is required")
		return
	}
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "must be at most %d characters", max)
	}
	if strings.ContainsFunc(s, isControl) {
		v.Add(field, "must not contain control characters")
	}
}

// isControl rejects control characters other than the line breaks and tabs
// Markdown needs.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f
}

// Registration is what a person gives to sign up.
type Registration struct {
	Email       string
	Password    string
	Handle      string
	DisplayName string
	// Verified creates the account with its address taken as proven: the
	// operator's tools (seed, demo) do; a sign-up never does.
	Verified bool
}

// Normalize trims the fields and lowercases the handle, as stored.
func (r *Registration) Normalize() {
	r.Email = NormalizeEmail(r.Email)
	r.Handle = NormalizeHandle(r.Handle)
	r.DisplayName = strings.TrimSpace(r.DisplayName)
}

// Validate checks every field and reports all problems at once.
func (r *Registration) Validate() error {
	var v Validation
	validateEmail(&v, "email", r.Email)
	validatePassword(&v, "password", r.Password)
	validateHandle(&v, "handle", r.Handle)
	validateText(&v, "display_name", r.DisplayName, true, maxDisplayName)
	return v.Err()
}

// ProfileUpdate changes some fields of a profile; nil means unchanged.
type ProfileUpdate struct {
	Handle      *string
	DisplayName *string
	Headline    *string
	Bio         *string
	Location    *string
	WebsiteURL  *string
	GitHubURL   *string
	LinkedInURL *string
	ShowEmail   *bool
}

// Validate checks every given field.
func (u *ProfileUpdate) Validate() error {
	var v Validation
	if u.Handle != nil {
		validateHandle(&v, "handle", *u.Handle)
	}
	if u.DisplayName != nil {
		validateText(&v, "display_name", *u.DisplayName, true, maxDisplayName)
	}
	if u.Headline != nil {
		validateText(&v, "headline", *u.Headline, false, maxHeadline)
	}
	if u.Bio != nil {
		validateText(&v, "bio", *u.Bio, false, maxBio)
	}
	if u.Location != nil {
		validateText(&v, "location", *u.Location, false, maxLocation)
	}
	for _, f := range []optionalField{{"website_url", u.WebsiteURL}, {"github_url", u.GitHubURL}, {"linkedin_url", u.LinkedInURL}} {
		if f.value != nil {
			validateURL(&v, f.name, *f.value)
		}
	}
	return v.Err()
}

// Apply copies the given fields onto p.
func (u *ProfileUpdate) Apply(p *Profile) {
	set(&p.Handle, u.Handle)
	set(&p.DisplayName, u.DisplayName)
	set(&p.Headline, u.Headline)
	set(&p.Bio, u.Bio)
	set(&p.Location, u.Location)
	set(&p.WebsiteURL, u.WebsiteURL)
	set(&p.GitHubURL, u.GitHubURL)
	set(&p.LinkedInURL, u.LinkedInURL)
	set(&p.ShowEmail, u.ShowEmail)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// UserService stores users.
type UserService interface {
	// CreateUser stores a new user. Returns ECONFLICT (with the field) when
	// the email or handle is taken. The first user (one only) becomes an admin.
	CreateUser(ctx context.Context, u *User) error
	// UserByID returns ENOTFOUND when there is no such user.
	UserByID(ctx context.Context, id int64) (*User, error)
	// UserByEmail returns ENOTFOUND when no user has that email, in any case.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UserByHandle returns ENOTFOUND when no unsuspended user has that handle, in any case.
	UserByHandle(ctx context.Context, handle string) (*User, error)
	// UpdateProfile validates and applies upd. Returns ECONFLICT when the
	// new handle is taken.
	UpdateProfile(ctx context.Context, userID int64, upd ProfileUpdate) (*User, error)
	// SetPasswordHash replaces the password hash of userID; ENOTFOUND when
	// there is no such user.
	SetPasswordHash(ctx context.Context, userID int64, hash string) error
	// SetAdmin grants or revokes the admin role; ENOTFOUND for an unknown email.
	SetAdmin(ctx context.Context, email string, admin bool) error
}
