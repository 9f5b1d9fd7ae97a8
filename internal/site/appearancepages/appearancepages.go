// Package appearancepages serves how a portfolio looks: the look of its
// pages (Look), its own stylesheet (accent colour and custom CSS, at
// /{handle}/style.css), and the dashboard's appearance page with a
// preview of unsaved settings.
package appearancepages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/theme"
	"github.com/foliohq/folio/web"
)

// Look is the look of owner's public pages, from the appearance read with
// the owner (folio.User.Look): no query of its own.
func Look(owner *folio.User) web.Look {
	return lookOf(owner.Handle, owner.ContentVersion, owner.Look)
}

func lookOf(handle string, version int64, l folio.Look) web.Look {
	t := theme.Of(l.Theme)
	mode := l.ColorMode
	if !theme.IsMode(mode) {
		mode = theme.ModeAuto
	}
	f := theme.FontOf(t, l.Font)
	look := web.Look{Theme: t.Name, Mode: mode, Font: f.Name}
	if len(f.Files) > 0 {
		look.Preload = "/static/fonts/" + f.Files[0]
	}
	if l.Accent != "" || l.CustomCSS {
		// Keyed by the content version, which every appearance change
		// moves: the stylesheet can be cached for good.
		look.Stylesheet = "/" + handle + "/style.css?v=" + strconv.FormatInt(version, 10)
	}
	return look
}

// Options configure the pages.
type Options struct {
	Store appearance.Store
	Authn *request.Authenticator
	// Preview renders the signed-in owner's portfolio page in look.
	Preview func(c *fiber.Ctx, look web.Look) error
	// Changed is called after the owner saved (the site forgets their
	// cached pages).
	Changed func(ownerID int64)
	// Redis keeps the previews' stylesheets, so that any replica serves
	// them; nil: this process's memory.
	Redis *redis.Client
}

// Pages are the appearance pages.
type Pages struct {
	opts      Options
	templates web.Templates
	csp       string

	mu     sync.Mutex
	drafts map[int64]draft // by owner, without Redis
}

type draft struct {
	css string
	at  time.Time
}

// draftTTL is how long a preview's stylesheet is kept.
const draftTTL = 15 * time.Minute

// maxDrafts bounds the previews kept in memory.
const maxDrafts = 1000

// New builds the pages; it panics on a template error, a build-time
// mistake every test catches.
func New(opts Options) *Pages {
	return &Pages{opts: opts, templates: web.MustPages(), csp: request.CSP("", false), drafts: map[int64]draft{}}
}

// Routes mounts the dashboard's appearance page and the preview; they
// must come before the site's /{handle}/{project}.
func (p *Pages) Routes(r fiber.Router) {
	page := func(h ...fiber.Handler) []fiber.Handler { return dashkit.Page(p.opts.Authn, p.csp, h...) }
	r.Get("/dashboard/appearance", page(p.settingsPage)...)
	r.Post("/dashboard/appearance", page(p.formCSRF, p.save)...)
	r.Post("/dashboard/appearance/preview", page(p.formCSRF, p.preview)...)
	r.Get("/dashboard/appearance/preview.css", page(p.previewStylesheet)...)
}

// Stylesheet is /{handle}/style.css: the portfolio's accent colour and
// custom CSS. Cached for good when asked for by the current content
// version (the pages' links name it), briefly otherwise.
func (p *Pages) Stylesheet(c *fiber.Ctx) error {
	a, err := p.opts.Store.StyleOf(c.UserContext(), c.Params("handle"))
	if err != nil {
		return err
	}
	if c.Query("v") == strconv.FormatInt(a.ContentVersion, 10) {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.SendString(a.Stylesheet())
}

func (p *Pages) formCSRF(c *fiber.Ctx) error {
	if !dashkit.CSRFValid(c) {
		return dashkit.FormExpired(p.templates, c)
	}
	return c.Next()
}

// putDraft keeps the preview's stylesheet css for the owner and returns
// its version (a hash, so the URL changes with it).
func (p *Pages) putDraft(ctx context.Context, ownerID int64, css string) string {
	sum := sha256.Sum256([]byte(css))
	version := hex.EncodeToString(sum[:8])
	if p.opts.Redis != nil {
		if err := p.opts.Redis.Set(ctx, draftKey(ownerID), css, draftTTL).Err(); err == nil {
			return version
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for id, d := range p.drafts {
		if now.Sub(d.at) > draftTTL || len(p.drafts) >= maxDrafts {
			delete(p.drafts, id)
		}
	}
	p.drafts[ownerID] = draft{css: css, at: now}
	return version
}

func (p *Pages) draft(ctx context.Context, ownerID int64) string {
	if p.opts.Redis != nil {
		if css, err := p.opts.Redis.Get(ctx, draftKey(ownerID)).Result(); err == nil {
			return css
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.drafts[ownerID]; ok && time.Since(d.at) <= draftTTL {
		return d.css
	}
	return ""
}

func draftKey(ownerID int64) string {
	return "folio:appearance:preview:" + strconv.FormatInt(ownerID, 10)
}

// previewStylesheet serves the owner's latest preview stylesheet.
func (p *Pages) previewStylesheet(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendString(p.draft(c.UserContext(), request.Identity(c).User.ID))
}
