package apidocs

import (
	"context"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitServer serves a one-commit repository over smart HTTP with git's own
// http-backend, as a forge would.
func gitServer(t *testing.T, files map[string]string) string {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is not installed; install it (apt-get install git)")
	}
	backend := "/usr/lib/git-core/git-http-backend"
	if out, err := exec.Command(git, "--exec-path").Output(); err == nil {
		backend = filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	}
	root := t.TempDir()
	work := filepath.Join(root, "work")
	run := func(dir string, args ...string) {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "HOME="+root)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(work, 0o700)
	for name, body := range files {
		p := filepath.Join(work, name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte(body), 0o600)
	}
	run(work, "init", "-q", "-b", "main")
	run(work, "add", ".")
	run(work, "commit", "-q", "-m", "init")
	run(root, "clone", "-q", "--bare", work, filepath.Join(root, "repo.git"))
	srv := httptest.NewServer(&cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}})
	t.Cleanup(srv.Close)
	return srv.URL + "/repo.git"
}

func TestRepositoryWithSpecIsReady(t *testing.T) {
	url := gitServer(t, map[string]string{"docs/openapi.json": string(readSpec(t, "orders-3.1.json")), "README.md": "hi"})
	work := t.TempDir()
	dest := filepath.Join(work, "repo")
	if err := Clone(context.Background(), "git", url, dest, CloneLimits{Bytes: 10 << 20, Timeout: DefaultCloneLimits.Timeout, AllowPrivate: true}); err != nil {
		t.Fatal(err)
	}
	d, err := FromRepository(context.Background(), dest, work)
	if err != nil || d.Title != "Orders" || d.Operations != 3 {
		t.Fatalf("from repository: %+v %v", d, err)
	}
	if _, err := os.Stat(filepath.Join(dest, ".git", "shallow")); err != nil {
		t.Error("the clone is not shallow")
	}
}

func TestRepositoryWithSwagAnnotations(t *testing.T) {
	url := gitServer(t, serviceFiles(t))
	work := t.TempDir()
	dest := filepath.Join(work, "repo")
	if err := Clone(context.Background(), "git", url, dest, CloneLimits{Bytes: 10 << 20, Timeout: DefaultCloneLimits.Timeout, AllowPrivate: true}); err != nil {
		t.Fatal(err)
	}
	if d, err := FromRepository(context.Background(), dest, work); err != nil || d.Title != "Todo API" {
		t.Fatalf("swag in a repository: %+v %v", d, err)
	}
}

func TestCloneIsSSRFSafeAndBounded(t *testing.T) {
	url := gitServer(t, map[string]string{"big.bin": strings.Repeat("x", 300<<10)})
	work := t.TempDir()
	err := Clone(context.Background(), "git", url, filepath.Join(work, "a"), DefaultCloneLimits)
	if !IsBadInput(err) || !strings.Contains(err.Error(), "not on the public internet") {
		t.Errorf("a loopback repository with the rules on: %v", err)
	}
	for _, bad := range []string{"file:///etc", "ssh://git@example.com/x.git", "git://example.com/x", "https://user:pw@example.com/x.git", "ext::sh -c touch% /tmp/pwned"} {
		if err := Clone(context.Background(), "git", bad, filepath.Join(work, "b"), DefaultCloneLimits); !IsBadInput(err) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	err = Clone(context.Background(), "git", url, filepath.Join(work, "c"), CloneLimits{Bytes: 64 << 10, Timeout: DefaultCloneLimits.Timeout, AllowPrivate: true})
	if !IsBadInput(err) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("size limit: %v", err)
	}
}
