package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/testenv"
)

// accountFootprint gives acct a bit of everything an account can hold:
// a public project with a ready screenshot and API docs, an avatar, an
// application with a share link, an API token, analytics and rollups, and
// tasks waiting in the queues that name its media and project.
func (m *mediaAPI) accountFootprint(acct account) (projectID int64, mediaIDs []int64) {
	m.t.Helper()
	ctx := context.Background()
	p := m.createProject(acct, map[string]any{"title": "Pets of " + acct.handle, "visibility": "public"})
	shot := m.uploadFile(acct.token, p.ID, "screenshot", testenv.Image(m.t, 120, 80, ".png"))
	if shot.status != 201 && shot.status != 202 {
		m.t.Fatalf("screenshot upload: %d %s", shot.status, shot.body)
	}
	mid := id(shot.json(m.t))
	if got := m.waitFor(acct.token, mid); got["status"] != "ready" {
		m.t.Fatalf("screenshot %v", got)
	}
	avatar := m.uploadAvatar(acct)
	if r := m.postDocs(acct.token, p.ID, "application/yaml", testdataFile(m.t, "specs/petstore-v2.yaml")); r.status != 202 {
		m.t.Fatalf("API docs: %d %s", r.status, r.body)
	}
	if d := m.waitDocs(acct.token, p.ID); d["status"] != "ready" {
		m.t.Fatalf("API docs %v", d)
	}
	app := m.createApplication(acct, map[string]any{"company": "Initech " + acct.handle, "role": "Backend"})
	m.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/applications/%d/share-links", app.ID), token: acct.token,
		body: map[string]any{"label": "for Initech"}}, 201)
	m.expect(req{method: "POST", path: "/api/v1/tokens", token: acct.token, body: map[string]string{"name": "ci"}}, 201)
	m.exportArchive(acct)
	for _, q := range []string{
		`INSERT INTO analytics_events (occurred_at, owner_id, project_id, kind, visitor_id) VALUES (now(), ?, ?, 'view', 42)`,
		`INSERT INTO analytics_daily (owner_id, day, project_id, kind, events, visitors) VALUES (?, current_date, ?, 'view', 1, 1)`,
	} {
		if _, err := m.db.ExecContext(ctx, q, acct.id, p.ID); err != nil {
			m.t.Fatal(err)
		}
	}
	// Work still waiting: a retry of the media's processing an hour from
	// now, and a demo check of the project.
	var key string
	if err := m.db.NewRaw(`SELECT public_key FROM media WHERE id = ?`, mid).Scan(ctx, &key); err != nil {
		m.t.Fatal(err)
	}
	client := asynq.NewClientFromRedisClient(m.rdb)
	task, _ := queue.NewMediaProcessTask(mid, key+"-later", "")
	if _, err := client.Enqueue(task, asynq.ProcessIn(time.Hour)); err != nil {
		m.t.Fatal(err)
	}
	check, _ := queue.NewDemoCheckTask(p.ID, time.Now(), time.Hour, 2*time.Hour)
	if _, err := client.Enqueue(check); err != nil {
		m.t.Fatal(err)
	}
	return p.ID, []int64{mid, avatar}
}

// uploadAvatar gives acct a ready portrait and returns its media id.
func (m *mediaAPI) uploadAvatar(acct account) int64 {
	m.t.Helper()
	f, err := os.Open(testenv.Image(m.t, 64, 64, ".png"))
	if err != nil {
		m.t.Fatal(err)
	}
	defer f.Close()
	r := m.upload(acct.token, "/api/v1/me/avatar", f, "image/png", false)
	if r.status != 201 {
		m.t.Fatalf("avatar: %d %s", r.status, r.body)
	}
	mid := id(r.json(m.t))
	if got := m.waitFor(acct.token, mid); got["status"] != "ready" {
		m.t.Fatalf("avatar %v", got)
	}
	return mid
}

