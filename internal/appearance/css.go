package appearance

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// SanitizeCSS rewrites an owner's custom CSS, token by token through a CSS
// parser, keeping style rules and the grouping at-rules (@media, @supports,
// @layer, @keyframes, @font-face) and dropping what could load anything
// from another host or end the stylesheet early:
//
//   - every statement at-rule (@import, @charset, @namespace) and every
//     other block at-rule;
//   - every declaration with url(), src(), image-set() or a similar
//     function whose target is not a path on this host ("/..." or
//     "#id"; absolute, protocol-relative and data: URLs are dropped),
//     or with a function whose name is escaped (u\72l() is url());
//   - comments, and properties that run code in old browsers (behavior,
//     -moz-binding, expression()).
//
// It returns the CSS kept and, for the owner, what was dropped.
func SanitizeCSS(src string) (string, []string) {
	var out bytes.Buffer
	var dropped []string
	drop := func(format string, args ...any) {
		if len(dropped) < 20 {
			dropped = append(dropped, fmt.Sprintf(format, args...))
		}
	}
	p := css.NewParser(parse.NewInputString(src), false)
	// open tracks the blocks begun: true for one written out, false for
	// one skipped (whose content is skipped too).
	var open []bool
	skipping := func() bool {
		for _, o := range open {
			if !o {
				return true
			}
		}
		return false
	}
	// Every grammar consumes a token at least; the bound is a guard.
	for steps := 0; steps < 4*len(src)+16; steps++ {
		gt, _, data := p.Next()
		if gt == css.ErrorGrammar && !p.HasParseError() {
			break // the end of the input
		}
		switch gt {
		case css.ErrorGrammar:
			// The parser recovers; what it could not parse is left out.
			continue
		case css.BeginAtRuleGrammar:
			name := strings.ToLower(string(data))
			ok := !skipping() && allowedBlockAtRules[name] && valuesSafe(p.Values(), drop)
			if !ok && !skipping() {
				drop("the %s rule", name)
			}
			open = append(open, ok)
			if ok {
				out.WriteString(name)
				writeValues(&out, p.Values(), true)
				out.WriteString("{")
			}
		case css.EndAtRuleGrammar, css.EndRulesetGrammar:
			if len(open) == 0 {
				continue
			}
			if open[len(open)-1] {
				out.WriteString("}")
			}
			open = open[:len(open)-1]
		case css.AtRuleGrammar:
			if !skipping() {
				drop("the %s rule", strings.ToLower(string(data)))
			}
		case css.QualifiedRuleGrammar:
			if !skipping() && valuesSafe(p.Values(), drop) {
				writeValues(&out, p.Values(), false)
				out.WriteString(",")
			}
		case css.BeginRulesetGrammar:
			ok := !skipping() && valuesSafe(p.Values(), drop)
			open = append(open, ok)
			if ok {
				writeValues(&out, p.Values(), false)
				out.WriteString("{")
			}
		case css.DeclarationGrammar:
			name := strings.ToLower(string(data))
			if skipping() {
				continue
			}
			if forbiddenProperties[name] || strings.ContainsAny(name, `\<`) {
				drop("the %s property", name)
				continue
			}
			if !valuesSafe(p.Values(), drop) {
				continue
			}
			out.WriteString(name)
			out.WriteString(":")
			writeValues(&out, p.Values(), false)
			out.WriteString(";")
		case css.CustomPropertyGrammar:
			if skipping() || strings.ContainsAny(string(data), `\<`) {
				continue
			}
			// Its value is kept as one token: lex it to check it like any
			// other, since var() may put it in a url-taking property.
			vals := p.Values()
			var toks []css.Token
			for _, v := range vals {
				l := css.NewLexer(parse.NewInputBytes(v.Data))
				for {
					tt, d := l.Next()
					if tt == css.ErrorToken {
						break
					}
					toks = append(toks, css.Token{TokenType: tt, Data: parse.Copy(d)})
				}
			}
			if !valuesSafe(toks, drop) {
				continue
			}
			out.WriteString(string(data))
			out.WriteString(":")
			writeValues(&out, toks, false)
			out.WriteString(";")
		}
	}
	for range open {
		if open[len(open)-1] {
			out.WriteString("}")
		}
		open = open[:len(open)-1]
	}
	return out.String(), dropped
}

