// Package request is the request plumbing the JSON API (internal/api) and
// the site (internal/site) share: the request id, the caller's identity
// from a bearer token or session cookie, the middleware that requires a
// signed-in caller (with CSRF for cookies) or an administrator, the 429
// answer, ETags, the Content-Security-Policy, canonical ids and cursors,
// and the bounded Markdown render both surfaces show. It knows Fiber and
// folio errors, and nothing of either surface.
package request
