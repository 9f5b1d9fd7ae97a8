package notify_test

import (
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/notify"
)

// TestAccountMailRenders renders each kind of the account email flows with
// the data internal/account writes: every value shows in both parts, and
// nothing is missing or loaded from elsewhere.
func TestAccountMailRenders(t *testing.T) {
	data := map[string]string{"email": "ada@example.com", "old_email": "ada@example.com", "new_email": "ada@new.example",
		"url": "https://folio.example/x?token=fa_abc", "login_url": "https://folio.example/login", "expires_in": "30 minutes"}
	for _, kind := range []folio.NotificationKind{folio.NotifyVerifyEmail, folio.NotifyPasswordReset, folio.NotifyPasswordChanged,
		folio.NotifyEmailChange, folio.NotifyEmailChangeNotice, folio.NotifySignUpAttempt} {
		r, err := notify.Render(notify.MessageData{Kind: kind, OwnerName: "Ada", BaseURL: "https://folio.example",
			SettingsURL: "https://folio.example/dashboard/notifications", Data: data})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		for _, part := range []string{r.Subject, r.Text, r.HTML} {
			if part == "" || strings.Contains(part, "<no value>") {
				t.Errorf("%s: empty or missing value in %q", kind, part)
			}
		}
		if !strings.Contains(r.Text, "https://folio.example/") || !strings.Contains(r.HTML, `href="https://folio.example/`) {
			t.Errorf("%s: no absolute link in both parts:\n%s\n%s", kind, r.Text, r.HTML)
		}
		if strings.Contains(strings.ToLower(r.HTML), "<img") {
			t.Errorf("%s: an image in the HTML", kind)
		}
	}
}
