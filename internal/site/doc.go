// Package site is Folio's server-rendered surface: the public portfolio
// and project pages (with their Redis page cache and in-process memo),
// the tailored share-link pages under /s/{token}, explore, the sitemap
// and robots.txt, the dashboard's pages, the 404 page, static assets from
// web/, and rendition delivery under /media/{key}/{name}. Request
// plumbing shared with the API is in internal/request; internal/server
// mounts both.
package site
