package server_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/testenv"
)

var renditionPath = regexp.MustCompile(`^/media/[0-9a-f]{32}/[a-z_]+$`)

// Rendition URLs name media by a random key, never by the sequential id,
// and a rendition is served to others only while the media is in use on a
// page they may open.
func TestRenditionsByUnguessableKeyOnlyWhileInUse(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ada, bob := m.signUp("ada"), m.signUp("bob")
	avatar := func() map[string]any {
		t.Helper()
		f, err := os.Open(testenv.Image(t, 300, 300, ".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := m.upload(ada.token, "/api/v1/me/avatar", f, "image/png", false)
		if r.status != 201 {
			t.Fatalf("avatar: %d %s", r.status, r.body)
		}
		return m.waitFor(ada.token, id(r.json(t)))
	}
	status := func(path, token string) (int, string) {
		t.Helper()
		resp, _ := m.fetch(path, token, nil)
		return resp.status, resp.header.Get("Cache-Control")
	}

	first := avatar()
	firstURL := pathOf(renditions(t, first)["thumbnail"]["url"].(string))
	if !renditionPath.MatchString(firstURL) || strings.Contains(firstURL, fmt.Sprintf("/%d/", id(first))) {
		t.Fatalf("rendition URL %s: want /media/{32 hex digits}/{name}, not the media id", firstURL)
	}
	if got, _ := status(fmt.Sprintf("/media/%d/thumbnail", id(first)), ""); got != 404 {
		t.Errorf("the sequential id still serves the avatar: %d", got)
	}
	if got, cache := status(firstURL, ""); got != 200 || !strings.HasPrefix(cache, "public") {
		t.Errorf("current avatar, anonymously: %d %q, want 200 public", got, cache)
	}

	// A replaced avatar is no longer in use: its owner's alone.
	second := avatar()
	secondURL := pathOf(renditions(t, second)["thumbnail"]["url"].(string))
	if secondURL == firstURL {
		t.Fatalf("two avatars share the URL %s", firstURL)
	}
	if got, _ := status(firstURL, ""); got != 404 {
		t.Errorf("replaced avatar, anonymously: %d, want 404", got)
	}
	if got, _ := status(firstURL, bob.token); got != 404 {
		t.Errorf("replaced avatar, another owner: %d, want 404", got)
	}
	if got, cache := status(firstURL, ada.token); got != 200 || !strings.HasPrefix(cache, "private") {
		t.Errorf("replaced avatar, its owner: %d %q, want 200 private", got, cache)
	}
	if got, _ := status(secondURL, ""); got != 200 {
		t.Errorf("new avatar, anonymously: %d", got)
	}
	if page := string(m.expect(req{method: "GET", path: "/ada"}, 200).body); !strings.Contains(page, secondURL) || strings.Contains(page, firstURL) {
		t.Errorf("the portfolio page should show the new avatar %s only", secondURL)
	}

	// An unlisted project's media is for whoever has its (unguessable)
	// link, like the page, but stays out of shared caches and search
	// engines; a draft's is its owner's alone.
	p := m.createProject(ada, map[string]any{"title": "Quiet", "visibility": "unlisted"})
	shot := m.waitFor(ada.token, id(m.uploadFile(ada.token, p.ID, "screenshot", testenv.Image(t, 400, 300, ".png")).json(t)))
	shotURL := pathOf(renditions(t, shot)["image"]["url"].(string))
	if got, _ := status(fmt.Sprintf("/media/%d/image", id(shot)), ""); got != 404 {
		t.Errorf("the sequential id still serves an unlisted project's screenshot: %d", got)
	}
	resp, _ := m.fetch(shotURL, "", nil)
	if resp.status != 200 || !strings.HasPrefix(resp.header.Get("Cache-Control"), "private") || resp.header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("unlisted screenshot by its key: %d %v, want 200, private, noindex", resp.status, resp.header)
	}
	if page := string(m.expect(req{method: "GET", path: "/ada/" + p.Slug}, 200).body); !strings.Contains(page, shotURL) {
		t.Errorf("the unlisted page does not show %s", shotURL)
	}
	m.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token, body: map[string]any{"visibility": "draft"}}, 200)
	if got, _ := status(shotURL, ""); got != 404 {
		t.Errorf("a draft's screenshot, anonymously: %d, want 404", got)
	}
	if got, _ := status(shotURL, ada.token); got != 200 {
		t.Errorf("a draft's screenshot, its owner: %d", got)
	}
	for _, bad := range []string{"/media/../thumbnail", "/media/" + strings.Repeat("g", 32) + "/image", "/media/" + strings.ToUpper(secondURL[7:39]) + "/thumbnail"} {
		if got, _ := status(bad, ada.token); got != 404 {
			t.Errorf("GET %s: %d, want 404", bad, got)
		}
	}
}
