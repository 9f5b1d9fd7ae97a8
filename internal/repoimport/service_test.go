package repoimport

import (
	"context"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
)

// memStore is a Store in memory, for the tests of Run's outcomes; the
// PostgreSQL store has its own tests.
type memStore struct {
	mu   sync.Mutex
	rows map[int64]*Import
}

func (m *memStore) CreateImport(_ context.Context, owner int64, u string, _ int) (*Import, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	imp := &Import{ID: int64(len(m.rows) + 1), OwnerID: owner, RepositoryURL: u, Status: StatusQueued}
	m.rows[imp.ID] = imp
	return imp, nil
}
func (m *memStore) Import(_ context.Context, owner, id int64) (*Import, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.rows[id]; ok && r.OwnerID == owner {
		c := *r
		return &c, nil
	}
	return nil, folio.Errorf(folio.ENOTFOUND, "Import not found.")
}
func (m *memStore) Imports(context.Context, int64, int) ([]*Import, error) { return nil, nil }
func (m *memStore) ImportForWorker(ctx context.Context, id int64) (*Import, error) {
	return m.Import(ctx, m.rows[id].OwnerID, id)
}
func (m *memStore) StartImport(_ context.Context, id int64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rows[id].Status.Finished() {
		return false, nil
	}
	m.rows[id].Status = StatusRunning
	return true, nil
}
func (m *memStore) SetImportProject(_ context.Context, id, p int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[id].ProjectID = p
	return nil
}
func (m *memStore) FinishImport(_ context.Context, id int64, s Summary) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[id].Status, m.rows[id].ProjectID = StatusDone, s.ProjectID
	return nil
}
func (m *memStore) FailImport(_ context.Context, id int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[id].Status, m.rows[id].Error = StatusFailed, reason
	return nil
}

// gitServer serves one repository with a large file over git's
// http-backend.
func gitServer(t *testing.T) string {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is not installed; install it (apt-get install git)")
	}
	out, err := exec.Command(git, "--exec-path").Output()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	work := filepath.Join(root, "w")
	os.MkdirAll(work, 0o700)
	os.WriteFile(filepath.Join(work, "README.md"), []byte("# Big\n\nA big repository.\n"), 0o600)
	os.WriteFile(filepath.Join(work, "big.txt"), []byte(strings.Repeat("0123456789abcdef\n", 20000)), 0o600)
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "HOME="+root)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", "x"}, {"clone", "-q", "--bare", ".", filepath.Join(root, "big.git")}} {
		cmd := exec.Command(git, args...)
		cmd.Dir, cmd.Env = work, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	srv := httptest.NewServer(&cgi.Handler{Path: filepath.Join(strings.TrimSpace(string(out)), "git-http-backend"),
		Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}})
	t.Cleanup(srv.Close)
	return srv.URL + "/big.git"
}

// Every way a clone is refused ends the import failed with the reason,
// and Run returns nil: retrying would not help.
func TestRunRecordsWhyACloneFailed(t *testing.T) {
	url := gitServer(t)
	for _, tc := range []struct {
		name, git string
		clone     apidocs.CloneLimits
		want      string
	}{
		{"loopback with the address rules on", "git", apidocs.DefaultCloneLimits, "The repository's address is not on the public internet."},
		{"over the size limit", "git", apidocs.CloneLimits{Bytes: 64 << 10, Timeout: time.Minute, AllowPrivate: true}, "The repository is larger than 64 KB."},
		{"no git on the worker", "", apidocs.DefaultCloneLimits, "This Folio cannot clone repositories"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &memStore{rows: map[int64]*Import{}}
			imp, _ := store.CreateImport(context.Background(), 1, url, 3)
			s := &Service{Imports: store, Git: tc.git, Clone: tc.clone}
			if err := s.Run(context.Background(), imp.ID, "", false); err != nil {
				t.Fatalf("Run: %v", err)
			}
			got := store.rows[imp.ID]
			if got.Status != StatusFailed || !strings.HasPrefix(got.Error, tc.want) {
				t.Errorf("import %+v, want failed with %q", got, tc.want)
			}
			// A second delivery of the task leaves it as it is.
			if err := s.Run(context.Background(), imp.ID, "", false); err != nil || store.rows[imp.ID].Error != got.Error {
				t.Errorf("second run: %v %+v", err, store.rows[imp.ID])
			}
		})
	}
}

// A failure that is not the owner's is retried, and only the last attempt
// records it.
func TestRunRetriesOtherFailures(t *testing.T) {
	store := &memStore{rows: map[int64]*Import{}}
	imp, _ := store.CreateImport(context.Background(), 1, "https://example.com/x.git", 3)
	s := &Service{Imports: store, Git: "git", Clone: apidocs.DefaultCloneLimits, TempDir: filepath.Join(t.TempDir(), "missing")}
	if err := s.Run(context.Background(), imp.ID, "", false); err == nil || store.rows[imp.ID].Status != StatusRunning {
		t.Fatalf("first attempt: %v %+v", err, store.rows[imp.ID])
	}
	if err := s.Run(context.Background(), imp.ID, "", true); err != nil || store.rows[imp.ID].Status != StatusFailed ||
		!strings.Contains(store.rows[imp.ID].Error, "after several attempts") {
		t.Errorf("last attempt: %v %+v", err, store.rows[imp.ID])
	}
}
