package resume

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/foliohq/folio/internal/folio"
)

// Limits on an imported file.
const (
	// MaxImportBytes bounds a JSON Resume file: a long résumé is tens of
	// kilobytes.
	MaxImportBytes = 1 << 20
	// MaxImportProjects bounds the projects one file creates.
	MaxImportProjects = 50
	// maxSkipped bounds the skipped fields a report lists one by one.
	maxSkipped = 300
	// maxExisting bounds the pages of the owner's projects read to find
	// the ones already there (100 a page).
	maxExisting = 50
)

// Skip is a field of the file that Import did not map, and why: Reason
// is in English, as the API answers it.
type Skip struct {
	// Field is the field's path in the file, as basics.email or
	// work[0].position.
	Field  string `json:"field"`
	Reason string `json:"reason"`
	// Code names the reason (a key of Reasons), so that a page can say it
	// in its reader's language; Value is what the reason names: a field,
	// a title, a count, or Folio's own validation message. Neither is
	// part of the API's answer.
	Code  string `json:"-"`
	Value string `json:"-"`
}

// Reasons are the English reasons a field is skipped, by Skip.Code; a
// reason with a verb takes the Skip's Value.
var Reasons = map[string]string{
	// Whole sections with no place in Folio.
	"work":         "Folio has no work history; tell it in your bio or a project",
	"volunteer":    "Folio has no volunteering section",
	"education":    "Folio has no education section",
	"awards":       "Folio has no awards section",
	"certificates": "Folio has no certificates section",
	"publications": "Folio has no publications section",
	"skills":       "Folio shows skills as the tech tags of your projects",
	"languages":    "Folio has no languages section",
	"interests":    "Folio has no interests section",
	"references":   "Folio has no references section",
	"meta":         "describes the file, not you",
	"unknown":      "not part of JSON Resume, and unknown to Folio",
	"more":         "and %s more fields not mapped",
	// The profile (basics).
	"already_set":     "an earlier field of the file set %s already",
	"invalid":         "%s",
	"not_valid":       "not valid in Folio",
	"email":           "an import does not change the address you sign in with; change it in your account settings",
	"street_address":  "your location shows on your public page: a street address and postal code are left out",
	"image":           "upload a profile picture in the dashboard: Folio does not fetch images from other sites",
	"phone":           "Folio has no phone number field",
	"profile_field":   "Folio's profile has no such field",
	"other_network":   "Folio links GitHub and LinkedIn profiles only; add others to your bio",
	"profile_no_link": "a profile needs a url or username",
	"profile_link":    "Folio keeps only the profile's link",
	// Projects.
	"not_project":    "not a project",
	"unnamed":        "a project without a name is not imported",
	"title_too_long": "a project title may be at most %s characters; the project is not imported",
	"not_imported":   "its project is not imported",
	"too_many_tags":  "a project has at most 12 tech tags",
	"tag_too_long":   "a tech tag is at most 30 characters",
	"dates":          "Folio projects have no dates",
	"roles":          "Folio projects have no roles; say yours in the pitch",
	"entity":         "Folio projects have no entity",
	"type":           "Folio projects have no type",
	"project_field":  "Folio projects have no such field",
	"project_exists": "you already have a project named %q",
}

// Refusal is Parse's refusal of a file: Err is what the API answers (in
// English), Reason names it for a page that says it in its reader's
// language (too_large, not_utf8, not_json, invalid, too_many_projects),
// and Detail is what the reason quotes (a limit, the JSON parser's
// complaint). errors.As finds Err through it.
type Refusal struct {
	Err            *folio.Error
	Reason, Detail string
}

func (r *Refusal) Error() string { return r.Err.Error() }

// Unwrap is the application error, for folio.ErrorCode and the API.
func (r *Refusal) Unwrap() error { return r.Err }

func refuse(reason, detail string, err *folio.Error) error {
	return &Refusal{Err: err, Reason: reason, Detail: detail}
}

// newSkip is field skipped for the reason code names, with its value.
func newSkip(field, code, value string) Skip {
	reason := Reasons[code]
	if strings.Contains(reason, "%") {
		reason = fmt.Sprintf(reason, value)
	}
	return Skip{Field: field, Reason: reason, Code: code, Value: value}
}

