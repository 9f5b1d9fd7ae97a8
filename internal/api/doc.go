// Package api is Folio's JSON API: the routes under /api/v1 with their
// handlers, RFC 9457 problem+json errors, idempotent creates
// (internal/idempotency), ETags and strict JSON bodies
// (internal/request/body); and the platform's own OpenAPI document and
// Swagger UI under /api (internal/apispec). Handlers decode, call one
// service method (internal/upload, internal/project, internal/apidocs,
// internal/demo) and encode. Request plumbing shared with the site
// (identity, CSRF, request ids) is in internal/request; internal/server
// mounts both.
package api

// The general information of Folio's own OpenAPI document; swag reads it
// from here (see `make docs`).
//
//	@title						Folio API
//	@version					1.0
//	@description				Folio publishes developer portfolios: profiles, projects with screencasts, live demo checks and API docs.
//	@BasePath					/
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by a session or personal API token.
