// Package web holds Folio's templates and static assets, embedded into the
// binary so that a deployment is one file and pages make no third-party
// requests.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Static is the static assets, rooted at the static folder.
var Static, _ = fs.Sub(static, "static")
