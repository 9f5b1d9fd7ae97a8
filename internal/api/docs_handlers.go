package api

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
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

// openAPI is the platform's own API document: swag writes Swagger 2.0 from
// the handler annotations, and clients get it converted to OpenAPI 3.
type openAPI struct {
	once       sync.Once
	json, yaml []byte
	err        error
}

func (s *API) openAPIDocument() ([]byte, []byte, error) {
	s.spec.once.Do(func() {
		var v2 openapi2.T
		if err := json.Unmarshal([]byte(docs.SwaggerInfo.ReadDoc()), &v2); err != nil {
			s.spec.err = fmt.Errorf("read swag document: %w", err)
			return
		}
		v3, err := openapi2conv.ToV3(&v2)
		if err != nil {
			s.spec.err = fmt.Errorf("convert to OpenAPI 3: %w", err)
			return
		}
		v3.Servers = openapi3.Servers{{URL: s.opts.BaseURL.String()}}
		if s.spec.json, err = json.MarshalIndent(v3, "", "  "); err != nil {
			s.spec.err = err
			return
		}
		var generic any
		_ = json.Unmarshal(s.spec.json, &generic)
		s.spec.yaml, s.spec.err = yaml.Marshal(generic)
	})
	return s.spec.json, s.spec.yaml, s.spec.err
}

// openAPIJSON serves Folio's own OpenAPI 3 document.
//
//	@Summary	This API's OpenAPI 3 document (JSON)
//	@Tags		docs
//	@Produce	json
//	@Success	200
//	@Router		/api/openapi.json [get]
func (s *API) openAPIJSON(c *fiber.Ctx) error {
	doc, _, err := s.openAPIDocument()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(doc)
}

// openAPIYAML serves Folio's own OpenAPI 3 document.
//
//	@Summary	This API's OpenAPI 3 document (YAML)
//	@Tags		docs
//	@Produce	plain
//	@Success	200
//	@Router		/api/openapi.yaml [get]
func (s *API) openAPIYAML(c *fiber.Ctx) error {
	_, doc, err := s.openAPIDocument()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(doc)
}

func (s *API) apiDocsPage(c *fiber.Ctx) error { return sendPage(c, "apidocs.html") }

func sendPage(c *fiber.Ctx, name string) error {
	page, err := fs.ReadFile(web.Static, name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(page)
}

// apiDocsAssets serves Swagger UI's files, embedded from swaggo/files, and
// the page's own start-up script.
func (s *API) apiDocsAssets(c *fiber.Ctx) error {
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
