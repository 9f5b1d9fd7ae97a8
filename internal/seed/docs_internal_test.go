package seed

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

// A made-up API document names its resource after the title's first
// word, as a plural: "Orders API" documents /orders (it was "orderss").
func TestDocsSourceNamesTheResource(t *testing.T) {
	for title, want := range map[string]string{"Orders API": "orders", "Chat Gateway": "chats"} {
		data, err := (&Media{}).docsSource(&folio.Project{Title: title}, false)
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(data, &spec); err != nil {
			t.Fatal(err)
		}
		var get struct{ Tags []string }
		if err := json.Unmarshal(spec.Paths["/"+want]["get"], &get); err != nil || !slices.Equal(get.Tags, []string{want}) {
			t.Errorf("%s: GET /%s tagged %v (%v); paths %v", title, want, get.Tags, err, spec.Paths)
		}
	}
}
