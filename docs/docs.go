// Package docs holds the platform's own API document, which swag writes
// from the handler annotations (`make docs`) as swagger.json and
// swagger.yaml beside this file; the JSON is embedded into the binary.
// Only the two generated files change; this file is written by hand.
package docs

import _ "embed"

//go:embed swagger.json
var swaggerJSON []byte

// Swagger returns the Swagger 2.0 document, in JSON.
func Swagger() []byte { return swaggerJSON }