// Plan is what a file maps to, before anything is written.
type Plan struct {
	Profile folio.ProfileUpdate
	// ProfileFields names the profile fields Profile sets, as the API
	// names them (display_name, headline...).
	ProfileFields []string
	Projects      []folio.ProjectInput
	// ProjectFields are the file paths of Projects, in order (projects[2]).
	ProjectFields []string
	Skipped       []Skip
}

// Parse reads a JSON Resume file of at most MaxImportBytes, validates it
// against the schema and maps it. Errors: ETOOLARGE for a larger file;
// EINVALID for one that is not JSON, not an object, or not valid JSON
// Resume (with the validator's reasons), or that has more than
// MaxImportProjects projects.
func Parse(r io.Reader) (*Plan, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxImportBytes {
		return nil, refuse("too_large", strconv.Itoa(MaxImportBytes>>10), folio.Errorf(folio.ETOOLARGE, "A JSON Resume file may be at most %d KiB.", MaxImportBytes>>10))
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")) // a BOM some editors write
	if !utf8.Valid(raw) {
		return nil, refuse("not_utf8", "", folio.Errorf(folio.EINVALID, "The file is not UTF-8 text."))
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		reason := jsonReason(err)
		return nil, refuse("not_json", reason, folio.Errorf(folio.EINVALID, "The file is not JSON: %s.", reason))
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, refuse("invalid", "", &folio.Error{Code: folio.EINVALID, Message: "This file is not a valid JSON Resume: see each field's reason.",
			Fields: []folio.FieldError{{Field: "/", Message: "a JSON Resume is a JSON object"}}})
	}
	if err := Validate(doc); err != nil {
		var fe *folio.Error
		if errors.As(err, &fe) && fe.Code == folio.EINVALID {
			return nil, refuse("invalid", "", fe)
		}
		return nil, err
	}
	if ps, _ := top["projects"].([]any); len(ps) > MaxImportProjects {
		return nil, refuse("too_many_projects", strconv.Itoa(MaxImportProjects), &folio.Error{Code: folio.EINVALID, Message: "The file has too many projects.",
			Fields: []folio.FieldError{{Field: "/projects", Message: fmt.Sprintf("at most %d projects can be imported at once", MaxImportProjects)}}})
	}
	p := &Plan{}
	p.mapBasics(top)
	p.mapProjects(top)
	delete(top, "$schema") // names the schema, which was checked
	// Whatever is left has no place in Folio.
	keys := sortedKeys(top)
	for _, k := range keys {
		code := "unknown"
		if sections[k] {
			code = k
		}
		p.skipAll(k, top[k], code)
	}
	if n := len(p.Skipped); n > maxSkipped {
		p.Skipped = append(p.Skipped[:maxSkipped], newSkip("…", "more", strconv.Itoa(n-maxSkipped)))
	}
	return p, nil
}

// sections are the sections of JSON Resume with no place in Folio; each
// is its own reason's code.
var sections = map[string]bool{"work": true, "volunteer": true, "education": true, "awards": true, "certificates": true,
	"publications": true, "skills": true, "languages": true, "interests": true, "references": true, "meta": true}

func jsonReason(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	return err.Error()
}

// skip lists field as skipped for the reason code names (see Reasons),
// which may name value.
func (p *Plan) skip(field, code string, value ...string) {
	v := ""
	if len(value) > 0 {
		v = value[0]
	}
	p.Skipped = append(p.Skipped, newSkip(field, code, v))
}

// skipAll lists every leaf of v, at path, as skipped for the reason code
// names. An empty string, array or object says nothing and is not listed.
func (p *Plan) skipAll(path string, v any, code string, value ...string) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			p.skipAll(path+"."+k, v[k], code, value...)
		}
	case []any:
		for i, e := range v {
			p.skipAll(path+"["+strconv.Itoa(i)+"]", e, code, value...)
		}
	case string:
		if strings.TrimSpace(v) != "" {
			p.skip(path, code, value...)
		}
	case nil:
	default:
		p.skip(path, code, value...)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// take removes key from m and returns it as trimmed text ("" when absent
