package analytics

import (
	"net"
	"net/url"
	"strings"

	"github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"

	"github.com/foliohq/folio/internal/folio"
)

// headlessMarkers are User-Agent fragments of automated clients that the
// parser's bot list does not catch: headless browsers, audit tools, HTTP
// libraries and link unfurlers. Lower case.
var headlessMarkers = []string{
	"headlesschrome", "lighthouse", "chrome-lighthouse", "pagespeed", "phantomjs", "puppeteer", "playwright",
	"selenium", "webdriver", "curl/", "wget/", "python-requests", "python-urllib", "aiohttp", "go-http-client",
	"okhttp", "java/", "libwww", "httpie", "axios", "node-fetch", "undici", "bot/", "crawler", "spider",
	"slurp", "preview", "facebookexternalhit", "embedly", "whatsapp", "folio", "uptime", "monitor", "scan",
}

// Classifier tells bots from people and desktops from phones. Safe for
// concurrent use; build one per process (the parser's tables are large).
type Classifier struct{ parser *useragent.Parser }

// NewClassifier builds the User-Agent parser.
func NewClassifier() *Classifier { return &Classifier{parser: useragent.NewParser()} }

// Classify returns the device class of a User-Agent and whether it is a
// bot or an automated client. An empty User-Agent is a bot: browsers
// always send one.
func (c *Classifier) Classify(userAgent string) (folio.DeviceClass, bool) {
	if strings.TrimSpace(userAgent) == "" || len(userAgent) > 1024 {
		return "", true
	}
	lower := strings.ToLower(userAgent)
	for _, m := range headlessMarkers {
		if strings.Contains(lower, m) {
			return "", true
		}
	}
	ua := c.parser.Parse(userAgent)
	if ua.IsBot() {
		return "", true
	}
	switch ua.Device() {
	case agents.DeviceMobile:
		return folio.DeviceMobile, false
	case agents.DeviceTablet:
		return folio.DeviceTablet, false
	case agents.DeviceDesktop:
		return folio.DeviceDesktop, false
	}
	if ua.Browser() == "" {
		// Neither a known browser nor a known device: not a person's browser.
		return "", true
	}
	return "", false
}

// ReferrerHost reduces a Referer header to the referring site's host name
// (no path, no query: they may carry personal data), or "" when there is
// none, it is not http(s), or it is this instance (ownHost) itself.
func ReferrerHost(referer, ownHost string) string {
	if referer == "" || len(referer) > 2048 {
		return ""
	}
	u, err := url.Parse(referer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || len(host) > 253 {
		return ""
	}
	if own := strings.ToLower(hostOnly(ownHost)); own != "" && host == own {
		return ""
	}
	return strings.TrimPrefix(host, "www.")
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// Source is the campaign source a link was tagged with (utm_source, or
// the shorter ref / source that link-in-bio tools use), cleaned and
// bounded; "" when absent.
func Source(query url.Values) string {
	for _, k := range []string{"utm_source", "ref", "source"} {
		if v := strings.TrimSpace(query.Get(k)); v != "" {
			v = strings.ToLower(v)
			if len(v) > 100 {
				v = v[:100]
			}
			if !folio.IsText(v) {
				return ""
			}
			return v
		}
	}
	return ""
}
