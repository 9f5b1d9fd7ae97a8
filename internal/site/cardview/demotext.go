package cardview

import (
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// DemoClasses are the demo checker's error classes (internal/demo's
// Class* constants, stored with each check) the catalogs say in every
// language, listed for the test that keeps them there.
var DemoClasses = []string{"dns", "connect", "tls", "timeout", "http_status", "blocked", "invalid_url"}

// DemoFailure is why check failed, for the owner's dashboard, in l's
// language. The stored reason is English (the API's) and more precise
// (the DNS name, the certificate's date), so English readers get it as
// it is; other languages get the reason's class in their words, or the
// stored reason for a class the catalogs lack.
func DemoFailure(l *i18n.Localizer, check *folio.DemoCheck) string {
	if l.Lang() == i18n.Default {
		return check.Error
	}
	key := "dashc.demo.class." + check.ErrorClass
	if s := l.T(key, "Status", check.StatusCode); s != key && check.ErrorClass != "" {
		return s
	}
	return check.Error
}

// DemoEvent is a demo event's kind and message as the dashboard shows
// them, in l's language. A recovery says it all in its kind; a failure
// keeps the checker's reason of the moment (English: events do not keep
// the error class).
func DemoEvent(l *i18n.Localizer, e folio.DemoEvent) (kind, message string) {
	switch e.Kind {
	case "recovered":
		return l.T("dashc.demo.event.recovered"), ""
	case "down":
		return l.T("dashc.demo.event.down"), e.Message
	}
	return e.Kind, e.Message
}