// or empty).
func take(m map[string]any, key string) string {
	v, ok := m[key]
	if !ok {
		return ""
	}
	delete(m, key)
	s, _ := v.(string) // the schema made every mapped field a string
	return strings.TrimSpace(s)
}

// profileField sets one profile field when it passes Folio's validation,
// and otherwise skips it with the reason.
func (p *Plan) profileField(path, name, value string, upd folio.ProfileUpdate) {
	if slices.Contains(p.ProfileFields, name) {
		p.skip(path, "already_set", name)
		return
	}
	if err := upd.Validate(); err != nil {
		var fe *folio.Error
		if errors.As(err, &fe) && len(fe.Fields) > 0 {
			p.skip(path, "invalid", fe.Fields[0].Message)
		} else {
			p.skip(path, "not_valid")
		}
		return
	}
	switch name {
	case "display_name":
		p.Profile.DisplayName = &value
	case "headline":
		p.Profile.Headline = &value
	case "bio":
		p.Profile.Bio = &value
	case "location":
		p.Profile.Location = &value
	case "links.website":
		p.Profile.WebsiteURL = &value
	case "links.github":
		p.Profile.GitHubURL = &value
	case "links.linkedin":
		p.Profile.LinkedInURL = &value
	}
	p.ProfileFields = append(p.ProfileFields, name)
}

func (p *Plan) mapBasics(top map[string]any) {
	b, ok := top["basics"].(map[string]any)
	if !ok {
		return
	}
	delete(top, "basics")
	if v := take(b, "name"); v != "" {
		p.profileField("basics.name", "display_name", v, folio.ProfileUpdate{DisplayName: &v})
	}
	if v := take(b, "label"); v != "" {
		p.profileField("basics.label", "headline", v, folio.ProfileUpdate{Headline: &v})
	}
	if v := take(b, "summary"); v != "" {
		p.profileField("basics.summary", "bio", v, folio.ProfileUpdate{Bio: &v})
	}
	if v := take(b, "url"); v != "" {
		p.profileField("basics.url", "links.website", v, folio.ProfileUpdate{WebsiteURL: &v})
	}
	if v := take(b, "email"); v != "" {
		p.skip("basics.email", "email")
	}
	if loc, ok := b["location"].(map[string]any); ok {
		delete(b, "location")
		var parts []string
		for _, k := range []string{"city", "region", "countryCode"} {
			if v := take(loc, k); v != "" {
				parts = append(parts, v)
			}
		}
		if len(parts) > 0 {
			v := strings.Join(parts, ", ")
			p.profileField("basics.location", "location", v, folio.ProfileUpdate{Location: &v})
		}
		p.skipAll("basics.location", loc, "street_address")
	}
	if ps, ok := b["profiles"].([]any); ok {
		delete(b, "profiles")
		for i, e := range ps {
			p.mapProfile(fmt.Sprintf("basics.profiles[%d]", i), e)
		}
	}
	for _, k := range sortedKeys(b) {
		code := "profile_field"
		if k == "image" || k == "phone" {
			code = k
		}
		p.skipAll("basics."+k, b[k], code)
	}
}

// mapProfile maps a GitHub or LinkedIn profile to its link.
func (p *Plan) mapProfile(path string, e any) {
	m, ok := e.(map[string]any)
	network, _ := m["network"].(string)
	network = strings.ToLower(strings.TrimSpace(network))
	if !ok || (network != "github" && network != "linkedin") {
		p.skipAll(path, e, "other_network")
		return
	}
	delete(m, "network")
	link, user := take(m, "url"), take(m, "username")
	if link == "" && user != "" {
		if network == "github" {
			link = "https://github.com/" + url.PathEscape(user)
		} else {
			link = "https://www.linkedin.com/in/" + url.PathEscape(user)
		}
	}
	switch {
	case link == "":
		p.skip(path, "profile_no_link")
	case network == "github":
		p.profileField(path+".url", "links.github", link, folio.ProfileUpdate{GitHubURL: &link})
	default:
		p.profileField(path+".url", "links.linkedin", link, folio.ProfileUpdate{LinkedInURL: &link})
	}
	p.skipAll(path, m, "profile_link")
}
