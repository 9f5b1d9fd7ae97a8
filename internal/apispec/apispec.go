// Package apispec serves the platform's own API document, which swag
// writes as Swagger 2.0 from the handler annotations (see `make docs`):
// converted to OpenAPI 3 as JSON and YAML, and shown in Swagger UI with
// its assets embedded. internal/api mounts it under /api.
package apispec

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"
	swaggerfiles "github.com/swaggo/files/v2"
	"gopkg.in/yaml.v3"

	"github.com/foliohq/folio/docs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/web"
)

// Spec serves the platform's own API document; clients get it converted
// to OpenAPI 3, with BaseURL as its server.
type Spec struct {
	BaseURL *url.URL

	once       sync.Once
	json, yaml []byte
	err        error
}

func (s *Spec) document() ([]byte, []byte, error) {
	s.once.Do(func() {
		var v2 openapi2.T
		if err := json.Unmarshal(docs.Swagger(), &v2); err != nil {
			s.err = fmt.Errorf("read swag document: %w", err)
			return
		}
		v3, err := openapi2conv.ToV3(&v2)
		if err != nil {
			s.err = fmt.Errorf("convert to OpenAPI 3: %w", err)
			return
		}
		v3.Servers = openapi3.Servers{{URL: s.BaseURL.String()}}
		if s.json, err = json.MarshalIndent(v3, "", "  "); err != nil {
			s.err = err
			return
		}
		var generic any
		_ = json.Unmarshal(s.json, &generic)
		s.yaml, s.err = yaml.Marshal(generic)
	})
	return s.json, s.yaml, s.err
}

// JSON serves Folio's own OpenAPI 3 document.
//
//	@Summary	This API's OpenAPI 3 document (JSON)
//	@Tags		docs
//	@Produce	json
//	@Success	200
//	@Router		/api/openapi.json [get]
func (s *Spec) JSON(c *fiber.Ctx) error {
	doc, _, err := s.document()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(doc)
}

// YAML serves Folio's own OpenAPI 3 document.
//
//	@Summary	This API's OpenAPI 3 document (YAML)
//	@Tags		docs
//	@Produce	plain
//	@Success	200
//	@Router		/api/openapi.yaml [get]
func (s *Spec) YAML(c *fiber.Ctx) error {
	_, doc, err := s.document()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(doc)
}

// Page is the Swagger UI page.
func (s *Spec) Page(c *fiber.Ctx) error { return sendPage(c, "apidocs.html") }

func sendPage(c *fiber.Ctx, name string) error {
	page, err := fs.ReadFile(web.Static, name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(page)
}

// Assets serves Swagger UI's files, embedded from swaggo/files, and the
// page's own start-up script.
func (s *Spec) Assets(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	var data []byte
	var err error
	switch name {
	case "apidocs-init.js":
		data, err = fs.ReadFile(web.Static, name)
	case "swagger-ui.css", "swagger-ui-bundle.js":
		data, err = fs.ReadFile(swaggerfiles.FS, name)
	default:
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(data)
}
