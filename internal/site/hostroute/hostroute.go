// Package hostroute serves owners' portfolios on their verified custom
// domains: a request whose Host is one has its path rewritten before the
// site's routes see it (/ is the portfolio, /{slug} a project), and the
// site builds that request's links, canonical URLs and cache keys through
// Base, URL and Key. A host that is neither the instance's own nor a
// verified domain (or a loopback name) gets a plain 404: Folio never
// serves whatever a Host header names.
package hostroute

import (
	"context"
	"encoding/xml"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
)

// Options configure the Router.
type Options struct {
	// OwnHost is the instance's host name (FOLIO_BASE_URL's), served as
	// ever; compared without the port.
	OwnHost string
	// Lookup finds a verified domain (customdomain.Store.VerifiedDomain).
	Lookup func(ctx context.Context, name string) (customdomain.Route, error)
	// Portfolio lists the public projects for a domain's sitemap.
	Portfolio func(ctx context.Context, handle string) (*folio.Portfolio, error)
	// AnyHost are paths answered on every host (health probes by IP, the
	// proxy's ask endpoint), exact.
	AnyHost []string
}

// TTL is how long a process trusts what it looked up about a host: a
// domain removed or an owner suspended elsewhere stops being served
// within it (at once in the process that made the change, see Forget).
const TTL = 30 * time.Second

// maxEntries bounds the lookups remembered: unknown hosts are remembered
// too (so a flood of them does not reach the database each time), and
// the whole map is dropped when full.
const maxEntries = 10000

type entry struct {
	route   customdomain.Route
	found   bool
	expires time.Time
}

// Router is the host-routing middleware.
type Router struct {
	opts    Options
	mu      sync.Mutex
	entries map[string]entry
}

// New returns a Router.
func New(o Options) *Router {
	o.OwnHost = strings.ToLower(hostOnly(o.OwnHost))
	return &Router{opts: o, entries: map[string]entry{}}
}

// loopback names are the instance too: what an operator curls on the
// machine itself, never a portfolio's.
var loopback = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}

type routeKey struct{}

var localsKey = routeKey{}

// passThrough are the paths a custom domain's pages load as they are:
// their assets, renditions, the API docs viewer and the beacon.
var passThrough = []string{"/static/", "/media/", "/api/docs/"}

// ownAssets are the portfolio's own files its pages link by the
// instance's path (/{handle}/...), which are the same on its domain.
var ownAssets = []string{"/style.css", "/card.png"}

// Handler routes by Host; mount it before every route.
func (r *Router) Handler(c *fiber.Ctx) error {
	// Fiber's strings point into the request's buffer, which is reused:
	// the host is kept (as a map key), so it is copied.
	host := strings.Clone(strings.ToLower(hostOnly(c.Hostname())))
	if host == r.opts.OwnHost || loopback[host] {
		return c.Next()
	}
	for _, p := range r.opts.AnyHost {
		if c.Path() == p {
			return c.Next()
		}
	}
	rt, ok, err := r.Route(c.UserContext(), host)
	if err != nil {
		return err
	}
	if !ok {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusNotFound).SendString("Not found\n")
	}
	c.Locals(localsKey, &rt)
	path := c.Path()
	switch {
	case path == "/robots.txt":
		return r.robots(c, &rt)
	case path == "/sitemap.xml":
		return r.sitemap(c, &rt)
	case path == "/beacon" || path == "/favicon.ico" || hasAnyPrefix(path, passThrough):
	case isOwnAsset(path, rt.Handle):
	case path == "/":
		c.Path("/" + rt.Handle)
	default:
		c.Path("/" + rt.Handle + path)
	}
	err = c.Next()
	// The site redirects to its canonical paths (/{handle}/{slug}); here
	// those are /{slug}.
	if loc := string(c.Response().Header.Peek(fiber.HeaderLocation)); strings.HasPrefix(loc, "/") {
		prefix := "/" + rt.Handle
		if rest, ok := strings.CutPrefix(loc, prefix); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
			if rest == "" || rest[0] == '?' {
				rest = "/" + rest
			}
			c.Set(fiber.HeaderLocation, rest)
		}
	}
	return err
}

