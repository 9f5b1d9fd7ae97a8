package server

import (
	"net"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/site/domainpages"
	"github.com/foliohq/folio/internal/site/hostroute"
)

// AskPath is the ask endpoint of a reverse proxy that obtains
// certificates on demand (Caddy's on_demand_tls ask): 200 for a name Folio
// serves (its own host and verified custom domains), 404 otherwise.
const AskPath = "/internal/tls/ask"

// mountDomains sets up host routing and the domain pages when custom
// domains are on; it runs before the routes.
func (s *Server) mountDomains() {
	d := s.opts.Domains
	if d == nil {
		return
	}
	ho := hostroute.Options{OwnHost: s.opts.BaseURL.Host, Lookup: d.Store.VerifiedDomain,
		// Health probes and the proxy's ask arrive by IP or an internal name.
		AnyHost: []string{"/healthz", "/readyz", AskPath}}
	if s.opts.Site.Projects != nil {
		ho.Portfolio = s.opts.Site.Projects.Portfolio
	}
	s.hosts = hostroute.New(ho)
	changed := d.Changed
	d.Changed = func(domain string) {
		s.hosts.Forget(domain)
		if changed != nil {
			changed(domain)
		}
	}
	s.app.Use(s.hosts.Handler)
	if s.opts.Auth != nil {
		s.domainPages = domainpages.New(d, s.opts.Auth, s.opts.BaseURL.Hostname())
	}
}

// Hosts is the host router (nil when custom domains are off); its Allow
// is the decision for on-demand certificates.
func (s *Server) Hosts() *hostroute.Router { return s.hosts }

// ask answers a reverse proxy whether it may obtain a certificate for
// ?domain=. Only loopback and the trusted proxies may ask: to anyone else
// the path does not exist.
func (s *Server) ask(c *fiber.Ctx) error {
	peer := c.Context().RemoteIP()
	if !peer.IsLoopback() && !s.proxies.Trusted(peer) {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	name := c.Query("domain")
	if s.hosts == nil || name == "" || len(name) > 253 || net.ParseIP(name) != nil {
		return c.Status(fiber.StatusNotFound).SendString("no\n")
	}
	if err := s.hosts.Allow(c.UserContext(), name); err != nil {
		return c.Status(fiber.StatusNotFound).SendString("no\n")
	}
	return c.SendString("ok\n")
}
