package demoapps

import (
	"fmt"
	"hash/crc32"
	"html/template"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// feeds is the "Feed Aggregator" demo: a feed served with an ETag, so a
// polite client's conditional GET costs a 304 and no bytes, and a page
// that counts how often that happened.
type feeds struct {
	started       time.Time
	full, notMod  atomic.Int64
	feedBody      []byte
	feedETag      string
	feedUpdatedAt time.Time
}

func newFeeds() http.Handler {
	f := &feeds{started: time.Now().UTC()}
	f.feedUpdatedAt = f.started.Truncate(time.Hour)
	f.feedBody = []byte(fmt.Sprintf(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Feed Aggregator demo</title>
  <id>urn:folio:demo:feeds</id>
  <updated>%s</updated>
  <entry><title>Conditional GETs save bandwidth</title><id>urn:folio:demo:feeds:1</id><updated>%[1]s</updated></entry>
  <entry><title>Per-host token buckets keep us polite</title><id>urn:folio:demo:feeds:2</id><updated>%[1]s</updated></entry>
</feed>
`, f.feedUpdatedAt.Format(time.RFC3339)))
	f.feedETag = `"` + strconv.FormatUint(uint64(crc32.ChecksumIEEE(f.feedBody)), 16) + `"`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", f.page)
	mux.HandleFunc("GET /feed.xml", f.feed)
	return mux
}

var feedsPage = template.Must(template.New("feeds").Parse(pageHead + `
<h1>Feed Aggregator</h1>
<p>The feed below answers a conditional GET with <code>304 Not Modified</code>:</p>
<pre>curl -i {{.Self}}feed.xml
curl -i -H 'If-None-Match: {{.ETag}}' {{.Self}}feed.xml</pre>
<p>Since {{.Since.Format "15:04"}} UTC: <strong>{{.Full}}</strong> full fetches,
<strong>{{.NotModified}}</strong> answered 304 ({{.Saved}}% of fetches cost no body).</p>
<p><a href="feed.xml">Open the feed</a></p>
` + pageFoot))

func (f *feeds) page(w http.ResponseWriter, r *http.Request) {
	full, nm := f.full.Load(), f.notMod.Load()
	saved := int64(0)
	if full+nm > 0 {
		saved = nm * 100 / (full + nm)
	}
	render(w, feedsPage, map[string]any{"Self": "http://" + r.Host + "/feeds/", "ETag": f.feedETag, "Since": f.started,
		"Full": full, "NotModified": nm, "Saved": saved})
}

func (f *feeds) feed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("ETag", f.feedETag)
	w.Header().Set("Last-Modified", f.feedUpdatedAt.Format(http.TimeFormat))
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == f.feedETag {
		f.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.full.Add(1)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = w.Write(f.feedBody)
}
