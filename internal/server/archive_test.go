package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/api"
	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/testenv"
)

// poll GETs path until done says so, failing after a deadline.
func (m *mediaAPI) poll(token, path string, done func(map[string]any) bool) map[string]any {
	m.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got := m.expect(req{method: "GET", path: path, token: token}, 200).json(m.t)
		if done(got) {
			return got
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("%s still %v after 2 minutes", path, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func finished(m map[string]any) bool {
	s := m["status"]
	return s == "ready" || s == "done" || s == "failed"
}

// exportArchive builds acct's archive and downloads it through its
// presigned URL, as a browser would.
func (m *mediaAPI) exportArchive(acct account) []byte {
	m.t.Helper()
	e := m.expect(req{method: "POST", path: "/api/v1/me/archive/exports", token: acct.token}, 202).json(m.t)
	got := m.poll(acct.token, fmt.Sprintf("/api/v1/me/archive/exports/%d", id(e)), finished)
	if got["status"] != "ready" {
		m.t.Fatalf("export %v", got)
	}
	u, _ := got["download_url"].(string)
	if !strings.HasPrefix(u, "http://") {
		m.t.Fatalf("export without a download URL: %v", got)
	}
	resp, err := http.Get(u)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || int64(len(b)) != int64(got["size_bytes"].(float64)) {
		m.t.Fatalf("download: %d, %d bytes, want %v", resp.StatusCode, len(b), got["size_bytes"])
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		m.t.Errorf("download Content-Disposition %q", cd)
	}
	return b
}

// importArchive uploads zip into acct's account and waits for the import.
func (m *mediaAPI) importArchive(acct account, zipBytes []byte) map[string]any {
	m.t.Helper()
	r := m.upload(acct.token, "/api/v1/me/archive/imports", bytes.NewReader(zipBytes), "application/zip", false)
	if r.status != 202 {
		m.t.Fatalf("import upload: %d %s", r.status, r.body)
	}
	return m.poll(acct.token, fmt.Sprintf("/api/v1/me/archive/imports/%d", id(r.json(m.t))), finished)
}

func (m *mediaAPI) projects(acct account) []api.ProjectResponse {
	m.t.Helper()
	var list api.ProjectList
	if err := json.Unmarshal(m.expect(req{method: "GET", path: "/api/v1/projects?limit=100", token: acct.token}, 200).body, &list); err != nil {
		m.t.Fatal(err)
	}
	slices.SortFunc(list.Items, func(a, b api.ProjectResponse) int { return strings.Compare(a.Slug, b.Slug) })
	return list.Items
}

// mediaStatuses is the owner's media as "project-slug/kind/filename status".
func (m *mediaAPI) mediaStatuses(acct account) []string {
	m.t.Helper()
	var out []string
	if err := m.db.NewRaw(`SELECT coalesce(p.slug, '-') || '/' || m.kind || '/' || m.filename || ' ' || m.status FROM media m
		LEFT JOIN projects p ON p.id = m.project_id WHERE m.owner_id = ? ORDER BY 1`, acct.id).Scan(context.Background(), &out); err != nil {
		m.t.Fatal(err)
	}
	return out
}

func (m *mediaAPI) waitMediaReady(acct account) []string {
	m.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st := m.mediaStatuses(acct)
		if !slices.ContainsFunc(st, func(s string) bool { return !strings.HasSuffix(s, " ready") && !strings.HasSuffix(s, " failed") }) {
			return st
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("media still processing: %v", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func rezip(t *testing.T, src []byte, change func(name string, body []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.Create(f.Name)
		w.Write(change(f.Name, b))
	}
	zw.Close()
	return out.Bytes()
}

func TestArchiveRoundTripBetweenTwoInstances(t *testing.T) {
	t.Parallel()
	src, dst := newMediaAPI(t, mediaConfig{}), newMediaAPI(t, mediaConfig{})
	ctx := context.Background()

	ada := src.signUp("ada-lovelace")
	src.expect(req{method: "PATCH", path: "/api/v1/me", token: ada.token, body: map[string]any{
		"display_name": "Ada Lovelace", "headline": "Backend engineer", "bio": "I write *engines*.", "location": "London"}}, 200)
	orders := src.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public", "tagline": "Orders, fast",
		"tech_tags": []string{"go", "postgresql"}, "pitch": map[string]any{"problem": "Slow orders"}})
	feeds := src.createProject(ada, map[string]any{"title": "Feeds", "visibility": "public"})
	src.createProject(ada, map[string]any{"title": "Secret draft"})
	if r := src.uploadFile(ada.token, orders.ID, "screenshot", testenv.Image(t, 160, 90, ".png")); r.status/100 != 2 {
		t.Fatalf("screenshot: %d %s", r.status, r.body)
	}
	if r := src.uploadFile(ada.token, feeds.ID, "screencast", testenv.Video(t, 160, 120, 1)); r.status/100 != 2 {
		t.Fatalf("screencast: %d %s", r.status, r.body)
	}
	if r := src.postDocs(ada.token, orders.ID, "application/yaml", testdataFile(t, "specs/petstore-v2.yaml")); r.status != 202 {
		t.Fatalf("API docs: %d %s", r.status, r.body)
	}
	srcDocs := src.waitDocs(ada.token, orders.ID)
	src.uploadAvatar(ada)
	src.expect(req{method: "PUT", path: "/api/v1/me/featured", token: ada.token, body: map[string]any{"project_ids": []int64{feeds.ID, orders.ID}}}, 200)
	srcMedia := src.waitMediaReady(ada)
	app := src.createApplication(ada, map[string]any{"company": "Initech", "role": "Backend"})
	src.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/applications/%d/share-links", app.ID), token: ada.token, body: map[string]any{"label": "for Initech"}}, 201)

	zipBytes := src.exportArchive(ada)

	// The archive: a manifest that lists every other entry, the document,
	// the originals and the API docs source, and no share link token.
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := archive.Verify(zr, archive.DefaultLimits)
	if err != nil {
		t.Fatalf("the export does not verify: %v", err)
	}
	if len(v.Manifest.Entries) != 5 || v.Document.Profile.Avatar == nil || len(v.Document.Projects) != 3 || len(v.Document.Applications) != 1 ||
		len(v.Document.Applications[0].ShareLinks) != 1 || !slices.Equal(v.Document.Featured, []int64{feeds.ID, orders.ID}) {
		t.Errorf("archive manifest %+v, document %+v", v.Manifest.Entries, v.Document)
	}
	var token string
	if err := src.db.NewRaw(`SELECT token FROM share_links`).Scan(ctx, &token); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(zipBytes, []byte(token)) || bytes.Contains(zipBytes, []byte("password_hash")) {
		t.Error("the archive holds a share link token or a password hash")
	}

	// Another owner cannot see the export.
	bob := src.signUp("bob-kowalski")
	var exportID int64
	if err := src.db.NewRaw(`SELECT id FROM archive_exports WHERE owner_id = ?`, ada.id).Scan(ctx, &exportID); err != nil {
		t.Fatal(err)
	}
	assertProblem(t, src.do(req{method: "GET", path: fmt.Sprintf("/api/v1/me/archive/exports/%d", exportID), token: bob.token}), 404, "not_found")

	// Imported into a new account of another instance.
	zoe := dst.signUp("zoe-imported")
	im := dst.importArchive(zoe, zipBytes)
	if im["status"] != "done" || im["projects"] != 3.0 {
		t.Fatalf("import %v", im)
	}
	me := dst.me(zoe.token)
	if me["handle"] != zoe.handle || me["display_name"] != "Ada Lovelace" || me["headline"] != "Backend engineer" || me["location"] != "London" {
		t.Errorf("imported profile %v", me)
	}
	got, want := dst.projects(zoe), src.projects(ada)
	if len(got) != len(want) {
		t.Fatalf("imported projects %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Slug != w.Slug || g.Title != w.Title || g.Tagline != w.Tagline || g.Visibility != w.Visibility || !slices.Equal(g.TechTags, w.TechTags) ||
			(g.FeaturedRank == nil) != (w.FeaturedRank == nil) || (g.FeaturedRank != nil && *g.FeaturedRank != *w.FeaturedRank) {
			t.Errorf("imported project %+v, want %+v", g, w)
		}
	}
	if dstMedia := dst.waitMediaReady(zoe); !slices.Equal(dstMedia, srcMedia) || len(dstMedia) != 3 {
		t.Errorf("imported media %v, want %v", dstMedia, srcMedia)
	}
	var avatar string
	if err := dst.db.NewRaw(`SELECT m.status FROM users u JOIN media m ON m.id = u.avatar_media_id WHERE u.id = ?`, zoe.id).Scan(ctx, &avatar); err != nil || avatar != "ready" {
		t.Errorf("imported profile's portrait: %q, %v", avatar, err)
	}
	var dstOrders int64
	for _, p := range got {
		if p.Slug == orders.Slug {
			dstOrders = p.ID
		}
	}
	if d := dst.waitDocs(zoe.token, dstOrders); d["status"] != "ready" || d["title"] != srcDocs["title"] || d["operations"] != srcDocs["operations"] {
		t.Errorf("imported API docs %v, want %v", d, srcDocs)
	}

	// Importing it again adds nothing.
	keysBefore := dst.keys("")
	if again := dst.importArchive(zoe, zipBytes); again["status"] != "done" || again["projects"] != 0.0 {
		t.Errorf("second import %v", again)
	}
	if n := len(dst.projects(zoe)); n != 3 {
		t.Errorf("%d projects after a second import, want 3", n)
	}

	// Tampered or foreign archives are refused with a reason, and leave
	// nothing: no rows, no objects.
	tampered := rezip(t, zipBytes, func(name string, b []byte) []byte {
		if strings.HasPrefix(name, "media/") {
			b = append([]byte{}, b...)
			b[len(b)/2] ^= 0xff
		}
		return b
	})
	foreign := rezip(t, zipBytes, func(name string, b []byte) []byte {
		if name == archive.ManifestName {
			return bytes.Replace(b, []byte(archive.Format), []byte("something-else"), 1)
		}
		return b
	})
	var traversal bytes.Buffer
	zw := zip.NewWriter(&traversal)
	w, _ := zw.Create("../../etc/passwd")
	w.Write([]byte("root"))
	zw.Close()
	fresh := dst.signUp("fresh-account")
	for _, tc := range []struct {
		name, reason string
		zip          []byte
	}{
		{"tampered", "does not match its manifest", tampered},
		{"foreign", "not a Folio account archive", foreign},
		{"path traversal", "unsafe path", traversal.Bytes()},
		{"not a zip", "not a zip", []byte("hello")},
	} {
		r := dst.importArchive(fresh, tc.zip)
		if r["status"] != "failed" || !strings.Contains(fmt.Sprint(r["error"]), tc.reason) {
			t.Errorf("%s archive: %v, want failed saying %q", tc.name, r, tc.reason)
		}
	}
	if n := len(dst.projects(fresh)); n != 0 {
		t.Errorf("refused imports left %d projects", n)
	}
	if keys := dst.keys(""); !slices.Equal(keys, keysBefore) {
		t.Errorf("objects after the refused imports:\n%v\nwant:\n%v", keys, keysBefore)
	}
	// Another owner cannot see zoe's import.
	var importID int64
	if err := dst.db.NewRaw(`SELECT min(id) FROM archive_imports WHERE owner_id = ?`, zoe.id).Scan(ctx, &importID); err != nil {
		t.Fatal(err)
	}
	assertProblem(t, dst.do(req{method: "GET", path: fmt.Sprintf("/api/v1/me/archive/imports/%d", importID), token: fresh.token}), 404, "not_found")
}

// importForm posts the dashboard's import form: fields in order, the
// archive last.
func (m *mediaAPI) importForm(acct account, csrf string, zipBytes []byte) response {
	m.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		mw.WriteField("_csrf", csrf)
	}
	fw, _ := mw.CreateFormFile("archive", "folio-archive.zip")
	fw.Write(zipBytes)
	mw.Close()
	return m.do(req{method: "POST", path: "/dashboard/account/import", body: body.Bytes(), headers: map[string]string{
		"Cookie": "folio_session=" + acct.token, "Content-Type": mw.FormDataContentType()}})
}

func TestDashboardExportsDownloadsAndImportsArchives(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ctx := context.Background()
	ada, bob := m.signUp("ada-lovelace"), m.signUp("bob-kowalski")
	m.createProject(ada, map[string]any{"title": "Orders API", "visibility": "public"})
	csrf := csrfOf(t, ada)

	if r := m.form(ada, "/dashboard/account/export", url.Values{}); r.status != 403 {
		t.Fatalf("export without the CSRF token: %d", r.status)
	}
	r := m.form(ada, "/dashboard/account/export", url.Values{"_csrf": {csrf}})
	if r.status != 303 || r.header.Get("Location") != "/dashboard/account?done=export" {
		t.Fatalf("export form: %d %q", r.status, r.header.Get("Location"))
	}
	var exportID int64
	if err := m.db.NewRaw(`SELECT id FROM archive_exports WHERE owner_id = ?`, ada.id).Scan(ctx, &exportID); err != nil {
		t.Fatal(err)
	}
	m.poll(ada.token, fmt.Sprintf("/api/v1/me/archive/exports/%d", exportID), finished)
	page := m.page(ada, "/dashboard/account")
	download := fmt.Sprintf("/dashboard/account/exports/%d/download", exportID)
	if page.status != 200 || !strings.Contains(string(page.body), download) {
		t.Fatalf("account page without the download link: %d %s", page.status, page.body)
	}
	r = m.page(ada, download)
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "http://") {
		t.Fatalf("download: %d %q", r.status, r.header.Get("Location"))
	}
	resp, err := http.Get(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	zipBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(zipBytes, []byte("PK")) {
		t.Fatalf("presigned download: %d, %d bytes", resp.StatusCode, len(zipBytes))
	}
	// Another owner's export is not found, nor is an unknown one.
	if r := m.page(bob, download); r.status != 404 {
		t.Errorf("bob downloads ada's export: %d", r.status)
	}

	// Import through the form: refused without the session's token
	// before the file is stored, accepted with it.
	keys := m.keys("archives/")
	if r := m.importForm(bob, csrf, zipBytes); r.status != 403 {
		t.Errorf("import with another session's token: %d", r.status)
	}
	if r := m.importForm(bob, "", zipBytes); r.status != 403 {
		t.Errorf("import without a token: %d", r.status)
	}
	if got := m.keys("archives/"); !slices.Equal(got, keys) {
		t.Errorf("a refused form stored %v", got)
	}
	r = m.importForm(bob, csrfOf(t, bob), zipBytes)
	if r.status != 303 || r.header.Get("Location") != "/dashboard/account?done=import" {
		t.Fatalf("import form: %d %q %s", r.status, r.header.Get("Location"), r.body)
	}
	deadline := time.Now().Add(time.Minute)
	for len(m.projects(bob)) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the imported project never appeared")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if page := m.page(bob, "/dashboard/account"); !strings.Contains(string(page.body), "done") {
		t.Errorf("bob's page does not list the import: %s", page.body)
	}
}
