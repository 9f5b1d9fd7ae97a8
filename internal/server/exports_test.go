package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/resume"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/storage"
	"github.com/foliohq/folio/internal/testenv"
	"github.com/foliohq/folio/worker"
)

// exportsEnv is the PDF workflow of a test: its bucket, its queue and,
// unless asked not to, a worker that builds PDFs.
type exportsEnv struct {
	store *storage.Store
	svc   *portfoliopdf.Service
}

var siteBase = &url.URL{Scheme: "http", Host: "localhost:8080"}

// withExports wires the PDF portfolio to a bucket and a queue of the
// test's own; with a worker, PDFs get built. wait bounds how long a
// request waits for the worker (0: the default).
func withExports(t *testing.T, env *exportsEnv, runWorker bool, wait time.Duration) apiOption {
	redisOpts := testenv.Redis(t)
	asynqRedis := queue.RedisConnOpt(redisOpts)
	client := asynq.NewClient(asynqRedis)
	t.Cleanup(func() { client.Close() })
	env.store = testenv.Store(t)
	return func(o *server.Options, db *bun.DB) {
		svc := &portfoliopdf.Service{Users: postgres.NewUserService(db), Projects: postgres.NewProjectService(db),
			Store: env.store, Queue: client, BaseURL: siteBase, Wait: wait, Logger: quietLogger}
		env.svc = svc
		o.Site.Exports.PDF, o.API.Exports.PDF = svc, svc
		if !runWorker {
			return
		}
		w, err := worker.New(worker.Options{Redis: asynqRedis, Logger: quietLogger, Concurrency: 2, ShutdownTimeout: 5 * time.Second,
			Exports: &worker.ExportHandlers{PDF: svc}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Shutdown)
	}
}

// poppler finds a poppler-utils command; the PDF tests need it.
func poppler(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: the PDF tests read PDFs with poppler-utils; run deploy/browser-deps.sh (or apt-get install poppler-utils)", name)
	}
	return path
}

// pdfText is the text pdftotext reads from the PDF.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(poppler(t, "pdftotext"), "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfQRCodes extracts the PDF's images with pdfimages and decodes each as
// a QR code.
func pdfQRCodes(t *testing.T, pdf []byte) []string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(poppler(t, "pdfimages"), "-png", path, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	var texts []string
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("image %s is not a readable QR code: %v", filepath.Base(f), err)
		}
		texts = append(texts, res.GetText())
	}
	sort.Strings(texts)
	return texts
}

