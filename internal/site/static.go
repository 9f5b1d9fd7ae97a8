package site

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/web"
)

// staticAsset serves the site's own CSS and scripts from web/static.
func (s *Site) staticAsset(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	if !strings.HasSuffix(name, ".css") && !strings.HasSuffix(name, ".js") || strings.Contains(name, "..") {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	data, err := fs.ReadFile(web.Static, name)
	if err != nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(data)
}

// favicon serves the site's icon at the address browsers ask for on every
// page that names none; without it each page view logs a 404 in the
// visitor's console.
func (s *Site) favicon(c *fiber.Ctx) error {
	data, err := fs.ReadFile(web.Static, "favicon.ico")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/x-icon")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(data)
}
