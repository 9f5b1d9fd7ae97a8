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
)

//go:embed static
var static embed.FS

// Static is the static assets, rooted at the static folder.
var Static, _ = fs.Sub(static, "static")

//go:embed templates
var templates embed.FS

// Pages parses every page template with the layout and shared partials,
// one template set per page, keyed by file name without ".html".
func Pages(funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templates, "templates/layout.html", "templates/partials.html", name)
		if err != nil {
			return nil, err
		}
		out[base] = t
	}
	return out, nil
}
