// Package i18n is Folio's text in several languages: the message catalogs
// (locales/<lang>.toml and locales/<area>/<lang>.toml, embedded), a Localizer per language for Go code and
// templates, Accept-Language negotiation, and dates and numbers written
// the way each language writes them. English is the source catalog: every
// other catalog must have each of its keys (see the tests).
package i18n

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	toml "github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed locales/*.toml locales/*/*.toml
var locales embed.FS

// catalogFiles are lang's catalog files: locales/<lang>.toml, then one per
// area (locales/<area>/<lang>.toml), so that parts of Folio can add text
// without all editing one file.
func catalogFiles(lang string) []string {
	files := []string{"locales/" + lang + ".toml"}
	more, _ := fs.Glob(locales, "locales/*/"+lang+".toml")
	return append(files, more...)
}

// catalog is lang's messages from all its files, each id with the file
// it came from; an id in two files is an error.
func catalog(lang string) (map[string]any, error) {
	all := map[string]any{}
	from := map[string]string{}
	for _, f := range catalogFiles(lang) {
		b, err := locales.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := toml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k, v := range m {
			if other, ok := from[k]; ok {
				return nil, fmt.Errorf("%q is in both %s and %s", k, other, f)
			}
			all[k], from[k] = v, f
		}
	}
	return all, nil
}

// Default is the language of the source catalog, and of everything whose
// language is not known.
const Default = "en"

// Language is a language Folio has a complete catalog for.
type Language struct {
	Tag  string // BCP 47, as stored ("de")
	Name string // the language's own name for itself ("Deutsch")
}

// Languages are the supported languages, the default first. A language is
// added with its catalog, an entry here and its month names (dates.go).
var Languages = []Language{{"en", "English"}, {"de", "Deutsch"}, {"es", "Español"}}

var (
	loadOnce   sync.Once
	bundle     *goi18n.Bundle
	localizers map[string]*Localizer
)

func load() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	tags := make([]language.Tag, len(Languages))
	localizers = make(map[string]*Localizer, len(Languages))
	for i, l := range Languages {
		if _, err := catalog(l.Tag); err != nil {
			panic("i18n: catalog " + l.Tag + ": " + err.Error()) // a build-time mistake, caught by every test
		}
		for _, f := range catalogFiles(l.Tag) {
			if _, err := bundle.LoadMessageFileFS(locales, f); err != nil {
				panic("i18n: catalog " + f + ": " + err.Error())
			}
		}
		tags[i] = language.MustParse(l.Tag)
	}
	for i, l := range Languages {
		localizers[l.Tag] = &Localizer{lang: l.Tag, l: goi18n.NewLocalizer(bundle, l.Tag), p: message.NewPrinter(tags[i])}
	}
}

