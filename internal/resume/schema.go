package resume

import (
	"bytes"
	_ "embed"
	"errors"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/foliohq/folio/internal/folio"
)

// schemaJSON is the official JSON Resume schema, v1.2.1 of
// @jsonresume/schema (schema/LICENSE.md), vendored unchanged.
//
//go:embed schema/schema.json
var schemaJSON []byte

// SchemaJSON returns the vendored JSON Resume schema.
func SchemaJSON() []byte { return bytes.Clone(schemaJSON) }

// schemaURL names the vendored schema to the compiler; its own $id is a
// placeholder ("http://example.com/example.json").
const schemaURL = "https://jsonresume.org/schema/v1.2.1.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	// The official validator checks formats (uri, email); so do we.
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// maxReasons bounds the reasons a refusal lists.
const maxReasons = 50

var printer = message.NewPrinter(language.English)

// Validate checks a decoded document (numbers as json.Number, as
// jsonschema.UnmarshalJSON makes them) against the JSON Resume schema.
// A document that fails is EINVALID with the validator's reasons, one per
// field (a JSON pointer such as /basics/email), at most 50.
func Validate(doc any) error {
	sch, err := compiled()
	if err != nil {
		return err // the vendored schema is broken: a build mistake every test catches
	}
	err = sch.Validate(doc)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	} else if !errors.As(err, &ve) {
		return err
	}
	var fields []folio.FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(fields) >= maxReasons {
			return
		}
		if len(e.Causes) == 0 {
			field := "/" + strings.Join(e.InstanceLocation, "/")
			fields = append(fields, folio.FieldError{Field: field, Message: e.ErrorKind.LocalizedString(printer)})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return &folio.Error{Code: folio.EINVALID, Message: "This file is not a valid JSON Resume: see each field's reason.", Fields: fields}
}
