package apidocs

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/demo"
)

// CloneLimits bound a repository clone.
type CloneLimits struct {
	Bytes        int64
	Timeout      time.Duration
	AllowPrivate bool // lift the address rules (tests, LAN installs)
}

// DefaultCloneLimits fit a service's repository.
var DefaultCloneLimits = CloneLimits{Bytes: 200 << 20, Timeout: 2 * time.Minute}

// Clone makes a shallow clone of repoURL into dest with the git command.
// The host is resolved and checked here, and git is pinned to the checked
// address (http.curloptResolve) with redirects off, so that neither DNS
// rebinding nor a redirect can point it at the internal network.
func Clone(ctx context.Context, git, repoURL, dest string, limits CloneLimits) error {
	if git == "" {
		return bad("this Folio cannot clone repositories (git is not installed); upload the spec or an archive")
	}
	u, err := url.Parse(repoURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return bad("the repository URL must be a plain http(s) URL")
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil || len(ips) == 0 {
		return bad("the repository's host %s was not found", u.Hostname())
	}
	var pinned netip.Addr
	for _, ip := range ips {
		if limits.AllowPrivate || demo.CheckAddr(ip) == nil {
			pinned = ip.Unmap()
			break
		}
	}
	if !pinned.IsValid() {
		return bad("the repository's address is not on the public internet")
	}
	if !limits.AllowPrivate && port != "80" && port != "443" {
		return bad("the repository must be on port 80 or 443")
	}
	ctx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	addr := pinned.String()
	if pinned.Is6() {
		addr = "[" + addr + "]"
	}
	cmd := exec.CommandContext(ctx, git,
		"-c", "http.followRedirects=false",
		"-c", "protocol.allow=never", "-c", "protocol.http.allow=always", "-c", "protocol.https.allow=always",
		"-c", "http.curloptResolve="+u.Hostname()+":"+port+":"+addr,
		"-c", "core.symlinks=false", "-c", "submodule.recurse=false",
		"clone", "--depth", "1", "--single-branch", "--no-tags", "--no-checkout", "--quiet", "--", repoURL, dest)
	cmd.Env = append(withoutProxies(os.Environ()), "NO_PROXY=*", "no_proxy=*",
		"GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=/bin/false", "GIT_CONFIG_NOSYSTEM=1", "HOME="+filepath.Dir(dest))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				return bad("cloning the repository took longer than %s", limits.Timeout)
			}
			if err != nil {
				return bad("the repository could not be cloned: %s", firstLine(stderr.String()))
			}
			if dirSize(dest) > limits.Bytes {
				return bad("the repository is larger than %s", sizeOf(limits.Bytes))
			}
			// The files are checked out only once their sizes are known:
			// a tiny pack may hold a blob that inflates to gigabytes.
			return checkout(ctx, git, dest, cmd.Env, limits)
		case <-tick.C:
			if dirSize(dest) > limits.Bytes {
				cancel()
				<-done
				return bad("the repository is larger than %s", sizeOf(limits.Bytes))
			}
		}
	}
}

// checkout sums the sizes of the files in HEAD and checks them out only
// when they fit the limit.
func checkout(ctx context.Context, git, dir string, env []string, limits CloneLimits) error {
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, git, append([]string{"-C", dir, "-c", "core.symlinks=false"}, args...)...)
		cmd.Env = env
		return cmd.Output()
	}
	out, err := run("ls-tree", "-r", "-l", "--full-tree", "HEAD")
	if err != nil {
		return bad("the repository has no commit to read")
	}
	var total int64
	files := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// <mode> <type> <object> <size>\t<path>
		fields := strings.Fields(strings.SplitN(line, "\t", 2)[0])
		if len(fields) == 4 && fields[1] == "blob" {
			var n int64
			fmt.Sscan(fields[3], &n)
			total += n
			files++
		}
	}
	if total+dirSize(dir) > limits.Bytes {
		return bad("the repository is larger than %s", sizeOf(limits.Bytes))
	}
	if files > DefaultLimits.Files {
		return bad("the repository has more than %d files", DefaultLimits.Files)
	}
	if _, err := run("checkout", "--quiet", "HEAD", "--", "."); err != nil {
		return bad("the repository could not be checked out")
	}
	return nil
}

// withoutProxies drops proxy settings: a proxy would resolve and connect
// on git's behalf, past the address check and the pinned address.
func withoutProxies(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToLower(name) {
		case "http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy", "git_proxy_command":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "git gave no reason"
	}
	return fmt.Sprintf("%.200s", s)
}

// SpecFiles are where a repository's OpenAPI or Swagger document is
// looked for, in order.
var SpecFiles = []string{"openapi.json", "openapi.yaml", "openapi.yml", "swagger.json", "swagger.yaml", "swagger.yml",
	"docs/openapi.json", "docs/openapi.yaml", "docs/swagger.json", "docs/swagger.yaml", "api/openapi.yaml", "api/openapi.json"}

// FindSpec returns the path, relative to dir, of the first of SpecFiles
// that is a regular file in dir, or "" when none is.
func FindSpec(dir string) string {
	for _, name := range SpecFiles {
		info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name)))
		if err == nil && info.Mode().IsRegular() {
			return name
		}
	}
	return ""
}

// ReadSpec reads the spec file name (see FindSpec) of dir, refusing one
// over MaxSpecBytes.
func ReadSpec(dir, name string) ([]byte, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	info, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxSpecBytes {
		return nil, bad("%s is larger than %s", name, sizeOf(MaxSpecBytes))
	}
	return os.ReadFile(p)
}

// HasAnnotations reports whether Go source in dir carries swag's general
// annotations (// @title), which FromSource needs.
func HasAnnotations(dir string) bool {
	_, err := findGeneralInfo(dir)
	return err == nil
}

// FromRepository finds an OpenAPI or Swagger file in a cloned repository,
// or else generates one from swag annotations.
func FromRepository(ctx context.Context, dir, workDir string) (*Document, error) {
	if name := FindSpec(dir); name != "" {
		data, err := ReadSpec(dir, name)
		if err != nil {
			return nil, err
		}
		return FromSpec(ctx, data)
	}
	return FromSource(ctx, dir, workDir)
}
