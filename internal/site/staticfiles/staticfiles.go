// Package staticfiles serves the site's own files: CSS, scripts and fonts
// from web/static, and the favicon.
package staticfiles

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/web"
)

// Asset serves the site's own CSS and scripts from web/static.
func Asset(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	ext := path.Ext(name)
	if ext != ".css" && ext != ".js" && ext != ".woff2" || strings.Contains(name, "..") {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	data, err := fs.ReadFile(web.Static, name)
	if err != nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	if ext == ".woff2" {
		// A font file's name says its family and weight; it never changes.
		c.Set(fiber.HeaderContentType, "font/woff2")
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return c.Send(data)
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(ext))
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(data)
}

// Favicon serves the site's icon at the address browsers ask for on every
// page that names none; without it each page view logs a 404 in the
// visitor's console.
func Favicon(c *fiber.Ctx) error {
	data, err := fs.ReadFile(web.Static, "favicon.ico")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/x-icon")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(data)
}