// Supported reports whether tag names a language with a catalog.
func Supported(tag string) bool {
	for _, l := range Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// Negotiate picks the supported language an Accept-Language header
// prefers most, the default when it names none of them. The header is
// cut short first: a client cannot make the parse expensive.
func Negotiate(acceptLanguage string) string {
	loadOnce.Do(load)
	if len(acceptLanguage) > 512 {
		acceptLanguage = acceptLanguage[:512]
	}
	prefs := parseAccept(acceptLanguage)
	// The first preference whose base language has a catalog wins: de-CH
	// reads German, es-419 Spanish. (language.Matcher would rather answer
	// the default with low confidence than a later, weaker preference.)
	for _, p := range prefs {
		base, conf := p.Base()
		if conf == language.No {
			continue
		}
		if Supported(base.String()) {
			return base.String()
		}
	}
	return Default
}

// parseAccept reads an Accept-Language header's tags, most preferred
// first, skipping entries it cannot read (x/text refuses the whole header
// for one unknown tag), at most 16 of them.
func parseAccept(h string) []language.Tag {
	type pref struct {
		tag language.Tag
		q   float64
	}
	var prefs []pref
	for i, entry := range strings.Split(h, ",") {
		if i == 16 {
			break
		}
		name, params, _ := strings.Cut(strings.TrimSpace(entry), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		tag, err := language.Parse(strings.TrimSpace(name))
		if err != nil || q == 0 {
			continue
		}
		prefs = append(prefs, pref{tag, q})
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	out := make([]language.Tag, len(prefs))
	for i, p := range prefs {
		out[i] = p.tag
	}
	return out
}

// For is the localizer of tag, the default language's if tag has no
// catalog.
func For(tag string) *Localizer {
	loadOnce.Do(load)
	if l, ok := localizers[tag]; ok {
		return l
	}
	return localizers[Default]
}

// Localizer writes one language's messages, dates and numbers. It is
// shared and safe for concurrent use.
type Localizer struct {
	lang string
	l    *goi18n.Localizer
	p    *message.Printer
}

// Lang is the localizer's language tag, for <html lang>.
func (l *Localizer) Lang() string { return l.lang }

// T is the message id, with args as pairs of names and values that the
// message's {{.Name}} placeholders read. A message the catalogs miss shows
// its id, which the tests catch before a user could.
func (l *Localizer) T(id string, args ...any) string {
	return l.localize(id, nil, args)
}

// N is the plural message id for count, which the message reads as
// {{.Count}} (written with the language's digits and separators).
func (l *Localizer) N(id string, count any, args ...any) string {
	return l.localize(id, count, args)
}

func (l *Localizer) localize(id string, count any, args []any) string {
	data := make(map[string]any, len(args)/2+1)
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if count != nil {
		cfg.PluralCount = count
		data["Count"] = l.Num(count)
	}
	s, err := l.l.Localize(cfg)
	if err != nil || s == "" {
		return id
	}
	return s
}

// Num writes a number the language's way (1,234.5 or 1.234,5).
func (l *Localizer) Num(n any) string {
	switch v := n.(type) {
	case string:
		return v
	case float32, float64:
		return l.p.Sprintf("%.1f", v)
	}
	return l.p.Sprintf("%d", n)
}

// Funcs are the template functions of the localizer's language:
//
//	t "key" ["Name" value ...]       a message
//	tn "key" count ["Name" value ...] a plural message
//	th "key" ...                     a message that holds markup (trusted: catalogs are ours)
//	date t ["short"|"long"|"datetime"|"day"]  a date
//	num n                            a number
//	lang                             the language tag
//	languages                        the supported languages
func (l *Localizer) Funcs() template.FuncMap {
	return template.FuncMap{
		"t":  l.T,
		"tn": l.N,
		"th": func(id string, args ...any) template.HTML {
			for i := 1; i < len(args); i += 2 { // the values are data: escape them
				if s, ok := args[i].(string); ok {
					args[i] = template.HTMLEscapeString(s)
				}
			}
			return template.HTML(l.T(id, args...)) //nolint:gosec // the catalogs are part of the build
		},
		"date": l.Date,
		"num":  l.Num,
		"lang": l.Lang,
		// languages are the switch's choices.
		"languages": func() []Language { return Languages },
	}
}

// FuncNames are the template functions Funcs defines, to parse templates
// before a language is chosen (Clone then Funcs binds one).
func FuncNames() template.FuncMap { return For(Default).Funcs() }

// Keys are the message ids of lang's catalog, for the tests.
func Keys(lang string) []string {
	m, err := catalog(lang)
	if err != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// PluralForms are the plural categories lang's message id defines (one,
// other...), for the tests; nil for a message that is not plural.
func PluralForms(lang, id string) []string {
	m, err := catalog(lang)
	if err != nil {
		return nil
	}
	t, ok := m[id].(map[string]any)
	if !ok {
		return nil
	}
	var forms []string
	for k := range t {
		if k != "description" {
			forms = append(forms, strings.ToLower(k))
		}
	}
	return forms
}
