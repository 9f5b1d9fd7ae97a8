package httpapi

// routes is the table of contents of Folio's HTTP surface.
func (s *Server) routes() {
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)
}
