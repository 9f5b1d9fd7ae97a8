package folio_test

import (
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func TestParseMediaKind(t *testing.T) {
	tests := []struct {
		s      string
		want   folio.MediaKind
		wantOK bool
	}{
		{"screencast", folio.MediaScreencast, true},
		{"screenshot", folio.MediaScreenshot, true},
		{"avatar", "", false}, // not a project upload
		{"Screencast", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := folio.ParseMediaKind(tt.s)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseMediaKind(%q) = %q, %v; want %q, %v", tt.s, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMediaKindAcceptsType(t *testing.T) {
	tests := []struct {
		kind folio.MediaKind
		typ  string
		want bool
	}{
		{folio.MediaScreencast, "video/mp4", true},
		{folio.MediaScreencast, "video/webm", true},
		{folio.MediaScreencast, "video/quicktime", true},
		{folio.MediaScreencast, "video/x-matroska", true},
		{folio.MediaScreencast, "image/png", false},
		{folio.MediaScreenshot, "image/png", true},
		{folio.MediaScreenshot, "image/jpeg", true},
		{folio.MediaScreenshot, "image/webp", true},
		{folio.MediaScreenshot, "image/gif", true},
		{folio.MediaScreenshot, "image/svg+xml", false},
		{folio.MediaScreenshot, "video/mp4", false},
		{folio.MediaAvatar, "image/png", true},
		{folio.MediaAvatar, "video/mp4", false},
		{folio.MediaAvatar, "", false},
	}
	for _, tt := range tests {
		if got := tt.kind.AcceptsType(tt.typ); got != tt.want {
			t.Errorf("%s.AcceptsType(%q) = %v, want %v", tt.kind, tt.typ, got, tt.want)
		}
	}
	if !folio.MediaScreencast.IsVideo() || folio.MediaScreenshot.IsVideo() || folio.MediaAvatar.IsVideo() {
		t.Error("only screencasts are video")
	}
}

func TestMediaVisibility(t *testing.T) {
	const owner, stranger = 1, 2
	project := func(vis folio.Visibility) folio.MediaVisibility {
		return folio.MediaVisibility{Media: &folio.Media{OwnerID: owner, Kind: folio.MediaScreenshot}, ProjectVisibility: vis}
	}
	avatar := func(current bool) folio.MediaVisibility {
		return folio.MediaVisibility{Media: &folio.Media{OwnerID: owner, Kind: folio.MediaAvatar}, CurrentAvatar: current}
	}
	tests := []struct {
		name                       string
		v                          folio.MediaVisibility
		owner, stranger, anonymous bool
		listed                     bool
	}{
		{"public project", project(folio.VisibilityPublic), true, true, true, true},
		{"unlisted project", project(folio.VisibilityUnlisted), true, true, true, false},
		{"draft project", project(folio.VisibilityDraft), true, false, false, false},
		{"current avatar", avatar(true), true, true, true, true},
		{"replaced avatar", avatar(false), true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.PublicTo(owner); got != tt.owner {
				t.Errorf("PublicTo(owner) = %v", got)
			}
			if got := tt.v.PublicTo(stranger); got != tt.stranger {
				t.Errorf("PublicTo(stranger) = %v", got)
			}
			if got := tt.v.PublicTo(0); got != tt.anonymous {
				t.Errorf("PublicTo(anonymous) = %v", got)
			}
			if got := tt.v.Listed(); got != tt.listed {
				t.Errorf("Listed = %v", got)
			}
		})
	}
	// An anonymous viewer is never taken for an owner whose id is 0.
	v := folio.MediaVisibility{Media: &folio.Media{OwnerID: 0, Kind: folio.MediaScreenshot}, ProjectVisibility: folio.VisibilityDraft}
	if v.PublicTo(0) {
		t.Error("a draft's media is public to an anonymous viewer")
	}
}

func TestPublicKeys(t *testing.T) {
	k := folio.NewPublicKey()
	if !folio.IsPublicKey(k) {
		t.Errorf("NewPublicKey() = %q, which IsPublicKey refuses", k)
	}
	if folio.NewPublicKey() == k {
		t.Error("two keys alike")
	}
	for s, want := range map[string]bool{
		"0123456789abcdef0123456789abcdef":  true,
		"0123456789ABCDEF0123456789abcdef":  false,
		"0123456789abcdef0123456789abcde":   false,
		"0123456789abcdef0123456789abcdef0": false,
		"../../../../etc/passwd0123456789a": false,
		"":                                  false,
	} {
		if got := folio.IsPublicKey(s); got != want {
			t.Errorf("IsPublicKey(%q) = %v, want %v", s, got, want)
		}
	}
	if got := folio.OriginalKey("abc"); got != "media/abc/original" {
		t.Errorf("OriginalKey = %q", got)
	}
	legacy := folio.Media{OriginalKey: "media/42/original"}
	if got := legacy.ObjectPrefix(); got != "media/42/" {
		t.Errorf("ObjectPrefix of a media stored under its id = %q", got)
	}
}

func TestMediaRendition(t *testing.T) {
	m := folio.Media{Renditions: []folio.Rendition{{Name: "thumbnail", Key: "k1"}, {Name: "video", Key: "k2"}}}
	if r, ok := m.Rendition("video"); !ok || r.Key != "k2" {
		t.Errorf("Rendition(video) = %+v, %v", r, ok)
	}
	if _, ok := m.Rendition("poster_jpeg"); ok {
		t.Error("Rendition of a missing name was found")
	}
}
