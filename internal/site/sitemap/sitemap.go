// Package sitemap serves Folio's sitemap by the protocol: an index at
// /sitemap.xml and files /sitemap-1.xml, /sitemap-2.xml, ..., each a run of
// public portfolios by user id of at most 50,000 URLs (a portfolio and
// its public projects; one portfolio's URLs are never split), with stable
// bytes, an ETag and Last-Modified, and 304 to a matching client.
package sitemap

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// The sitemap protocol allows 50,000 URLs (and 50 MB) per file; past that,
// an index lists the files.
const (
	// DefaultURLs is the most URLs a file lists, the protocol's limit.
	DefaultURLs = 50000
	// sitemapTTL is how long a built index or file is served before it is
	// built again; search engines need nothing fresher.
	sitemapTTL = 5 * time.Minute
	sitemapNS  = "http://www.sitemaps.org/schemas/sitemap/0.9"
)

// sitemapDoc is a built sitemap file or index: its bytes never depend on
// anything but the content (no map iteration, no build time), so its
// ETag is stable across builds and processes.
type sitemapDoc struct {
	body     []byte
	etag     string
	modified time.Time // zero: no Last-Modified
}

// Sitemaps builds and caches the sitemap index and files in the process.
// One build runs at a time; requests during it wait for it rather than
// each querying the database.
type Sitemaps struct {
	dir     folio.Directory
	maxURLs int
	abs     func(...string) string
	mu      sync.Mutex
	built   time.Time
	starts  []int64 // the first user id of each file
	docs    map[int]sitemapDoc
}

// ErrNoFile is File's answer for a file that does not exist.
var ErrNoFile = errors.New("sitemap: no such file")

// New serves the sitemaps of dir, with files of at most maxURLs URLs (0:
// DefaultURLs); abs makes the absolute URL of a path.
func New(dir folio.Directory, maxURLs int, abs func(...string) string) *Sitemaps {
	if maxURLs <= 0 {
		maxURLs = DefaultURLs
	}
	return &Sitemaps{dir: dir, maxURLs: maxURLs, abs: abs}
}

// layout answers the first user id of each file, from a fresh split when
// the cached one is older than sitemapTTL. The caller holds m.mu.
func (m *Sitemaps) layout(ctx context.Context) ([]int64, error) {
	if m.starts != nil && time.Since(m.built) < sitemapTTL {
		return m.starts, nil
	}
	counts, err := m.dir.SitemapCounts(ctx)
	if err != nil {
		return nil, err
	}
	starts := []int64{0}
	used := 2 // the first file also lists the home and explore pages
	for _, c := range counts {
		// A portfolio with more URLs than a file holds gets a file of its
		// own and is cut to fit (projects per owner are bounded well below).
		if used+c.URLs > m.maxURLs && used > 0 {
			starts = append(starts, c.UserID)
			used = 0
		}
		used += c.URLs
	}
	m.starts, m.built, m.docs = starts, time.Now(), map[int]sitemapDoc{}
	return starts, nil
}

// index is the sitemap index document.
func (m *Sitemaps) index(ctx context.Context) (sitemapDoc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	starts, err := m.layout(ctx)
	if err != nil {
		return sitemapDoc{}, err
	}
	if d, ok := m.docs[0]; ok {
		return d, nil
	}
	type entry struct {
		Loc string `xml:"loc"`
	}
	idx := struct {
		XMLName  xml.Name `xml:"sitemapindex"`
		NS       string   `xml:"xmlns,attr"`
		Sitemaps []entry  `xml:"sitemap"`
	}{NS: sitemapNS}
	for i := range starts {
		idx.Sitemaps = append(idx.Sitemaps, entry{Loc: m.abs("sitemap-" + strconv.Itoa(i+1) + ".xml")})
	}
	d, err := newSitemapDoc(idx, time.Time{})
	if err == nil {
		m.docs[0] = d
	}
	return d, err
}

// file is sitemap file n (1-based); ok is false past the last one.
func (m *Sitemaps) file(ctx context.Context, n int) (d sitemapDoc, ok bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	starts, err := m.layout(ctx)
	if err != nil || n < 1 || n > len(starts) {
		return sitemapDoc{}, false, err
	}
	if d, ok := m.docs[n]; ok {
		return d, true, nil
	}
	var to int64
	if n < len(starts) {
		to = starts[n]
	}
	entries, err := m.dir.SitemapEntries(ctx, starts[n-1], to)
	if err != nil {
		return sitemapDoc{}, false, err
	}
	type url struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	set := struct {
		XMLName xml.Name `xml:"urlset"`
		NS      string   `xml:"xmlns,attr"`
		URLs    []url    `xml:"url"`
	}{NS: sitemapNS}
	if n == 1 {
		set.URLs = append(set.URLs, url{Loc: m.abs("/")}, url{Loc: m.abs("explore")})
	}
	var modified time.Time
	for _, e := range entries {
		mod := e.Modified.UTC().Truncate(time.Second)
		if mod.After(modified) {
			modified = mod
		}
		set.URLs = append(set.URLs, url{Loc: m.abs(e.Handle), LastMod: mod.Format(time.RFC3339)})
		for _, slug := range e.Slugs {
			if len(set.URLs) >= m.maxURLs {
				break
			}
			set.URLs = append(set.URLs, url{Loc: m.abs(e.Handle, slug)})
		}
	}
	d, err = newSitemapDoc(set, modified)
	if err == nil {
		m.docs[n] = d
	}
	return d, err == nil, err
}

func newSitemapDoc(v any, modified time.Time) (sitemapDoc, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return sitemapDoc{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return sitemapDoc{body: buf.Bytes(), etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, modified: modified}, nil
}

// send answers a sitemap document, or 304 when the client's copy
// matches by ETag (or, without one, by Last-Modified).
func send(c *fiber.Ctx, d sitemapDoc) error {
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderETag, d.etag)
	if !d.modified.IsZero() {
		c.Set(fiber.HeaderLastModified, d.modified.Format(http.TimeFormat))
	}
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" {
		if match == d.etag || match == "W/"+d.etag || match == "*" {
			return c.SendStatus(fiber.StatusNotModified)
		}
	} else if since, err := http.ParseTime(c.Get(fiber.HeaderIfModifiedSince)); err == nil && !d.modified.IsZero() && !d.modified.After(since) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(d.body)
}

// Index answers /sitemap.xml.
func (m *Sitemaps) Index(c *fiber.Ctx) error {
	d, err := m.index(c.UserContext())
	if err != nil {
		return err
	}
	return send(c, d)
}

// File answers /sitemap-{n}.xml; ErrNoFile when there is no file n.
func (m *Sitemaps) File(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return ErrNoFile
	}
	d, ok, err := m.file(c.UserContext(), n)
	if err != nil {
		return err
	} else if !ok {
		return ErrNoFile
	}
	return send(c, d)
}
