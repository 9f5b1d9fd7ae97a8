package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestAppearanceAPIAndPublicPages(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada, bob := a.signUp("ada"), a.signUp("bob")
	a.createProject(ada, map[string]any{"title": "Orders API", "slug": "orders-api", "visibility": "public"})

	assertProblem(t, a.do(req{method: "GET", path: "/api/v1/me/appearance"}), 401, "unauthorized")
	assertProblem(t, a.do(req{method: "PUT", path: "/api/v1/me/appearance", body: map[string]any{"theme": "editorial"}}), 401, "unauthorized")
	got := a.expect(req{method: "GET", path: "/api/v1/me/appearance", token: ada.token}, 200).json(t)
	if got["theme"] != "studio" || got["color_mode"] != "auto" || got["language"] != "en" || got["accent"] != "" {
		t.Fatalf("defaults: %v", got)
	}

	// The page before any change: studio, following the system, no own stylesheet.
	page := string(a.expect(req{method: "GET", path: "/ada"}, 200).body)
	if !strings.Contains(page, `class="theme-studio mode-auto" data-font="inter"`) || strings.Contains(page, "/ada/style.css") {
		t.Fatalf("default look: %s", head(page))
	}

	// Yellow lacks contrast on the light editorial palette: adjusted, not refused.
	got = a.expect(req{method: "PUT", path: "/api/v1/me/appearance", token: ada.token, body: map[string]any{
		"theme": "editorial", "color_mode": "dark", "accent": "#FFFF00", "font": "jetbrains-mono",
		"custom_css": "@import url(https://evil.example/x.css);\nbody{background:url(https://evil.example/p.png)}\nh1{letter-spacing:-.03em}",
	}}, 200).json(t)
	light, dark := got["accent_light"].(map[string]any), got["accent_dark"].(map[string]any)
	if got["accent"] != "#ffff00" || light["adjusted"] != true || light["color"] == "#ffff00" || light["contrast"].(float64) < 4.5 ||
		dark["adjusted"] != false || dark["color"] != "#ffff00" {
		t.Fatalf("accent: %v", got)
	}
	if css := got["custom_css"].(string); strings.Contains(css, "evil") || !strings.Contains(css, "h1{letter-spacing:-.03em;}") {
		t.Fatalf("stored CSS %q", css)
	}
	if d := got["dropped"].([]any); len(d) != 2 {
		t.Fatalf("dropped %v", d)
	}
	// Bob's appearance is his own.
	if got := a.expect(req{method: "GET", path: "/api/v1/me/appearance", token: bob.token}, 200).json(t); got["theme"] != "studio" {
		t.Fatalf("bob sees %v", got)
	}

	// The pages follow at once (the cached ones too), with their stylesheet.
	for _, path := range []string{"/ada", "/ada/orders-api"} {
		r := a.expect(req{method: "GET", path: path}, 200)
		page := string(r.body)
		if !strings.Contains(page, `class="theme-editorial mode-dark" data-font="jetbrains-mono"`) ||
			!strings.Contains(page, `<link rel="stylesheet" href="/static/themes/editorial.css">`) ||
			!strings.Contains(page, `<link rel="preload" href="/static/fonts/jetbrains-mono-latin-400-normal.woff2" as="font" type="font/woff2" crossorigin>`) {
			t.Fatalf("%s look: %s", path, head(page))
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "font-src 'self'") ||
			path == "/ada" && !strings.Contains(csp, "style-src 'self';") {
			t.Fatalf("%s CSP %q", path, csp)
		}
	}
	if s := string(a.expect(req{method: "GET", path: "/bob"}, 200).body); !strings.Contains(s, "theme-studio") {
		t.Fatalf("bob's page: %s", head(s))
	}
	page = string(a.expect(req{method: "GET", path: "/ada"}, 200).body)
	link := regexp.MustCompile(`href="(/ada/style\.css\?v=\d+)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("no stylesheet link: %s", head(page))
	}
	r := a.expect(req{method: "GET", path: link[1]}, 200)
	css := string(r.body)
	if r.header.Get("Content-Type") != "text/css; charset=utf-8" || r.header.Get("X-Content-Type-Options") != "nosniff" ||
		r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("stylesheet headers %v", r.header)
	}
	if strings.Contains(css, "evil") || strings.Contains(css, "@import") || !strings.Contains(css, "--accent:#ffff00") ||
		!strings.Contains(css, "letter-spacing:-.03em") || !strings.Contains(css, light["color"].(string)) {
		t.Fatalf("stylesheet %q", css)
	}
	// An old version's link is cached briefly only; an unknown handle is a 404.
	if r := a.expect(req{method: "GET", path: "/ada/style.css?v=1"}, 200); r.header.Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("stale version cache %q", r.header.Get("Cache-Control"))
	}
	a.expect(req{method: "GET", path: "/nobody/style.css"}, 404)

	// Refusals, each naming its field; nothing changes.
	for field, body := range map[string]map[string]any{
		"theme":      {"theme": "brutalist"},
		"color_mode": {"color_mode": "sepia"},
		"accent":     {"accent": "tomato"},
		"font":       {"font": "comic-sans"},
		"custom_css": {"custom_css": strings.Repeat("a{color:red}", 2000)},
		"language":   {"language": "<script>"},
	} {
		r := a.expect(req{method: "PUT", path: "/api/v1/me/appearance", token: ada.token, body: body}, 422)
		if msg := r.fieldErrors(t)[field]; msg == "" {
			t.Fatalf("%s: %s", field, r.body)
		}
	}
	if got := a.expect(req{method: "GET", path: "/api/v1/me/appearance", token: ada.token}, 200).json(t); got["theme"] != "editorial" {
		t.Fatalf("a refused PUT changed the settings: %v", got)
	}
	if r := a.expect(req{method: "GET", path: "/static/fonts/inter-latin-400-normal.woff2"}, 200); r.header.Get("Content-Type") != "font/woff2" || len(r.body) < 10000 {
		t.Fatalf("font: %v %d bytes", r.header, len(r.body))
	}
}

func TestAppearanceDashboardPage(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ada := a.signUp("ada")
	csrf := ada.login.json(t)["csrf_token"].(string)
	cookie := "folio_session=" + ada.token
	form := func(path string, values url.Values) response {
		return a.do(req{method: "POST", path: path, body: values.Encode(),
			headers: map[string]string{"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}})
	}

	if r := a.do(req{method: "GET", path: "/dashboard/appearance"}); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("anonymous: %d %v", r.status, r.header)
	}
	page := string(a.expect(req{method: "GET", path: "/dashboard/appearance", headers: map[string]string{"Cookie": cookie}}, 200).body)
	for _, want := range []string{`name="_csrf" value="` + csrf, `value="spotlight"`, `value="source-serif-4"`, `name="custom_css"`, `formaction="/dashboard/appearance/preview"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("page lacks %q", want)
		}
	}
	if !strings.Contains(string(a.expect(req{method: "GET", path: "/dashboard", headers: map[string]string{"Cookie": cookie}}, 200).body), `href="/dashboard/appearance"`) {
		t.Fatal("the dashboard does not link the appearance page")
	}
	settings := url.Values{"theme": {"spotlight"}, "color_mode": {"light"}, "accent": {"#0a7f3f"}, "font": {"source-serif-4"},
		"custom_css": {"body{background:url(//evil.example/p.png)} h2{color:green}"}}
	if r := form("/dashboard/appearance", settings); r.status != 403 {
		t.Fatalf("a form without the CSRF field: %d", r.status)
	}
	if r := form("/dashboard/appearance/preview", settings); r.status != 403 {
		t.Fatalf("a preview without the CSRF field: %d", r.status)
	}
	settings.Set("_csrf", csrf)

	// The preview: the owner's portfolio in the unsaved look, never indexed
	// or cached; nothing saved.
	r := form("/dashboard/appearance/preview", settings)
	if r.status != 200 {
		t.Fatalf("preview: %d %s", r.status, r.body)
	}
	prev := string(r.body)
	styleRef := regexp.MustCompile(`href="(/dashboard/appearance/preview\.css\?d=[0-9a-f]+)"`).FindStringSubmatch(prev)
	if !strings.Contains(prev, `class="theme-spotlight mode-light" data-font="source-serif-4"`) || !strings.Contains(prev, `data-testid="preview-banner"`) ||
		!strings.Contains(prev, `<meta name="robots" content="noindex">`) || styleRef == nil || !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
		t.Fatalf("preview: %s", head(prev))
	}
	css := a.expect(req{method: "GET", path: styleRef[1], headers: map[string]string{"Cookie": cookie}}, 200)
	if !strings.Contains(string(css.body), "--accent:#0a7f3f") || !strings.Contains(string(css.body), "h2{color:green;}") || strings.Contains(string(css.body), "evil") {
		t.Fatalf("preview stylesheet %q", css.body)
	}
	if r := a.do(req{method: "GET", path: styleRef[1]}); r.status != 303 {
		t.Fatalf("anonymous preview stylesheet: %d", r.status)
	}
	if s := string(a.expect(req{method: "GET", path: "/ada"}, 200).body); !strings.Contains(s, "theme-studio") {
		t.Fatalf("the preview changed the public page: %s", head(s))
	}

	// Saving: the dropped URL is reported, the public page follows.
	r = form("/dashboard/appearance", settings)
	if r.status != 200 || !strings.Contains(string(r.body), `data-testid="css-dropped"`) || !strings.Contains(string(r.body), "evil.example") {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	if s := string(a.expect(req{method: "GET", path: "/ada"}, 200).body); !strings.Contains(s, `class="theme-spotlight mode-light" data-font="source-serif-4"`) {
		t.Fatalf("after saving: %s", head(s))
	}
	// An invalid form shows the errors, saves nothing.
	bad := url.Values{"_csrf": {csrf}, "theme": {"nope"}, "color_mode": {"auto"}, "accent": {"green"}}
	if r := form("/dashboard/appearance", bad); r.status != 422 || !strings.Contains(string(r.body), `data-testid="appearance-errors"`) {
		t.Fatalf("invalid form: %d", r.status)
	}
	// A clean save redirects.
	settings.Set("custom_css", "h2{color:green}")
	if r := form("/dashboard/appearance", settings); r.status != 303 || r.header.Get("Location") != "/dashboard/appearance?saved=1" {
		t.Fatalf("clean save: %d %v", r.status, r.header)
	}
}

// head is the start of a page, for failure messages.
func head(s string) string {
	if i := strings.Index(s, "</head>"); i > 0 {
		return s[:i]
	}
	return s
}
