package appearance

import (
	"strings"
	"testing"
)

func TestSanitizeCSS(t *testing.T) {
	tests := []struct {
		name, in string
		// keep must all be in the output; gone must all be absent.
		keep, gone []string
	}{
		{"plain rules kept", `h1 { color: red; font-size: 2rem } .card:hover{border-color:#123456}`,
			[]string{"h1", "color:red;", "font-size:2rem;", ".card:hover{border-color:#123456;}"}, nil},
		{"import url", `@import url(https://evil.example/x.css); h1{color:red}`, []string{"h1{color:red;}"}, []string{"@import", "evil"}},
		{"import string", `@import "https://evil.example/x.css"; p{margin:0}`, []string{"p{margin:0;}"}, []string{"import", "evil"}},
		{"import uppercase", `@IMPORT url(//evil.example/x.css);`, nil, []string{"evil", "IMPORT", "import"}},
		{"background url", `body{background:url(https://evil.example/p.png);color:blue}`, []string{"color:blue;"}, []string{"evil", "url("}},
		{"quoted url", `body{background:url("https://evil.example/p.png")}`, nil, []string{"evil"}},
		{"protocol relative", `body{background:url(//evil.example/p.png)}`, nil, []string{"evil"}},
		{"backslash host", `body{background:url("/\\evil.example/p.png")}`, nil, []string{"evil"}},
		{"escaped url function", `body{background:u\72l(https://evil.example/p.png)}`, nil, []string{"evil", `\72`}},
		{"escaped url function quoted", `body{background:u\72l("https://evil.example/p.png")}`, nil, []string{"evil"}},
		{"escaped target", `body{background:url(ht\74ps://evil.example/p.png)}`, nil, []string{"evil"}},
		{"image-set", `body{background-image:image-set("https://evil.example/a.png" 1x)}`, nil, []string{"evil"}},
		{"webkit image-set", `body{background-image:-webkit-image-set(url(https://evil.example/a.png) 1x)}`, nil, []string{"evil"}},
		{"font-face src", `@font-face{font-family:X;src:url(https://evil.example/f.woff2)}`, []string{"@font-face{", "font-family:X;"}, []string{"evil"}},
		{"data url", `body{background:url(data:image/png;base64,AAAA)}`, nil, []string{"data:"}},
		{"comments dropped", `/* url(https://evil.example/c) */ a{color:red}`, []string{"a{color:red;}"}, []string{"evil", "/*"}},
		{"comment splitting", `a{background:url(/*x*/https://evil.example/a)}`, nil, []string{"evil"}},
		{"style end tag", `</style><script>alert(1)</script> a{color:red}`, nil, []string{"</style", "<script", "<"}},
		{"style end in string", `a::after{content:"</style><script>"}`, []string{`\3c /style`}, []string{"</style", "<script"}},
		{"local url kept", `body{background:url(/media/abc/image) no-repeat}`, []string{"url(/media/abc/image)"}, nil},
		{"fragment kept", `svg{filter:url(#blur)}`, []string{"url(#blur)"}, nil},
		{"media kept", `@media (max-width: 40rem){h1{font-size:1rem}}`, []string{"@media", "h1{font-size:1rem;}"}, nil},
		{"media with evil inside", `@media screen{a{background:url(https://evil.example/x)}b{color:red}}`, []string{"@media", "b{color:red;}"}, []string{"evil"}},
		{"unknown at-rule skipped whole", `@document url-prefix(https://evil.example){a{color:red}} p{color:blue}`, []string{"p{color:blue;}"}, []string{"evil", "@document"}},
		{"custom property url", `:root{--x:url(https://evil.example/v.png)} a{background:var(--x)}`, []string{"var(--x)"}, []string{"evil"}},
		{"behavior", `a{behavior:url(/x.htc);-moz-binding:url(/x.xml#y);color:red}`, []string{"color:red;"}, []string{"behavior", "binding"}},
		{"expression", `a{width:expression(alert(1))}`, nil, []string{"expression"}},
		{"unclosed block", `a{color:red`, []string{"a{color:red;}"}, nil},
		{"stray closing braces", `}}} a{color:red}`, []string{"color:red;"}, nil},
		{"namespace", `@namespace svg url(https://evil.example/ns);`, nil, []string{"evil", "namespace"}},
		{"bad url", `a{background:url(https://evil.example/a b)}`, nil, []string{"evil"}},
		{"cross-fade", `a{background:cross-fade("https://evil.example/a.png", "/b.png", 50%)}`, nil, []string{"evil"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := SanitizeCSS(tt.in)
			for _, k := range tt.keep {
				if !strings.Contains(out, k) {
					t.Errorf("SanitizeCSS(%q) = %q, lost %q", tt.in, out, k)
				}
			}
			for _, g := range tt.gone {
				if strings.Contains(out, g) {
					t.Errorf("SanitizeCSS(%q) = %q, kept %q", tt.in, out, g)
				}
			}
			// The output is stable: sanitizing it again changes nothing.
			if again, dropped := SanitizeCSS(out); again != out || len(dropped) > 0 {
				t.Errorf("not idempotent: %q -> %q (dropped %v)", out, again, dropped)
			}
		})
	}
}

func TestSanitizeCSSReportsDrops(t *testing.T) {
	_, dropped := SanitizeCSS(`@import url(https://evil.example/x.css); body{background:url(https://evil.example/p.png)}`)
	if len(dropped) != 2 || !strings.Contains(dropped[0], "@import") || !strings.Contains(dropped[1], "evil.example/p.png") {
		t.Fatalf("dropped = %q", dropped)
	}
}
