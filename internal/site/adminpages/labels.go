package adminpages

import (
	"strings"

	"github.com/foliohq/folio/internal/audit"
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