// Route answers the verified domain host names, from memory within TTL.
func (r *Router) Route(ctx context.Context, host string) (customdomain.Route, bool, error) {
	now := time.Now()
	r.mu.Lock()
	e, ok := r.entries[host]
	r.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.route, e.found, nil
	}
	if host == "" || len(host) > 253 {
		return customdomain.Route{}, false, nil
	}
	rt, err := r.opts.Lookup(ctx, host)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		err = nil
	} else if err != nil {
		return customdomain.Route{}, false, err
	}
	e = entry{route: rt, found: rt.Handle != "", expires: now.Add(TTL)}
	r.mu.Lock()
	if len(r.entries) >= maxEntries {
		r.entries = map[string]entry{}
	}
	r.entries[strings.Clone(host)] = e // host may point into a request's buffer
	r.mu.Unlock()
	return e.route, e.found, nil
}

// Forget drops what this process remembers about host (verified or
// removed here just now).
func (r *Router) Forget(host string) {
	r.mu.Lock()
	delete(r.entries, strings.ToLower(host))
	r.mu.Unlock()
}

// Allow is the decision whether Folio may hold a certificate for name:
// the instance's host, or a verified domain (see acmetls.Options.Allow and
// the ask endpoint).
func (r *Router) Allow(ctx context.Context, name string) error {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if name == r.opts.OwnHost {
		return nil
	}
	_, ok, err := r.Route(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return folio.Errorf(folio.ENOTFOUND, "%s is not a verified domain here.", name)
	}
	return nil
}

// Domain is the custom domain the request came in on, if any.
func Domain(c *fiber.Ctx) (customdomain.Route, bool) {
	rt, ok := c.Locals(localsKey).(*customdomain.Route)
	if !ok {
		return customdomain.Route{}, false
	}
	return *rt, true
}

// Base is where the pages under path ("/{handle}") are linked from in
// this request: path on the instance's host, "" (the root) on the owner's
// domain.
func Base(c *fiber.Ctx, path string) string {
	if _, ok := Domain(c); ok {
		return ""
	}
	return path
}

// URL is the absolute URL of the owner's page handle/rest...: under base
// on the instance's host, at the root of the owner's domain (over the
// scheme the request came with) on theirs.
func URL(c *fiber.Ctx, base *url.URL, handle string, rest ...string) string {
	if rt, ok := Domain(c); ok {
		return origin(c, &rt).JoinPath(rest...).String()
	}
	return base.JoinPath(append([]string{handle}, rest...)...).String()
}

// Key is the cache key of the page at path in this request: the path on
// the instance's host; on a domain, the path with "@domain" appended (its
// first segment stays the handle, under which the page cache keeps and
// drops an owner's pages).
func Key(c *fiber.Ctx, path string) string {
	if rt, ok := Domain(c); ok {
		return path + "@" + rt.Domain
	}
	return path
}

func origin(c *fiber.Ctx, rt *customdomain.Route) *url.URL {
	scheme := "http"
	if c.Protocol() == "https" {
		scheme = "https"
	}
	return &url.URL{Scheme: scheme, Host: rt.Domain, Path: "/"}
}

func (r *Router) robots(c *fiber.Ctx, rt *customdomain.Route) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString("User-agent: *\nAllow: /\n\nSitemap: " + origin(c, rt).JoinPath("sitemap.xml").String() + "\n")
}

type urlset struct {
	XMLName xml.Name `xml:"urlset"`
	NS      string   `xml:"xmlns,attr"`
	URLs    []loc    `xml:"url"`
}

type loc struct {
	Loc string `xml:"loc"`
}

// sitemap lists the domain's portfolio and its public projects (a
// portfolio lists a bounded number of them).
func (r *Router) sitemap(c *fiber.Ctx, rt *customdomain.Route) error {
	if r.opts.Portfolio == nil {
		return c.Status(fiber.StatusNotFound).SendString("Not found\n")
	}
	pf, err := r.opts.Portfolio(c.UserContext(), rt.Handle)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return c.Status(fiber.StatusNotFound).SendString("Not found\n")
	} else if err != nil {
		return err
	}
	o := origin(c, rt)
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: []loc{{Loc: o.String()}}}
	for _, p := range append(append([]*folio.Project{}, pf.Featured...), pf.Others...) {
		if p.Visibility == folio.VisibilityPublic {
			set.URLs = append(set.URLs, loc{Loc: o.JoinPath(p.Slug).String()})
		}
	}
	out, err := xml.Marshal(set)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// isOwnAsset reports whether path is /{handle}/style.css or another of
// ownAssets.
func isOwnAsset(path, handle string) bool {
	rest, ok := strings.CutPrefix(path, "/"+handle)
	return ok && slices.Contains(ownAssets, rest)
}
