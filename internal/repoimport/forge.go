package repoimport

import (
	"net/url"
	"path"
	"strings"
)

// forge knows how a host serves a repository's files, so that the
// README's relative images and links can point at the repository once the
// README is shown on Folio. The rules, by host:
//
//	github.com        images https://raw.githubusercontent.com/<o>/<r>/<branch>/<path>
//	                  links  https://github.com/<o>/<r>/blob/<branch>/<path>
//	gitlab.com        images https://gitlab.com/<group…>/<r>/-/raw/<branch>/<path>
//	                  links  https://gitlab.com/<group…>/<r>/-/blob/<branch>/<path>
//	codeberg.org      images https://codeberg.org/<o>/<r>/raw/branch/<branch>/<path>
//	(Gitea, Forgejo)  links  https://codeberg.org/<o>/<r>/src/branch/<branch>/<path>
//	bitbucket.org     images https://bitbucket.org/<o>/<r>/raw/<branch>/<path>
//	                  links  https://bitbucket.org/<o>/<r>/src/<branch>/<path>
//
// On any other host nothing is guessed: relative images are dropped and
// relative links are left as their text, since a wrong guess would put a
// broken image on a public page.
type forge struct {
	raw, blob string // prefixes that a cleaned relative path is appended to; "" when unknown
	page      string // the repository's web page, "" when unknown
}

// knownForges are the hosts whose file URLs are known.
var knownForges = map[string]bool{"github.com": true, "gitlab.com": true, "codeberg.org": true, "bitbucket.org": true}

// forgeOf returns the rules for repoURL on branch.
func forgeOf(repoURL, branch string) forge {
	u, err := url.Parse(repoURL)
	if err != nil || branch == "" {
		return forge{}
	}
	host := strings.ToLower(u.Hostname())
	repo := strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git")
	parts := strings.Split(repo, "/")
	if !knownForges[host] || len(parts) < 2 || (host != "gitlab.com" && len(parts) != 2) {
		return forge{}
	}
	b := url.PathEscape(branch)
	page := "https://" + host + "/" + repo
	switch host {
	case "github.com":
		return forge{raw: "https://raw.githubusercontent.com/" + repo + "/" + b + "/", blob: page + "/blob/" + b + "/", page: page}
	case "gitlab.com":
		return forge{raw: page + "/-/raw/" + b + "/", blob: page + "/-/blob/" + b + "/", page: page}
	case "codeberg.org":
		return forge{raw: page + "/raw/branch/" + b + "/", blob: page + "/src/branch/" + b + "/", page: page}
	default: // bitbucket.org
		return forge{raw: page + "/raw/" + b + "/", blob: page + "/src/" + b + "/", page: page}
	}
}

// CodeLink is the project's code link for repoURL: the repository's web
// page on a known forge (no ".git"), else the URL as given.
func CodeLink(repoURL string) string {
	u, err := url.Parse(repoURL)
	if err != nil || !knownForges[strings.ToLower(u.Hostname())] {
		return repoURL
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), ".git")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u.String()
}

// repoName is the last path element of repoURL without ".git": the title
// of a project whose README has none.
func repoName(repoURL string) string {
	u, err := url.Parse(repoURL)
	if err != nil {
		return "Imported project"
	}
	name := strings.TrimSuffix(path.Base(strings.TrimSuffix(u.Path, "/")), ".git")
	if name == "" || name == "." || name == "/" {
		return "Imported project"
	}
	return name
}

// sameRepository reports whether link points at the repository itself
// (its page, README anchor or a file in it): such a homepage is no demo.
func sameRepository(link, repoURL string) bool {
	l, err1 := url.Parse(link)
	r, err2 := url.Parse(repoURL)
	if err1 != nil || err2 != nil {
		return false
	}
	if !strings.EqualFold(l.Hostname(), r.Hostname()) {
		return false
	}
	repo := strings.ToLower(strings.TrimSuffix(strings.Trim(r.Path, "/"), ".git"))
	lp := strings.ToLower(strings.TrimSuffix(strings.Trim(l.Path, "/"), ".git"))
	return lp == repo || strings.HasPrefix(lp, repo+"/")
}
