package repoimportpages

import (
	"testing"
	"time"

	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/repoimport"
)

// The hourly refusal says in the reader's language how many imports were
// started and, rounded up to whole minutes, when to try again.
func TestTooManyInTheReadersLanguage(t *testing.T) {
	tm := &repoimport.TooManyError{Limit: ratelimit.Limit{Rate: 5, Period: time.Hour}, RetryAfter: 61 * time.Second}
	want := map[string]string{
		"en": "You started 5 imports in the last hour; try again in 2 minutes.",
		"de": "Sie haben in der letzten Stunde 5 Importe gestartet; versuchen Sie es in 2 Minuten noch einmal.",
		"es": "Has iniciado 5 importaciones en la última hora; inténtalo de nuevo dentro de 2 minutos.",
	}
	for lang, w := range want {
		if got := tooMany(i18n.For(lang), tm); got != w {
			t.Errorf("%s: %q, want %q", lang, got, w)
		}
	}
	tm.RetryAfter = 3 * time.Second
	if got := tooMany(i18n.For("de"), tm); got != "Sie haben in der letzten Stunde 5 Importe gestartet; versuchen Sie es in 1 Minute noch einmal." {
		t.Errorf("seconds away: %q", got)
	}
}
