package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

var (
	ogImage      = regexp.MustCompile(`<meta property="og:image" content="([^"]*)">`)
	twitterImage = regexp.MustCompile(`<meta name="twitter:image" content="([^"]*)">`)
)

// previewImages are a page's og:image and twitter:image ("" when absent).
func previewImages(body []byte) (og, tw string) {
	if m := ogImage.FindSubmatch(body); m != nil {
		og = string(m[1])
	}
	if m := twitterImage.FindSubmatch(body); m != nil {
		tw = string(m[1])
	}
	return og, tw
}

// decodeCard decodes a card and checks its size.
func decodeCard(t *testing.T, what string, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", what, err)
	}
	if got := img.Bounds(); got.Dx() != 1200 || got.Dy() != 630 {
		t.Fatalf("%s is %dx%d, want 1200x630", what, got.Dx(), got.Dy())
	}
	return img
}

// posterColours counts the colours in the card's poster frame: a video
// frame has thousands, the initials drawn without a poster a few hundred
// at most (two colours and their anti-aliasing).
func posterColours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	for y := 180; y < 450; y += 2 {
		for x := 630; x < 1120; x += 2 {
			r, g, b, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, b, a}] = true
		}
	}
	return len(seen)
}

// TestSocialCards: until the cards exist, the pages show the poster and
// queue one render; the worker's task renders a 1200×630 PNG for the
// portfolio and each public project (with the screencast's real poster),
// none for drafts or unlisted projects; the pages then name the cards,
// served without cookies and with media cache headers; a change renders
// a new version and removes the old one.
func TestSocialCards(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{cards: true})
	ctx := context.Background()
	ada := m.signUp("ada")
	m.signUp("bob")
	m.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{
		"display_name": "Ada Lovelace", "headline": "Engines, analytical and otherwise"}}, 200)
	pub := m.createProject(ada, map[string]any{"title": "Orders API", "slug": "orders-api", "visibility": "public",
		"tagline": "Orders that survive Black Friday", "tech_tags": []string{"Go", "PostgreSQL", "Redis"}})
	m.createProject(ada, map[string]any{"title": "Secret draft", "slug": "secret"})
	m.createProject(ada, map[string]any{"title": "Hidden unlisted", "slug": "hidden", "visibility": "unlisted"})
	r := m.uploadFile(ada.token, pub.ID, "screencast", testenv.Video(t, 640, 360, 2))
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	if done := m.waitFor(ada.token, id(r.json(t))); done["status"] != "ready" {
		t.Fatalf("media %v", done)
	}
	owner, err := postgres.NewUserService(m.db).UserByHandle(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}

	// Before: the poster, and one render queued however many views.
	for _, path := range []string{"/ada", "/ada/orders-api", "/ada", "/ada/orders-api"} {
		og, tw := previewImages(m.expect(req{method: "GET", path: path}, 200).body)
		if !strings.Contains(og, "/media/") || !strings.HasSuffix(og, "/poster_webp") || tw != og {
			t.Fatalf("%s before its card: og:image %q, twitter:image %q, want the poster", path, og, tw)
		}
	}
	m.expect(req{method: "GET", path: "/ada/card.png"}, 404)
	m.expect(req{method: "GET", path: "/ada/orders-api/card.png"}, 404)
	pending, err := m.inspector.ListPendingTasks(queue.QueueExports)
	if err != nil {
		t.Fatal(err)
	}
	taskID := fmt.Sprintf("cards:%d:%d", owner.ID, owner.ContentVersion)
	if len(pending) != 1 || pending[0].ID != taskID || pending[0].Type != queue.TypeSocialCards {
		t.Fatalf("queued: %v, want the one task %s", pending, taskID)
	}

	// The worker's task, run here.
	h := &worker.ExportHandlers{Cards: m.cards}
	if err := h.HandleSocialCards(ctx, asynq.NewTask(pending[0].Type, pending[0].Payload)); err != nil {
		t.Fatal(err)
	}
	keys := m.keys(socialcard.Prefix(owner))
	want := []string{socialcard.ProjectKey(owner, owner.ContentVersion, pub.ID), socialcard.PortfolioKey(owner, owner.ContentVersion)}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("stored cards %q, want %q (no draft's, no unlisted's)", keys, want)
	}

	// After: the pages name the cards (the build dropped the cached pages).
	base := "http://localhost:8080"
	cardOf := map[string]string{
		"/ada":            fmt.Sprintf("%s/ada/card.png?v=%d", base, owner.ContentVersion),
		"/ada/orders-api": fmt.Sprintf("%s/ada/orders-api/card.png?v=%d", base, owner.ContentVersion),
	}
	for path, card := range cardOf {
		deadline := time.Now().Add(10 * time.Second) // past the in-process memo's second
		for {
			og, tw := previewImages(m.expect(req{method: "GET", path: path}, 200).body)
			if og == card && tw == card {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s after its card: og:image %q, twitter:image %q, want %q", path, og, tw, card)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The unlisted project's page keeps no card.
	if og, _ := previewImages(m.expect(req{method: "GET", path: "/ada/hidden"}, 200).body); strings.Contains(og, "card.png") {
		t.Errorf("the unlisted project's page names a card: %q", og)
	}

	for _, path := range []string{"/ada/card.png", "/ada/orders-api/card.png"} {
		r := m.expect(req{method: "GET", path: path + "?v=1"}, 200)
		if ct, cc := r.header.Get("Content-Type"), r.header.Get("Cache-Control"); ct != "image/png" || cc != "public, max-age=3600" {
			t.Errorf("%s: Content-Type %q, Cache-Control %q", path, ct, cc)
		}
		if c := r.header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s sets cookies: %q", path, c)
		}
		img := decodeCard(t, path, r.body)
		if n := posterColours(img); n < 1000 {
			t.Errorf("%s: %d colours where the poster goes; the screencast's poster is not in it", path, n)
		}
		etag := r.header.Get("ETag")
		if r := m.do(req{method: "GET", path: path, headers: map[string]string{"If-None-Match": etag}}); r.status != 304 {
			t.Errorf("%s with its ETag: %d, want 304", path, r.status)
		}
	}
	// Drafts and unlisted projects have no card, nor does another owner's
	// path to ada's project, even for ada signed in.
	for _, path := range []string{"/ada/secret/card.png", "/ada/hidden/card.png", "/bob/orders-api/card.png", "/bob/card.png", "/nobody/card.png"} {
		m.expect(req{method: "GET", path: path}, 404)
		m.expect(req{method: "GET", path: path, token: ada.token}, 404)
	}

	// A change: a new version rendered, the old one removed.
	m.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(pub.ID), token: ada.token, body: map[string]any{"title": "Orders API v2"}}, 200)
	next, err := postgres.NewUserService(m.db).UserByHandle(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if next.ContentVersion <= owner.ContentVersion {
		t.Fatalf("content version %d after the change, was %d", next.ContentVersion, owner.ContentVersion)
	}
	m.expect(req{method: "GET", path: "/ada/card.png"}, 404) // not yet rendered: never the old one
	if err := m.cards.Build(ctx, next.ID, next.ContentVersion); err != nil {
		t.Fatal(err)
	}
	keys = m.keys(socialcard.Prefix(owner))
	want = []string{socialcard.ProjectKey(next, next.ContentVersion, pub.ID), socialcard.PortfolioKey(next, next.ContentVersion)}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("stored cards after the change %q, want only the new version's %q", keys, want)
	}
	decodeCard(t, "the new portfolio card", m.expect(req{method: "GET", path: "/ada/card.png"}, 200).body)
	// A second build of the same version has nothing to do.
	if err := m.cards.Build(ctx, next.ID, next.ContentVersion); err != nil {
		t.Fatal(err)
	}
	// Making the project a draft takes its card down at once.
	m.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(pub.ID), token: ada.token, body: map[string]any{"visibility": "draft"}}, 200)
	m.expect(req{method: "GET", path: "/ada/orders-api/card.png"}, 404)
}
