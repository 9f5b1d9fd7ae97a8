package repoimport

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/google/licensecheck"
	"github.com/pelletier/go-toml/v2"
)

// maxLicenseBytes bounds a license file read; the longest common licenses
// (GPL-3.0, AGPL-3.0) are about 35 KB.
const maxLicenseBytes = 128 << 10

// maxManifestBytes bounds package.json, pyproject.toml and Cargo.toml.
const maxManifestBytes = 256 << 10

// detectLicense names the licenses of the root's LICENSE, LICENCE,
// COPYING and UNLICENSE files with licensecheck (the license classifier
// pkg.go.dev uses): a file counts when at least 75 % of its text matches
// known licenses. Several files (LICENSE-MIT, LICENSE-APACHE) make an
// "OR" of their identifiers. "" when nothing matches well enough.
func detectLicense(dir string) string {
	ids := map[string]bool{}
	for _, name := range rootFiles(dir, "license", "licence", "copying", "unlicense") {
		data := readSmall(filepath.Join(dir, name), maxLicenseBytes)
		if len(data) == 0 {
			continue
		}
		cov := licensecheck.Scan(data)
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
