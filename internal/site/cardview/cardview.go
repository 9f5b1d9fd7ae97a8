// Package cardview is what the site's pages show of a project: its
// live-demo badge, its screencast and screenshots' URLs.
package cardview

import (
	"strconv"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// Badge is a live demo's state on a card.
type Badge struct{ State, Label, Title, Ago string }

// RelTime is how long ago t was, for people ("3 h ago"); "" for zero.
func RelTime(t time.Time) string {
	d := time.Since(t)
	switch {
	case t.IsZero():
		return ""
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h ago"
	}
	return strconv.Itoa(int(d.Hours()/24)) + " days ago"
}

// BadgeFor is the live-demo badge of p from the demo states by project id;
// nil when p has no demo.
func BadgeFor(p *folio.Project, states map[int64]folio.DemoSummary) *Badge {
	if p.DemoURL == "" {
		return nil
	}
	st, ok := states[p.ID]
	if !ok {
		return &Badge{State: "unknown", Label: "not checked yet", Title: "Folio has not checked this demo yet."}
	}
	b := &Badge{State: string(st.State), Ago: RelTime(st.LastCheckedAt)}
	if st.State == folio.DemoUp {
		b.Label, b.Title = "up", "The demo answered at the last check."
	} else {
		b.Label, b.Title = "down", "The demo did not answer at the last check."
	}
	return b
}

// MediaURLs picks a project's screencast poster and video, and its
// screenshots, from its ready media.
func MediaURLs(ms []*folio.Media) (poster, video string, shots []Shot) {
	for _, m := range ms {
		base := "/media/" + m.PublicKey + "/"
		switch m.Kind {
		case folio.MediaScreencast:
			if _, ok := m.Rendition("video"); ok {
				video = base + "video"
				poster = base + "poster_webp"
			}
		case folio.MediaScreenshot:
			th, _ := m.Rendition("thumbnail")
			shots = append(shots, Shot{Full: base + "image", Thumb: base + "thumbnail", Width: th.Width, Height: th.Height})
			if poster == "" {
				poster = base + "image"
			}
		}
	}
	return poster, video, shots
}

// Shot is a screenshot on a page: its image, thumbnail and size.
type Shot struct {
	Full, Thumb   string
	Width, Height int
}