func validatePDF(t *testing.T, pdf []byte) int {
	t.Helper()
	if err := api.Validate(bytes.NewReader(pdf), nil); err != nil {
		t.Fatalf("pdfcpu: the PDF is not valid: %v", err)
	}
	n, err := api.PageCount(bytes.NewReader(pdf), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPortfolioPDF: /{handle}.pdf is a valid PDF, built by the worker,
// whose text has the owner's name (Unicode kept), each featured project's
// title and links, clickable, and a QR code per project that decodes to
// its page; drafts and unlisted projects are not in it. US Letter on ask.
func TestPortfolioPDF(t *testing.T) {
	t.Parallel()
	var env exportsEnv
	a := newAPI(t, withExports(t, &env, true, 0))
	zoe := a.signUp("zoe")
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: zoe.token, body: map[string]any{
		"display_name": "Zoë Łukasiewicz", "headline": "Backend engineer in Kraków", "location": "Kraków, Poland",
		"links": map[string]string{"github": "https://github.com/zoel"}, "bio": "I build **reliable** backends."}}, 200)
	type proj struct{ title, slug, demo, repo string }
	projects := []proj{
		{"Orders API", "orders-api", "https://orders.example.com/", "https://github.com/zoel/orders"},
		{"Дарья's feed reader", "darya-s-feed-reader", "https://feeds.example.com/app", ""},
		{"Ελληνικά search", "search", "", "https://codeberg.org/zoel/search"},
	}
	var ids []int64
	for _, p := range projects {
		body := map[string]any{"title": p.title, "slug": p.slug, "visibility": "public", "tagline": "About " + p.title,
			"pitch":     map[string]string{"problem": "The problem of " + p.title, "approach": "An approach.", "result": "A result."},
			"tech_tags": []string{"Go", "PostgreSQL"}}
		if p.demo != "" {
			body["demo_url"] = p.demo
		}
		if p.repo != "" {
			body["repository_url"] = p.repo
		}
		ids = append(ids, a.createProject(zoe, body).ID)
	}
	a.expect(req{method: "PUT", path: "/api/v1/me/featured", token: zoe.token, body: map[string]any{"project_ids": ids}}, 200)
	a.createProject(zoe, map[string]any{"title": "Secret draft"})
	a.createProject(zoe, map[string]any{"title": "Hidden unlisted", "visibility": "unlisted"})

	r := a.expect(req{method: "GET", path: "/zoe.pdf"}, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	if pages := validatePDF(t, r.body); pages < 1 || pages > 2 {
		t.Errorf("%d pages, want one or two", pages)
	}
	if !bytes.Contains(r.body, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Error("the default paper is not A4")
	}
	text := pdfText(t, r.body)
	for _, want := range []string{"Zoë Łukasiewicz", "Backend engineer in Kraków", "Kraków, Poland", "github.com/zoel", "localhost:8080/zoe",
		"Orders API", "Дарья's feed reader", "Ελληνικά search", "The problem of Orders API", "Go · PostgreSQL",
		"orders.example.com", "feeds.example.com/app", "github.com/zoel/orders", "codeberg.org/zoel/search", "localhost:8080/zoe/orders-api"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
	for _, hidden := range []string{"Secret draft", "Hidden unlisted"} {
		if strings.Contains(text, hidden) {
			t.Errorf("the PDF shows %q", hidden)
		}
	}
	// Links are clickable: each is a URI link annotation.
	for _, link := range []string{"https://orders.example.com/", "https://feeds.example.com/app", "https://github.com/zoel/orders",
		"https://codeberg.org/zoel/search", "http://localhost:8080/zoe/orders-api", "https://github.com/zoel"} {
		if !bytes.Contains(r.body, []byte("/URI ("+link+")")) {
			t.Errorf("no link annotation to %s", link)
		}
	}
	want := []string{"http://localhost:8080/zoe/darya-s-feed-reader", "http://localhost:8080/zoe/orders-api", "http://localhost:8080/zoe/search"}
	if got := pdfQRCodes(t, r.body); !slices.Equal(got, want) {
		t.Errorf("QR codes decode to %q, want %q", got, want)
	}

	letter := a.expect(req{method: "GET", path: "/zoe.pdf?paper=letter&download=1"}, 200)
	validatePDF(t, letter.body)
	if !bytes.Contains(letter.body, []byte("/MediaBox [0 0 612.00 792.00]")) {
		t.Error("paper=letter is not US Letter")
	}
	if cd := letter.header.Get("Content-Disposition"); cd != `attachment; filename="zoe-portfolio-letter.pdf"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	// Both are stored, one object per paper at the current version.
	keys, err := env.store.Keys(context.Background(), "portfolio-pdf/")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Errorf("stored PDFs: %q", keys)
	}

	a.expect(req{method: "GET", path: "/zoe.pdf?paper=legal"}, 400)
	a.expect(req{method: "GET", path: "/nobody.pdf"}, 404)
	if r := a.do(req{method: "GET", path: "/ZOE.pdf?paper=letter"}); r.status != 301 || r.header.Get("Location") != "/zoe.pdf?paper=letter" {
		t.Errorf("/ZOE.pdf: %d to %q, want 301 to /zoe.pdf?paper=letter", r.status, r.header.Get("Location"))
	}
	// The API's copy is the same document, for the caller only.
	api := a.expect(req{method: "GET", path: "/api/v1/me/portfolio.pdf", token: zoe.token}, 200)
	if !bytes.Equal(api.body, r.body) {
		t.Error("the API's PDF differs from the public one")
	}
	a.expect(req{method: "GET", path: "/api/v1/me/portfolio.pdf"}, 401)

	// Another owner's Unicode name survives too.
	darya := a.signUp("darya")
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: darya.token, body: map[string]any{"display_name": "Дарья"}}, 200)
	if text := pdfText(t, a.expect(req{method: "GET", path: "/darya.pdf"}, 200).body); !strings.Contains(text, "Дарья") || strings.Contains(text, "Orders API") {
		t.Errorf("darya's PDF:\n%s", text)
	}
}

// TestPortfolioPDFFollowsContentVersion: a cached PDF is served until the
// portfolio changes; the next request then gets a new one, built by the
// worker, and the old version's object goes.
func TestPortfolioPDFFollowsContentVersion(t *testing.T) {
	t.Parallel()
	var env exportsEnv
	a := newAPI(t, withExports(t, &env, true, 0))
	ada := a.signUp("ada")
	p := a.createProject(ada, map[string]any{"title": "First title", "visibility": "public"})
	first := a.expect(req{method: "GET", path: "/ada.pdf"}, 200)
	if again := a.expect(req{method: "GET", path: "/ada.pdf"}, 200); !bytes.Equal(again.body, first.body) || again.header.Get("X-Cache") == "" {
		t.Fatalf("second request: X-Cache %q, same bytes %v", again.header.Get("X-Cache"), bytes.Equal(again.body, first.body))
	}
	a.expect(req{method: "PATCH", path: "/api/v1/projects/" + itoa(p.ID), token: ada.token, body: map[string]any{"title": "Second title"}}, 200)
	next := a.expect(req{method: "GET", path: "/ada.pdf"}, 200)
	if text := pdfText(t, next.body); !strings.Contains(text, "Second title") || strings.Contains(text, "First title") {
		t.Fatalf("after the change the PDF reads:\n%s", text)
	}
	keys, err := env.store.Keys(context.Background(), "portfolio-pdf/")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 {
		t.Errorf("stored after a rebuild: %q, want only the current version", keys)
	}
}

// TestPortfolioPDFWithoutWorker: when the worker does not build in time,
// the previous version is served, marked stale; with none, 503 and
// Retry-After.
func TestPortfolioPDFWithoutWorker(t *testing.T) {
	t.Parallel()
	var env exportsEnv
	a := newAPI(t, withExports(t, &env, false, 300*time.Millisecond))
	ada := a.signUp("ada")
	a.createProject(ada, map[string]any{"title": "Old title", "visibility": "public"})
	r := a.expect(req{method: "GET", path: "/ada.pdf"}, 503)
	if r.header.Get("Retry-After") != "5" {
		t.Errorf("503 without Retry-After: %v", r.header)
	}
	api := a.expect(req{method: "GET", path: "/api/v1/me/portfolio.pdf", token: ada.token}, 503)
	if api.header.Get("Retry-After") != "5" {
		t.Errorf("API 503 without Retry-After: %v", api.header)
	}
	// What the worker would do, done here.
	u, err := postgres.NewUserService(a.db).UserByHandle(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.svc.Build(context.Background(), u.ID, u.ContentVersion, portfoliopdf.A4); err != nil {
		t.Fatal(err)
	}
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{"headline": "Changed"}}, 200)
	stale := a.expect(req{method: "GET", path: "/ada.pdf"}, 200)
	if stale.header.Get("X-Folio-Stale") != "1" || !strings.Contains(pdfText(t, stale.body), "Old title") {
		t.Errorf("stale answer: X-Folio-Stale %q", stale.header.Get("X-Folio-Stale"))
	}
}

// TestResumeJSON: /{handle}/resume.json and the API's export are valid
// JSON Resume with the public projects only; a project may be called
// "resume" without taking the path.
func TestResumeJSON(t *testing.T) {
	t.Parallel()
	a := newAPI(t, withPages(t))
	zoe := a.signUp("zoe")
	a.expect(req{method: "PATCH", path: "/api/v1/me", token: zoe.token, body: map[string]any{"display_name": "Zoë Łukasiewicz"}}, 200)
	a.createProject(zoe, map[string]any{"title": "Resume", "visibility": "public", "tech_tags": []string{"Go"},
		"pitch": map[string]string{"problem": "P", "approach": "A", "result": "R"}})
	a.createProject(zoe, map[string]any{"title": "Secret draft"})

	r := a.expect(req{method: "GET", path: "/zoe/resume.json"}, 200)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	checkResume(t, r.body)
	if !strings.Contains(string(r.body), "Zoë Łukasiewicz") || strings.Contains(string(r.body), "Secret draft") {
		t.Errorf("resume.json:\n%s", r.body)
	}
	if page := a.expect(req{method: "GET", path: "/zoe/resume"}, 200); !strings.Contains(string(page.body), "<html") {
		t.Error("/zoe/resume is not the project page")
	}
	me := a.expect(req{method: "GET", path: "/api/v1/me/resume", token: zoe.token}, 200)
	checkResume(t, me.body)
	if !bytes.Equal(me.body, r.body) {
		t.Errorf("the API's export differs from the public one:\n%s\n%s", me.body, r.body)
	}
	a.expect(req{method: "GET", path: "/api/v1/me/resume"}, 401)
	a.expect(req{method: "GET", path: "/nobody/resume.json"}, 404)
}

func checkResume(t *testing.T, raw []byte) {
	t.Helper()
	var doc struct {
		Basics   struct{ Name string }
		Projects []struct {
			Name       string
			Highlights []string
		}
		Skills []struct{ Name string }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := resumeValidate(raw); err != nil {
		t.Fatalf("not valid JSON Resume: %v", err)
	}
	if len(doc.Projects) != 1 || doc.Projects[0].Name != "Resume" || !slices.Equal(doc.Projects[0].Highlights, []string{"P", "A", "R"}) ||
		len(doc.Skills) != 1 || doc.Skills[0].Name != "Go" {
		t.Errorf("resume: %+v", doc)
	}
}

func resumeValidate(raw []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	return resume.Validate(doc)
}
