// Package cardview is what the site's pages show of a project: its
// live-demo badge, its screencast and screenshots' URLs.
package cardview

import (
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Badge is a live demo's state on a card.
type Badge struct{ State, Label, Title, Ago string }

// RelTime is how long ago t was, for people ("3 h ago"), in English; ""
// for zero. Pages use RelTimeIn with their language.
func RelTime(t time.Time) string { return RelTimeIn(i18n.For(i18n.Default), t) }

// RelTimeIn is RelTime in l's language.
func RelTimeIn(l *i18n.Localizer, t time.Time) string {
	d := time.Since(t)
	switch {
	case t.IsZero():
		return ""
	case d < time.Minute:
		return l.T("sitego.ago.now")
	case d < time.Hour:
		return l.N("sitego.ago.minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return l.N("sitego.ago.hours", int(d.Hours()))
	}
	return l.N("sitego.ago.days", int(d.Hours()/24))
}

// BadgeFor is the live-demo badge of p from the demo states by project id,
// in English; nil when p has no demo. Pages use BadgeIn.
func BadgeFor(p *folio.Project, states map[int64]folio.DemoSummary) *Badge {
	return BadgeIn(i18n.For(i18n.Default), p, states)
}

// BadgeIn is BadgeFor in l's language.
func BadgeIn(l *i18n.Localizer, p *folio.Project, states map[int64]folio.DemoSummary) *Badge {
	if p.DemoURL == "" {
		return nil
	}
	st, ok := states[p.ID]
	if !ok {
		return &Badge{State: "unknown", Label: l.T("sitego.badge.unknown"), Title: l.T("sitego.badge.unknown_title")}
	}
	b := &Badge{State: string(st.State), Ago: RelTimeIn(l, st.LastCheckedAt)}
	if st.State == folio.DemoUp {
		b.Label, b.Title = l.T("sitego.badge.up"), l.T("sitego.badge.up_title")
	} else {
		b.Label, b.Title = l.T("sitego.badge.down"), l.T("sitego.badge.down_title")
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
