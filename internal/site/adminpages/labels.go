package adminpages

import (
	"strings"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// KindPrefix prefixes the catalog message of each audit kind
// ("dashc.audit.login"); a test keeps one for every kind in every
// language.
const KindPrefix = "dashc.audit."

// KindLabel is how an audit kind reads in l's language; its English
// label (audit.Kind.Label) when the catalogs lack it.
func KindLabel(l *i18n.Localizer, k audit.Kind) string {
	key := KindPrefix + string(k)
	if s := l.T(key); s != key {
		return s
	}
	return k.Label()
}

// DeviceLabel is a device summary (device.Describe: "Firefox 128 on
// Linux", stored in English) in l's language: the browser and the system
// are names, only the word between them is translated.
func DeviceLabel(l *i18n.Localizer, summary string) string {
	browser, os, ok := strings.Cut(summary, " on ")
	if !ok || browser == "" || os == "" {
		return summary
	}
	return l.T("dashc.device", "Browser", browser, "OS", os)
}

// RefusalMessage is why an administrator's action on the account handle
// was refused, in l's language. internal/admin's refusals are English
// (the API's), so they are told apart by their words; one this does not
// know is shown as it is.
func RefusalMessage(l *i18n.Localizer, err error, handle string) string {
	msg := folio.ErrorMessage(err)
	var key string
	switch {
	case folio.ErrorCode(err) == folio.EUNAVAILABLE:
		key = "dashc.admin.delete_unavailable"
	case strings.HasPrefix(msg, "You cannot ") && strings.HasSuffix(msg, " your own account here."):
		key = "dashc.admin.own_account"
	case strings.HasPrefix(msg, handle+" is an administrator: "):
		key = "dashc.admin.is_admin"
	case strings.HasPrefix(msg, handle+" is suspended: "):
		key = "dashc.admin.suspended_first"
	case strings.HasPrefix(msg, "This is the last administrator"):
		key = "dashc.admin.last_admin"
	default:
		return msg
	}
	return l.T(key, "Handle", handle)
}