// allowedBlockAtRules are the at-rules with a block kept.
var allowedBlockAtRules = map[string]bool{
	"@media": true, "@supports": true, "@layer": true, "@font-face": true,
	"@keyframes": true, "@-webkit-keyframes": true, "@container": false,
}

var forbiddenProperties = map[string]bool{"behavior": true, "-ms-behavior": true, "-moz-binding": true}

// urlFunctions take URLs (as strings) among their arguments.
var urlFunctions = map[string]bool{
	"url": true, "src": true, "image-set": true, "-webkit-image-set": true, "image": true,
	"cross-fade": true, "-webkit-cross-fade": true, "element": true, "-moz-element": true,
}

// valuesSafe reports whether a declaration's (or prelude's) tokens load
// nothing from another host, telling drop what it found when not.
func valuesSafe(toks []css.Token, drop func(string, ...any)) bool {
	// depth counts the url-taking functions the tokens are in.
	var inURLFunc []bool
	for _, t := range toks {
		switch t.TokenType {
		case css.URLToken:
			u := urlOf(t.Data)
			if !localURL(u) {
				drop("url(%s)", clip(u))
				return false
			}
		case css.BadURLToken, css.BadStringToken:
			drop("a malformed %s", clip(string(t.Data)))
			return false
		case css.FunctionToken:
			raw := strings.TrimSuffix(string(t.Data), "(")
			if strings.Contains(raw, `\`) {
				drop("the escaped function %s()", clip(raw))
				return false
			}
			name := strings.ToLower(raw)
			if name == "expression" || name == "javascript" {
				drop("%s()", name)
				return false
			}
			inURLFunc = append(inURLFunc, urlFunctions[name])
		case css.LeftParenthesisToken:
			inURLFunc = append(inURLFunc, false)
		case css.RightParenthesisToken:
			if len(inURLFunc) > 0 {
				inURLFunc = inURLFunc[:len(inURLFunc)-1]
			}
		case css.StringToken:
			if len(inURLFunc) > 0 && inURLFunc[len(inURLFunc)-1] {
				u := unescape(string(t.Data[1 : len(t.Data)-1]))
				if !localURL(u) {
					drop("url(%s)", clip(u))
					return false
				}
			}
		case css.DelimToken:
			if len(t.Data) == 1 && t.Data[0] == '<' {
				drop("a '<'")
				return false
			}
		}
	}
	return true
}

// writeValues writes tokens back; a '<' in a string (which is all a
// closing </style> could hide in) is escaped.
func writeValues(out *bytes.Buffer, toks []css.Token, leadingSpace bool) {
	for i, t := range toks {
		if i == 0 && leadingSpace && t.TokenType != css.WhitespaceToken {
			out.WriteByte(' ')
		}
		d := t.Data
		if t.TokenType == css.StringToken || t.TokenType == css.URLToken {
			d = bytes.ReplaceAll(d, []byte("<"), []byte(`\3c `))
		}
		out.Write(d)
	}
}

// urlOf is the target of a url() token: unquoted, unescaped, trimmed.
func urlOf(tok []byte) string {
	s := string(tok)
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ")")
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return unescape(s)
}

// localPath: a path on this host, or a fragment (an SVG filter or
// gradient in the page). No scheme, no host, no backslash (which URL
// parsers read as a slash, making /\host protocol-relative), no spaces or
// control characters (which they strip).
var localPath = regexp.MustCompile(`^(/[A-Za-z0-9._~!$&'()*+,;=@%-][A-Za-z0-9._~!$&'()*+,;=@%/?-]*(#[A-Za-z0-9_-]*)?|#[A-Za-z][A-Za-z0-9_-]*)$`)

func localURL(u string) bool { return localPath.MatchString(u) }

// unescape resolves CSS escapes (\72, \"): what the browser would read.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		for j < len(s) && j < i+7 && isHex(s[j]) {
			j++
		}
		if j == i+1 {
			// \x is x; a backslash before a newline is a line continuation.
			if s[j] != '\n' {
				b.WriteByte(s[j])
			}
			i = j
			continue
		}
		v, _ := strconv.ParseUint(s[i+1:j], 16, 32)
		r := rune(v)
		if r == 0 || r > utf8.MaxRune || (r >= 0xd800 && r <= 0xdfff) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
			j++
		}
		i = j - 1
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
