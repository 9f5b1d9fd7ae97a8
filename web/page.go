package web

import "github.com/foliohq/folio/internal/folio"

// PageMeta is what the layout (templates/layout.html) puts in <head>.
type PageMeta struct {
	Title, Description, Canonical, Image, OGType string
	NoIndex                                      bool
	// NoReferrer repeats the Referrer-Policy header in the page, so that a
	// saved copy of a shared page does not leak its address either.
	NoReferrer bool
	JSONLD     any
}

// Page is what the layout reads; every page's data embeds it, so a field
// the layout gains is there for every page.
type Page struct {
	Meta    PageMeta
	Viewer  *folio.User
	Scripts []string
	Styles  []string
	// Analytics names a public page ("handle" or "handle/slug") for the
	// beacon script, which then reports plays and API-docs opens.
	Analytics string
	// Share is the token of the share link the page was opened through,
	// which the beacon script posts with its reports.
	Share string
	// Public: the page is an owner's public page, which speaks the
	// owner's language, so it has no language switch.
	Public bool
	// Look is a public portfolio page's theme; zero: the site's own look
	// (studio, the system's colour scheme and font).
	Look Look
}

// Look is what the layout puts on <html> and in <head> for a theme: the
// classes theme-{Theme} mode-{Mode}, data-font, the one font file worth
// preloading, and the portfolio's own stylesheet (accent and custom CSS).
type Look struct {
	Theme, Mode, Font string
	Preload           string // a URL under /static/fonts/; "": none
	Stylesheet        string // "": none
}
