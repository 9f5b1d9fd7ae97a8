// Package web holds Folio's templates and static assets, embedded into the
// binary so that a deployment is one file and pages make no third-party
// requests.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/foliohq/folio/internal/i18n"
)

//go:embed static
var static embed.FS

// Static is the static assets, rooted at the static folder.
var Static, _ = fs.Sub(static, "static")

//go:embed templates
var templates embed.FS

// Templates are the pages in every language: by language tag, then by
// page name (the file name without ".html").
type Templates map[string]map[string]*template.Template

// Page is the page name in lang, in the default language when lang has no
// catalog; nil when there is no such page.
func (t Templates) Page(lang, name string) *template.Template {
	if p, ok := t[lang]; ok {
		return p[name]
	}
	return t[i18n.Default][name]
}

// Pages is every page template, parsed once per process and shared by
// every part of the site: a parse is about 13 MB of templates, and a
// server has ten users of them. Templates are only ever executed, which is
// safe from many goroutines at once.
func Pages() (Templates, error) { return parsedPages() }

var parsedPages = sync.OnceValues(parsePages)

// MustPages is Pages for the parts of the site that build their pages at
// start: a template error is a build-time mistake, which every test
// catches, so it panics.
func MustPages() Templates {
	t, err := Pages()
	if err != nil {
		panic("web templates: " + err.Error())
	}
	return t
}

// parsePages parses every page template with the layout and shared
// partials, one template set per page, keyed by file name without
// ".html"; then clones it for each language, whose text functions (see
// i18n.Funcs) the clone binds.
func parsePages() (Templates, error) {
	names, err := fs.Glob(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := Templates{}
	for _, l := range i18n.Languages {
		out[l.Tag] = map[string]*template.Template{}
	}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(i18n.FuncNames()).Funcs(partialFuncs).ParseFS(templates, "templates/layout.html", "templates/partials.html", name)
		if err != nil {
			return nil, err
		}
		for _, l := range i18n.Languages {
			c, err := t.Clone()
			if err != nil {
				return nil, err
			}
			out[l.Tag][base] = c.Funcs(i18n.For(l.Tag).Funcs())
		}
	}
	return out, nil
}

// partialFuncs build the data of the shared partials.
var partialFuncs = template.FuncMap{"screencast": screencast}

// Screencast is the data of the "screencast" partial: a video shown as its
// poster and a play link until the visitor asks for it. Class is
// "screencast" (a card) or "player" (a project page); Eager marks the
// poster likely to be the largest thing on the first screen, fetched
// first rather than when scrolled to.
type Screencast struct {
	Class, Slug, Title, Poster, Video string
	Eager                             bool
}

func screencast(class, slug, title, poster, video string, eager bool) Screencast {
	return Screencast{Class: class, Slug: slug, Title: title, Poster: poster, Video: video, Eager: eager}
}

// TemplateFS is the page templates, for the tests that check every
// message they name exists.
func TemplateFS() fs.FS { sub, _ := fs.Sub(templates, "templates"); return sub }
