package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
)

// The sitemap protocol allows 50,000 URLs (and 50 MB) per file; past that,
// an index lists the files. Folio always answers /sitemap.xml with the
// index, and the files are /sitemap-1.xml, /sitemap-2.xml, ..., each a run
// of public portfolios by user id, split by URL count (a portfolio and its
// public projects). A portfolio's URLs are never split across two files.
const (
	defaultSitemapURLs = 50000
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

// sitemaps builds and caches the sitemap index and files in the process.
// One build runs at a time; requests during it wait for it rather than
// each querying the database.
type sitemaps struct {
	dir     folio.Directory
	maxURLs int
	mu      sync.Mutex
	built   time.Time
	starts  []int64 // the first user id of each file
	docs    map[int]sitemapDoc
}

// layout answers the first user id of each file, from a fresh split when
// the cached one is older than sitemapTTL. The caller holds m.mu.
func (m *sitemaps) layout(ctx context.Context) ([]int64, error) {
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
func (m *sitemaps) index(ctx context.Context, abs func(...string) string) (sitemapDoc, error) {
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
		idx.Sitemaps = append(idx.Sitemaps, entry{Loc: abs("sitemap-" + strconv.Itoa(i+1) + ".xml")})
	}
	d, err := newSitemapDoc(idx, time.Time{})
	if err == nil {
		m.docs[0] = d
	}
	return d, err
}

// file is sitemap file n (1-based); ok is false past the last one.
func (m *sitemaps) file(ctx context.Context, n int, abs func(...string) string) (d sitemapDoc, ok bool, err error) {
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
		set.URLs = append(set.URLs, url{Loc: abs("/")}, url{Loc: abs("explore")})
	}
	var modified time.Time
	for _, e := range entries {
		mod := e.Modified.UTC().Truncate(time.Second)
		if mod.After(modified) {
			modified = mod
		}
		set.URLs = append(set.URLs, url{Loc: abs(e.Handle), LastMod: mod.Format(time.RFC3339)})
		for _, slug := range e.Slugs {
			if len(set.URLs) >= m.maxURLs {
				break
			}
			set.URLs = append(set.URLs, url{Loc: abs(e.Handle, slug)})
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

// sendSitemap answers a sitemap document, or 304 when the client's copy
// matches by ETag (or, without one, by Last-Modified).
func sendSitemap(c *fiber.Ctx, d sitemapDoc) error {
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

// sitemapIndex is /sitemap.xml.
func (s *Site) sitemapIndex(c *fiber.Ctx) error {
	d, err := s.sitemaps.index(c.UserContext(), s.absolute)
	if err != nil {
		return err
	}
	return sendSitemap(c, d)
}

// sitemapFile is /sitemap-{n}.xml.
func (s *Site) sitemapFile(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return s.renderNotFound(c)
	}
	d, ok, err := s.sitemaps.file(c.UserContext(), n, s.absolute)
	if err != nil {
		return err
	} else if !ok {
		return s.renderNotFound(c)
	}
	return sendSitemap(c, d)
}
