package repoimport

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/google/licensecheck"
	"github.com/pelletier/go-toml/v2"
)

// maxLicenseBytes bounds a license file read; the longest common licenses
// (GPL-3.0, AGPL-3.0) are about 35 KB.
const maxLicenseBytes = 128 << 10

// maxManifestBytes bounds package.json, pyproject.toml and Cargo.toml.
const maxManifestBytes = 256 << 10

// commonLicenses are the licenses recognised in license files: those
// open-source projects mostly use. licensecheck's whole set (550
// licenses) takes seconds to compile on a busy worker, this one a tenth
// of that; a rarer license is left for the owner to name, or comes from a
// manifest (see readManifests).
var commonLicenses = strings.Fields("MIT MIT-0 Apache-2.0 BSD-2-Clause BSD-3-Clause BSD-3-Clause-Clear 0BSD ISC Zlib " +
	"MPL-2.0 EPL-2.0 BSL-1.0 Unlicense CC0-1.0 CC-BY-4.0 CC-BY-SA-4.0 WTFPL Artistic-2.0 EUPL-1.2 PostgreSQL")

// licenseScanner compiles the scanner of commonLicenses and the GNU
// licenses once, on first use.
var licenseScanner = sync.OnceValues(func() (*licensecheck.Scanner, error) {
	want := map[string]bool{}
	for _, id := range commonLicenses {
		want[id] = true
	}
	var set []licensecheck.License
	for _, l := range licensecheck.BuiltinLicenses() {
		if want[l.ID] || strings.HasPrefix(l.ID, "GPL-") || strings.HasPrefix(l.ID, "LGPL-") || strings.HasPrefix(l.ID, "AGPL-") {
			set = append(set, l)
		}
	}
	return licensecheck.NewScanner(set)
})

// detectLicense names the licenses of the root's LICENSE, LICENCE,
// COPYING and UNLICENSE files with licensecheck (the license classifier
// pkg.go.dev uses) over commonLicenses: a file counts when at least 75 %
// of its text matches. Several files (LICENSE-MIT, LICENSE-APACHE) make
// an "OR" of their identifiers. "" when nothing matches well enough.
func detectLicense(dir string) string {
	scanner, err := licenseScanner()
	if err != nil {
		return ""
	}
	ids := map[string]bool{}
	for _, name := range rootFiles(dir, "license", "licence", "copying", "unlicense") {
		data := readSmall(filepath.Join(dir, name), maxLicenseBytes)
		if len(data) == 0 {
			continue
		}
		cov := scanner.Scan(data)
		if cov.Percent < 75 {
			continue
		}
		for _, m := range cov.Match {
			if !m.IsURL {
				ids[m.ID] = true
			}
		}
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return strings.Join(out, " OR ")
}

// manifests is what package manifests say of the project.
type manifests struct {
	homepages []string // in order of preference
	license   string   // an SPDX expression a manifest declares
}

// spdxExpr is what a declared license must look like to be shown: SPDX
// identifiers joined by AND, OR or WITH.
var spdxExpr = regexp.MustCompile(`^\(?[A-Za-z0-9.+-]{2,40}\)?(?: (?:AND|OR|WITH) \(?[A-Za-z0-9.+-]{2,40}\)?){0,4}$`)

// readManifests reads the homepage and license that package.json,
// pyproject.toml and Cargo.toml at the root declare. The homepage rules:
// package.json "homepage"; pyproject.toml [project.urls] entries named
// Demo, Live, Homepage, Home or Website (in that order), then
// [tool.poetry] homepage; Cargo.toml [package] homepage. go.mod declares
// no homepage: a Go module path is an import path, not a site.
func readManifests(dir string) manifests {
	var m manifests
	license := func(s string) {
		if s = strings.TrimSpace(s); m.license == "" && spdxExpr.MatchString(s) {
			m.license = s
		}
	}
	if data := readSmall(filepath.Join(dir, "package.json"), maxManifestBytes); data != nil {
		var pkg struct {
			Homepage string `json:"homepage"`
			License  any    `json:"license"`
		}
		if json.Unmarshal(data, &pkg) == nil {
			m.homepages = append(m.homepages, pkg.Homepage)
			if s, ok := pkg.License.(string); ok {
				license(s)
			}
		}
	}
	if data := readSmall(filepath.Join(dir, "pyproject.toml"), maxManifestBytes); data != nil {
		var py struct {
			Project struct {
				URLs    map[string]string `toml:"urls"`
				License any               `toml:"license"`
			} `toml:"project"`
			Tool struct {
				Poetry struct {
					Homepage string `toml:"homepage"`
					License  string `toml:"license"`
				} `toml:"poetry"`
			} `toml:"tool"`
		}
		if toml.Unmarshal(data, &py) == nil {
			for _, want := range []string{"demo", "live", "homepage", "home", "website"} {
				for k, v := range py.Project.URLs {
					if strings.EqualFold(strings.ReplaceAll(k, " ", ""), want) {
						m.homepages = append(m.homepages, v)
					}
				}
			}
			m.homepages = append(m.homepages, py.Tool.Poetry.Homepage)
			if s, ok := py.Project.License.(string); ok {
				license(s)
			}
			license(py.Tool.Poetry.License)
		}
	}
	if data := readSmall(filepath.Join(dir, "Cargo.toml"), maxManifestBytes); data != nil {
		var cargo struct {
			Package struct {
				Homepage string `toml:"homepage"`
				License  string `toml:"license"`
			} `toml:"package"`
		}
		if toml.Unmarshal(data, &cargo) == nil {
			m.homepages = append(m.homepages, cargo.Package.Homepage)
			license(cargo.Package.License)
		}
	}
	return m
}
