package body

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/foliohq/folio/internal/folio"
)

// checkText refuses a decoded request body with a string PostgreSQL cannot
// take (see folio.IsText), naming each such field. JSON carries one as
// \u0000 (invalid UTF-8 is already U+FFFD once decoded). Checked here, at
// the one place every body is decoded, it is an invalid field like any
// other rather than a failed query and a 500.
func checkText(v any) error {
	var fields folio.Validation
	named := map[string]bool{}
	walkStrings(reflect.ValueOf(v), "", func(field, s string) {
		if !folio.IsText(s) && !named[field] {
			named[field] = true
			fields.Add(field, "must be text without NUL characters")
		}
	})
	return fields.Err()
}

// walkStrings calls fn with every string in v and its path in the JSON
// document (pitch.problem, tech_tags[2], links.github).
func walkStrings(v reflect.Value, path string, fn func(field, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, fn)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), path+"["+strconv.Itoa(i)+"]", fn)
		}
	case reflect.Map:
		// In key order, so that the errors come back in a stable order.
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, key := range keys {
			if key.Kind() == reflect.String {
				fn(path, key.String())
			}
			walkStrings(v.MapIndex(key), joinField(path, key.String()), fn)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walkStrings(v.Field(i), path, fn)
				continue
			}
			if name == "" {
				name = f.Name
			}
			walkStrings(v.Field(i), joinField(path, name), fn)
		}
	}
}

func joinField(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
