package analytics

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/foliohq/folio/internal/folio"
)

// MaxBeaconBytes bounds a beacon's body: the script sends well under 200.
const MaxBeaconBytes = 1024

// Beacon is what the page script sends: which page, what happened, and for
// plays how far.
type Beacon struct {
	Page     string          `json:"page"`    // "handle" or "handle/slug": the page the visitor is on
	Kind     folio.EventKind `json:"kind"`    // play or docs_open
	Project  string          `json:"project"` // the project's slug
	Progress int             `json:"progress"`
	// Share is the token of the share link the page was opened through,
	// read from the page and posted to Folio alone: it is never in a URL
	// the beacon requests. "" on public pages.
	Share string `json:"share,omitempty"`
}

// maxShareToken bounds a share token in a beacon; real ones are 43
// characters of base64url.
const maxShareToken = 100

// IsShareToken reports whether s looks like a share link's token
// (base64url, 22 to 100 characters), so that nothing else reaches a query.
func IsShareToken(s string) bool {
	if len(s) < 22 || len(s) > maxShareToken {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ErrBadBeacon is any beacon that is not one the page script sends.
var ErrBadBeacon = errors.New("analytics: not a beacon")

// ParseBeacon decodes and checks a beacon body. Only what the script can
// send is accepted: plays (at 0, 25, 50, 75 or 100%) and API-docs opens, on
// a project of the page's portfolio.
func ParseBeacon(body []byte) (Beacon, error) {
	var b Beacon
	if len(body) == 0 || len(body) > MaxBeaconBytes {
		return b, ErrBadBeacon
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return b, ErrBadBeacon
	}
	handle, _, _ := strings.Cut(b.Page, "/")
	if handle == "" || len(b.Page) > 200 || b.Project == "" || len(b.Project) > 100 ||
		!folio.IsText(b.Page) || !folio.IsText(b.Project) || (b.Share != "" && !IsShareToken(b.Share)) {
		return b, ErrBadBeacon
	}
	switch b.Kind {
	case folio.EventPlay:
		switch b.Progress {
		case 0, 25, 50, 75, 100:
		default:
			return b, ErrBadBeacon
		}
	case folio.EventDocsOpen:
		b.Progress = 0
	default:
		return b, ErrBadBeacon
	}
	b.Page = strings.ToLower(b.Page)
	b.Project = strings.ToLower(b.Project)
	return b, nil
}

// Handle is the portfolio handle of the beacon's page.
func (b Beacon) Handle() string {
	h, _, _ := strings.Cut(b.Page, "/")
	return h
}

// DoNotTrack reports whether the visitor asked not to be tracked, by
// DNT: 1 or Sec-GPC: 1. Such hits still add to anonymous totals, without
// a visitor id.
func DoNotTrack(dnt, gpc string) bool {
	return strings.TrimSpace(dnt) == "1" || strings.TrimSpace(gpc) == "1"
}
