package httpapi

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