// leftovers lists every row of every table in the public schema that
// names the account: by its address or handle anywhere in the row, or by
// its ids in a column that holds user, project or media ids.
func (m *mediaAPI) leftovers(acct account, projectID int64, mediaIDs []int64) []string {
	m.t.Helper()
	ctx := context.Background()
	var tables []string
	if err := m.db.NewRaw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`).
		Scan(ctx, &tables); err != nil {
		m.t.Fatal(err)
	}
	var out []string
	for _, tbl := range tables {
		var n int
		if err := m.db.NewRaw(fmt.Sprintf(`SELECT count(*) FROM %q t WHERE t::text ILIKE ? OR t::text ILIKE ?`, tbl),
			"%"+acct.email+"%", "%"+acct.handle+"%").Scan(ctx, &n); err != nil {
			m.t.Fatalf("%s: %v", tbl, err)
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s: %d rows name the address or handle", tbl, n))
		}
	}
	var cols []struct{ Table, Column string }
	if err := m.db.NewRaw(`SELECT c.table_name AS "table", c.column_name AS "column" FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = 'bigint'
		  AND (c.column_name IN ('owner_id', 'user_id', 'project_id', 'media_id', 'avatar_media_id') OR (c.table_name IN ('users', 'projects', 'media') AND c.column_name = 'id'))`).
		Scan(ctx, &cols); err != nil {
		m.t.Fatal(err)
	}
	for _, c := range cols {
		ids := []int64{acct.id}
		switch {
		case c.Column == "project_id" || (c.Table == "projects" && c.Column == "id"):
			ids = []int64{projectID}
		case strings.Contains(c.Column, "media") || (c.Table == "media" && c.Column == "id"):
			ids = mediaIDs
		}
		var n int
		if err := m.db.NewRaw(fmt.Sprintf(`SELECT count(*) FROM %q WHERE %q = ANY (?)`, c.Table, c.Column), pgArray(ids)).Scan(ctx, &n); err != nil {
			m.t.Fatalf("%s.%s: %v", c.Table, c.Column, err)
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s.%s: %d rows", c.Table, c.Column, n))
		}
	}
	return out
}

func pgArray(ids []int64) string {
	s := make([]string, len(ids))
	for i, v := range ids {
		s[i] = fmt.Sprint(v)
	}
	return "{" + strings.Join(s, ",") + "}"
}

// queuedTasks lists every task of every queue in every state but active,
// by id, with its payload.
func (m *mediaAPI) queuedTasks() map[string]string {
	m.t.Helper()
	out := map[string]string{}
	qs, err := m.inspector.Queues()
	if err != nil {
		m.t.Fatal(err)
	}
	for _, q := range qs {
		for _, list := range []func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){
			m.inspector.ListPendingTasks, m.inspector.ListScheduledTasks, m.inspector.ListRetryTasks,
			m.inspector.ListArchivedTasks, m.inspector.ListCompletedTasks,
		} {
			ts, err := list(q, asynq.PageSize(1000))
			if err != nil {
				m.t.Fatal(err)
			}
			for _, t := range ts {
				out[t.ID] = t.Type + " " + string(t.Payload)
			}
		}
	}
	return out
}

func TestAccountDeletionLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	m := newMediaAPI(t, mediaConfig{})
	ctx := context.Background()
	// Handles that hex (of hashes, in a row's text) cannot spell.
	ada, bob := m.signUp("ada-lovelace"), m.signUp("bob-kowalski")
	adaProject, adaMedia := m.accountFootprint(ada)
	bobProject, bobMedia := m.accountFootprint(bob)
	var adaFolders []string
	if err := m.db.NewRaw(`SELECT DISTINCT split_part(original_key, '/', 1) || '/' || split_part(original_key, '/', 2) || '/' FROM media WHERE owner_id = ?
		UNION SELECT 'apidocs/' || a.key || '/' FROM apidocs a JOIN projects p ON p.id = a.project_id WHERE p.owner_id = ?
		UNION SELECT 'archives/' || key || '/' FROM archive_exports WHERE owner_id = ?`, ada.id, ada.id, ada.id).Scan(ctx, &adaFolders); err != nil {
		t.Fatal(err)
	}
	if len(adaFolders) != 4 {
		t.Fatalf("ada's folders %v, want her screenshot's, avatar's, API docs' and archive's", adaFolders)
	}
	// A PDF portfolio of each, where the worker keeps them.
	for _, acct := range []account{ada, bob} {
		var u folio.User
		if err := m.db.NewRaw("SELECT id, created_at, content_version FROM users WHERE id = ?", acct.id).Scan(ctx, &u.ID, &u.CreatedAt, &u.ContentVersion); err != nil {
			t.Fatal(err)
		}
		pdf := filepath.Join(t.TempDir(), "portfolio.pdf")
		if err := os.WriteFile(pdf, []byte("%PDF-1.7 stand-in"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := m.store.PutFile(ctx, portfoliopdf.Key(&u, u.ContentVersion, portfoliopdf.A4), pdf, "application/pdf"); err != nil {
			t.Fatal(err)
		}
		// And a social card, where the worker keeps them.
		if _, err := m.store.PutFile(ctx, socialcard.PortfolioKey(&u, u.ContentVersion), pdf, "image/png"); err != nil {
			t.Fatal(err)
		}
		if acct.id == ada.id {
			adaFolders = append(adaFolders, portfoliopdf.Prefix(&u), socialcard.Prefix(&u))
		}
	}
	var bobKeys []string
	for _, k := range m.keys("") {
		if !slices.ContainsFunc(adaFolders, func(f string) bool { return strings.HasPrefix(k, f) }) {
			bobKeys = append(bobKeys, k)
		}
	}
	for _, f := range adaFolders {
		if len(m.keys(f)) == 0 {
			t.Fatalf("nothing stored under %s before the deletion", f)
		}
	}

	// Refused: anonymous, without or with a wrong password; the account stays.
	assertProblem(t, m.do(req{method: "DELETE", path: "/api/v1/me", body: map[string]string{"password": "correct horse battery"}}), 401, "unauthorized")
	r := m.do(req{method: "DELETE", path: "/api/v1/me", token: ada.token, body: map[string]string{"password": "wrong horse battery"}})
	assertProblem(t, r, 422, "invalid")
	if _, ok := r.fieldErrors(t)["password"]; !ok {
		t.Errorf("a wrong password should name the field: %s", r.body)
	}
	assertProblem(t, m.do(req{method: "DELETE", path: "/api/v1/me", token: ada.token, body: map[string]string{}}), 422, "invalid")
	m.me(ada.token)

	r = m.expect(req{method: "DELETE", path: "/api/v1/me", token: ada.token, body: map[string]string{"password": "correct horse battery"}}, 204)
	if len(r.body) != 0 {
		t.Errorf("the deletion answers a body: %s", r.body)
	}
	assertProblem(t, m.do(req{method: "GET", path: "/api/v1/me", token: ada.token}), 401, "unauthorized")

	// PostgreSQL: no row of any table names her.
	if left := m.leftovers(ada, adaProject, adaMedia); len(left) > 0 {
		t.Errorf("rows left of the deleted account:\n%s", strings.Join(left, "\n"))
	}
	// MinIO: the bucket holds bob's objects and nothing else.
	for _, f := range adaFolders {
		if keys := m.keys(f); len(keys) > 0 {
			t.Errorf("objects left under %s: %v", f, keys)
		}
	}
	if got := m.keys(""); !slices.Equal(got, bobKeys) {
		t.Errorf("bucket after the deletion:\n%v\nwant bob's alone:\n%v", got, bobKeys)
	}
	// The queues: nothing names her media, project or keys; bob's stay.
	tasks := m.queuedTasks()
	bobLeft := 0
	for id, desc := range tasks {
		var p struct {
			ProjectID int64 `json:"project_id"`
			MediaID   int64 `json:"media_id"`
		}
		_ = json.Unmarshal([]byte(desc[strings.Index(desc, " ")+1:]), &p)
		if p.ProjectID == adaProject || slices.Contains(adaMedia, p.MediaID) {
			t.Errorf("task %s (%s) of the deleted account is still queued", id, desc)
		}
		if p.ProjectID == bobProject || slices.Contains(bobMedia, p.MediaID) {
			bobLeft++
		}
	}
	if bobLeft < 2 {
		t.Errorf("bob's waiting tasks were removed too: %v", tasks)
	}
	// Bob is untouched.
	if me := m.me(bob.token); me["handle"] != bob.handle {
		t.Errorf("bob after ada's deletion: %v", me)
	}
	if left := m.leftovers(bob, bobProject, bobMedia); len(left) == 0 {
		t.Error("bob's rows are gone too")
	}
}

func TestDashboardDangerZoneDeletesTheAccountOnlyWhenConfirmed(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada-lovelace"), a.signUp("bob-kowalski")
	csrf := csrfOf(t, ada)
	if r := a.do(req{method: "GET", path: "/dashboard/account"}); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("anonymous page: %d %q, want 303 to /login", r.status, r.header.Get("Location"))
	}
	page := a.page(ada, "/dashboard/account")
	if page.status != 200 || !strings.Contains(string(page.body), `data-testid="danger-zone"`) || !strings.Contains(string(page.body), csrf) {
		t.Fatalf("account page: %d %s", page.status, page.body)
	}
	for _, tc := range []struct {
		name   string
		values url.Values
		status int
	}{
		{"no CSRF token", url.Values{"confirm": {ada.handle}, "password": {"correct horse battery"}}, 403},
		{"another session's CSRF token", url.Values{"_csrf": {csrfOf(t, bob)}, "confirm": {ada.handle}, "password": {"correct horse battery"}}, 403},
		{"handle not typed", url.Values{"_csrf": {csrf}, "confirm": {"ada"}, "password": {"correct horse battery"}}, 422},
		{"wrong password", url.Values{"_csrf": {csrf}, "confirm": {ada.handle}, "password": {"wrong horse battery"}}, 422},
	} {
		if r := a.form(ada, "/dashboard/account/delete", tc.values); r.status != tc.status {
			t.Fatalf("%s: status %d, want %d", tc.name, r.status, tc.status)
		}
	}
	a.me(ada.token)
	r := a.form(ada, "/dashboard/account/delete", url.Values{"_csrf": {csrf}, "confirm": {ada.handle}, "password": {"correct horse battery"}})
	if r.status != 200 || !strings.Contains(string(r.body), "account is deleted") {
		t.Fatalf("deletion: %d %s", r.status, r.body)
	}
	if c := r.header.Values("Set-Cookie"); len(c) == 0 || !strings.Contains(strings.Join(c, ";"), "folio_session=;") {
		t.Errorf("the session cookie is not cleared: %v", c)
	}
	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me", token: ada.token}), 401, "unauthorized")
	a.me(bob.token)
	var n int
	if err := a.db.NewRaw(`SELECT count(*) FROM users WHERE id = ?`, ada.id).Scan(context.Background(), &n); err != nil || n != 0 {
		t.Fatalf("ada's row: %d, %v", n, err)
	}
}
