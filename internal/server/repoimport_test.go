package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/internal/wire"
	"github.com/foliohq/folio/worker"
)

// importAPI is the server with repository imports, and, when started, a
// worker that runs them and the API docs they ask for.
type importAPI struct {
	*harness
	gitURL string // serves <name>.git for each sample under testdata
}

// gitSamples makes a bare repository of each of internal/repoimport's
// samples and serves them with git's http-backend.
func gitSamples(t *testing.T, names ...string) string {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is not installed; install it (apt-get install git)")
	}
	root := t.TempDir()
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "HOME="+root, "GIT_CONFIG_NOSYSTEM=1")
	for _, name := range names {
		work := filepath.Join(root, "work-"+name)
		if err := os.CopyFS(work, os.DirFS(filepath.Join("..", "repoimport", "testdata", name))); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", "first"},
			{"clone", "-q", "--bare", ".", filepath.Join(root, name+".git")}} {
			cmd := exec.Command(git, args...)
			cmd.Dir, cmd.Env = work, env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
	return newGitHTTPServer(t, git, root)
}

// newImportAPI builds the server; with run, a worker too. perHour and
// maxActive change the owners' quotas when not zero.
func newImportAPI(t *testing.T, run bool, perHour ratelimit.Limit, maxActive int) *importAPI {
	t.Helper()
	db := testenv.Postgres(t)
	redisOpts := testenv.Redis(t)
	rdb := redis.NewClient(redisOpts)
	t.Cleanup(func() { rdb.Close() })
	asynqRedis := asynq.RedisClientOpt{Addr: redisOpts.Addr, DB: redisOpts.DB}
	client := asynq.NewClient(asynqRedis)
	t.Cleanup(func() { client.Close() })
	o := servertest.Options(db, rdb)
	o.Logger = quietLogger
	o.API.RepoImports.PerHour, o.API.RepoImports.MaxActive = perHour, maxActive
	if run {
		store := testenv.Store(t)
		servertest.Media(&o, db, store, client, 1<<20, 1<<20)
		clone := apidocs.CloneLimits{Bytes: 20 << 20, Timeout: time.Minute, AllowPrivate: true}
		pools := wire.Pools{DB: db, Redis: rdb, Store: store, Queue: client, Logger: quietLogger}
		w, err := worker.New(worker.Options{
			Redis: asynqRedis, Logger: quietLogger, Concurrency: 3, ShutdownTimeout: 5 * time.Second,
			APIDocs: &worker.APIDocsHandlers{Docs: postgres.NewAPIDocsService(db), Projects: postgres.NewProjectService(db), Store: store,
				Git: "git", Clone: clone, Extract: apidocs.DefaultLimits},
			RepoImport: &worker.RepoImportHandlers{Imports: wire.RepoImports(pools, "git", clone)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Shutdown)
	}
	return &importAPI{harness: &harness{t: t, srv: server.New(o), db: db}}
}

func (a *importAPI) start(acct account, repo string) map[string]any {
	a.t.Helper()
	r := a.expect(req{method: "POST", path: "/api/v1/repository-imports", token: acct.token, body: map[string]string{"repository_url": repo}}, 202)
	m := r.json(a.t)
	if m["status"] != "queued" || r.header.Get("Location") != fmt.Sprintf("/api/v1/repository-imports/%d", id(m)) {
		a.t.Fatalf("start: %v %v", m, r.header)
	}
	return m
}

// wait polls an import until it finishes.
func (a *importAPI) wait(acct account, importID int64) map[string]any {
	a.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		m := a.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/repository-imports/%d", importID), token: acct.token}, 200).json(a.t)
		if m["status"] == "done" || m["status"] == "failed" {
			return m
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("import %d still %v after 2 minutes", importID, m["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (a *importAPI) waitDocs(acct account, projectID int64) map[string]any {
	a.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		d := a.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/apidocs", projectID), token: acct.token}, 200).json(a.t)
		if d["status"] == "ready" || d["status"] == "failed" {
			return d
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("API docs still %v after 2 minutes", d["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (a *importAPI) project(acct account, projectID int64) api.ProjectResponse {
	a.t.Helper()
	var p api.ProjectResponse
	if err := json.Unmarshal(a.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/projects/%d", projectID), token: acct.token}, 200).body, &p); err != nil {
		a.t.Fatal(err)
	}
	return p
}

func TestRepositoryImportMakesDraftsFromGoTypeScriptAndPython(t *testing.T) {
	t.Parallel()
	git := gitSamples(t, "go-service", "ts-app", "py-lib")
	a := newImportAPI(t, true, ratelimit.Limit{}, 0)
	ada, bob := a.signUp("ada"), a.signUp("bob")

	type sample struct {
		repo                       string
		title, tagline, demo, lic  string
		tags                       []string
		apiDocs, docsTitle, inDesc string
		operations                 float64
	}
	samples := []sample{
		{repo: "go-service", title: "Orders API", tagline: "A small order-management service in Go, with idempotent writes and an outbox. It is the backend of a demo shop.",
			demo: "https://orders.example.com", lic: "MIT", tags: []string{"Go"}, apiDocs: "swag", docsTitle: "Orders API", operations: 2, inDesc: "## Features"},
		{repo: "ts-app", title: "Kanban & Co", tagline: "A realtime kanban board for small teams, in TypeScript.",
			demo: "https://kanban.example.dev", lic: "Apache-2.0", tags: []string{"TypeScript"}, apiDocs: "spec:docs/openapi.yaml", docsTitle: "Kanban API", operations: 2,
			inDesc: "Screenshots live in docs."},
		{repo: "py-lib", title: "tally", tagline: "Count things in streams, fast: a tiny Python library with no dependencies.",
			demo: "https://tally.example.org", lic: "ISC", tags: []string{"Python"}, inDesc: "Usage\n-----"},
	}
	started := map[string]time.Time{}
	ids := map[string]int64{}
	for _, s := range samples {
		started[s.repo] = time.Now()
		ids[s.repo] = id(a.start(ada, git+"/"+s.repo+".git"))
	}
	for _, s := range samples {
		imp := a.wait(ada, ids[s.repo])
		t.Logf("%s imported in %s (from the POST, three imports at once on a worker of 3)", s.repo, time.Since(started[s.repo]).Round(10*time.Millisecond))
		if imp["status"] != "done" || imp["license"] != s.lic || imp["homepage"] != s.demo || fmt.Sprint(imp["api_docs"]) != fmt.Sprint(or(s.apiDocs, "<nil>")) {
			t.Errorf("%s: import %v", s.repo, imp)
			continue
		}
		projectID := int64(imp["project_id"].(float64))
		if imp["review_url"] != fmt.Sprintf("/dashboard/projects/%d", projectID) {
			t.Errorf("%s: review_url %v", s.repo, imp["review_url"])
		}
		p := a.project(ada, projectID)
		if p.Visibility != "draft" || p.Title != s.title || p.Tagline != s.tagline || p.DemoURL != s.demo ||
			p.RepositoryURL != git+"/"+s.repo+".git" || !slices.Equal(p.TechTags, s.tags) {
			t.Errorf("%s: draft %+v", s.repo, p)
		}
		if !strings.Contains(p.Description, s.inDesc) || !strings.HasSuffix(p.Description, "*License: "+s.lic+"*") {
			t.Errorf("%s: description %q", s.repo, p.Description)
		}
		// Never published: the public page does not know it.
		if r := a.do(req{method: "GET", path: "/ada/" + p.Slug}); r.status != 404 {
			t.Errorf("%s: the draft's public page answers %d", s.repo, r.status)
		}
		if s.apiDocs == "" {
			a.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/apidocs", projectID), token: ada.token}, 404)
			continue
		}
		if d := a.waitDocs(ada, projectID); d["status"] != "ready" || d["title"] != s.docsTitle || d["operations"] != s.operations {
			t.Errorf("%s: API docs %v", s.repo, d)
		}
	}

	// Another owner's import is a 404, like a missing one.
	assertProblem(t, a.do(req{method: "GET", path: fmt.Sprintf("/api/v1/repository-imports/%d", ids["go-service"]), token: bob.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/repository-imports/99999999", token: ada.token}), 404, "not_found")
	assertProblem(t, a.do(req{method: "GET", path: fmt.Sprintf("/api/v1/repository-imports/%d", ids["go-service"])}), 401, "unauthorized")

	// The list is the caller's own.
	var list struct{ Imports []map[string]any }
	json.Unmarshal(a.expect(req{method: "GET", path: "/api/v1/repository-imports", token: ada.token}, 200).body, &list)
	if len(list.Imports) != 3 || id(list.Imports[0]) != ids["py-lib"] {
		t.Errorf("ada's list: %v", list.Imports)
	}
	if r := a.expect(req{method: "GET", path: "/api/v1/repository-imports", token: bob.token}, 200); !strings.Contains(string(r.body), `"imports":[]`) {
		t.Errorf("bob's list: %s", r.body)
	}

	// A repository that cannot be cloned fails with a reason.
	failed := a.wait(ada, id(a.start(ada, git+"/missing.git")))
	if failed["status"] != "failed" || !strings.Contains(fmt.Sprint(failed["error"]), "could not be cloned") || failed["project_id"] != nil {
		t.Errorf("missing repository: %v", failed)
	}
	// Addresses that are no http(s) repository are refused at once.
	for _, bad := range []string{"", "ftp://example.com/x.git", "file:///etc", "https://user:pw@example.com/x.git", "github.com/ada/x"} {
		r := a.do(req{method: "POST", path: "/api/v1/repository-imports", token: ada.token, body: map[string]string{"repository_url": bad}})
		assertProblem(t, r, 422, "invalid")
		if r.fieldErrors(t)["repository_url"] == "" {
			t.Errorf("%q: no repository_url field error: %s", bad, r.body)
		}
	}

	// The dashboard: the form, then the import's page with the draft and
	// its license for review; another owner's page is a 404.
	if !strings.Contains(string(a.page(ada, "/dashboard").body), `href="/dashboard/import"`) {
		t.Error("the dashboard does not link the import form")
	}
	form := a.page(ada, "/dashboard/import")
	if form.status != 200 || !strings.Contains(string(form.body), `name="repository_url"`) || !strings.Contains(string(form.body), git+"/py-lib.git") {
		t.Fatalf("form page: %d\n%s", form.status, form.body)
	}
	if r := a.form(ada, "/dashboard/import", url.Values{"repository_url": {git + "/go-service.git"}}); r.status != 403 {
		t.Errorf("form without CSRF token: %d", r.status)
	}
	if r := a.form(ada, "/dashboard/import", url.Values{"_csrf": {csrfOf(t, ada)}, "repository_url": {"not a url"}}); r.status != 422 ||
		!strings.Contains(string(r.body), `value="not a url"`) {
		t.Errorf("bad URL in the form: %d\n%s", r.status, r.body)
	}
	r := a.form(ada, "/dashboard/import", url.Values{"_csrf": {csrfOf(t, ada)}, "repository_url": {git + "/go-service.git"}})
	m := regexp.MustCompile(`^/dashboard/import/([0-9]+)$`).FindStringSubmatch(r.header.Get("Location"))
	if r.status != 303 || m == nil {
		t.Fatalf("form: %d %q", r.status, r.header.Get("Location"))
	}
	if page := a.page(ada, m[0]); page.status != 200 || (page.header.Get("Refresh") == "" && !strings.Contains(string(page.body), "Review the draft")) {
		t.Errorf("import page while running: %d %v", page.status, page.header)
	}
	var importID int64
	fmt.Sscan(m[1], &importID)
	a.wait(ada, importID)
	page := a.page(ada, m[0])
	body := string(page.body)
	if page.status != 200 || page.header.Get("Refresh") != "" || !strings.Contains(body, "Review the draft") ||
		!regexp.MustCompile(`data-testid="import-license">MIT<`).MatchString(body) || !strings.Contains(body, "https://orders.example.com") {
		t.Errorf("finished import page: %d %v\n%s", page.status, page.header, body)
	}
	if r := a.page(bob, m[0]); r.status != 404 {
		t.Errorf("bob opens ada's import page: %d", r.status)
	}
	// The second import of the same repository made a second draft, with
	// a slug of its own.
	if p := a.project(ada, int64(a.wait(ada, importID)["project_id"].(float64))); p.Slug != "orders-api-2" {
		t.Errorf("second draft's slug %q", p.Slug)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestRepositoryImportQuotas(t *testing.T) {
	t.Parallel()
	// No worker: imports stay queued, holding their slots.
	a := newImportAPI(t, false, ratelimit.Limit{Rate: 4, Period: time.Hour}, 2)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	first := a.start(ada, "https://example.com/a.git")
	a.start(ada, "https://example.com/b.git")
	r := a.do(req{method: "POST", path: "/api/v1/repository-imports", token: ada.token, body: map[string]string{"repository_url": "https://example.com/c.git"}})
	assertProblem(t, r, 429, "too_many_requests")
	// Bob's quota is his own.
	a.start(bob, "https://example.com/a.git")
	// A finished import frees its slot; the hourly limit still counts it.
	if _, err := a.db.ExecContext(t.Context(), "UPDATE repository_imports SET status = 'failed' WHERE owner_id = ?", ada.id); err != nil {
		t.Fatal(err)
	}
	a.start(ada, "https://example.com/d.git")
	r = a.do(req{method: "POST", path: "/api/v1/repository-imports", token: ada.token, body: map[string]string{"repository_url": "https://example.com/e.git"}})
	assertProblem(t, r, 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After over the hourly limit")
	}
	// An Idempotency-Key replays the first answer instead of a new import.
	key := map[string]string{"Idempotency-Key": "k-1"}
	one := a.do(req{method: "POST", path: "/api/v1/repository-imports", token: bob.token, body: map[string]string{"repository_url": "https://example.com/x.git"}, headers: key})
	two := a.do(req{method: "POST", path: "/api/v1/repository-imports", token: bob.token, body: map[string]string{"repository_url": "https://example.com/x.git"}, headers: key})
	if one.status != 202 || two.status != 202 || id(one.json(t)) != id(two.json(t)) {
		t.Errorf("idempotent create: %d %s / %d %s", one.status, one.body, two.status, two.body)
	}
	if id(first) == 0 {
		t.Error("no id")
	}
}
